"""``reaction_added`` with the trigger emoji on a message: check that message, in a thread under it."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext

from bot.jobs.model import Job
from bot.slack.gates import Dedup, admit
from bot.slack.listeners import ack_at_once
from bot.slack.outbox import ephemeral
from bot.slack.services import Services

log = logging.getLogger(__name__)


def register(app: App, services: Services) -> None:
    # Lazy: a refusal (limit, full queue) answers with an ephemeral message, a Web API call.
    app.event("reaction_added")(
        ack=ack_at_once, lazy=[lambda event, context: handle_reaction(services, event, context)]
    )


def handle_reaction(services: Services, event: dict[str, Any], context: BoltContext) -> None:
    reaction = (event.get("reaction") or "").split("::", 1)[0]  # "mag::skin-tone-2" -> "mag"
    item = event.get("item") or {}
    if reaction != services.settings.trigger_emoji or item.get("type") != "message":
        return
    channel, ts, user = item.get("channel"), item.get("ts"), event.get("user") or ""
    if not channel or not ts:
        return
    job = Job(
        kind="check",
        job_id=Dedup(services.redis).message_job_id(channel, ts),
        channel=channel,
        user=user,
        trigger="reaction",
        message_ts=ts,  # the job reads the message: the listener makes no Web API call
        bot_user_id=context.bot_user_id,
    )
    admit(
        services,
        job,
        # Several editors reacting to the same message get one checklist: only the first reaction passes.
        gate=Dedup(services.redis).reaction(channel, ts),
        # Checked before: the thread already holds the checklist (say "recheck" there).
        wanted=lambda: services.state.record_for_thread(channel, ts) is None,
        limited=True,
        tell=lambda refusal: ephemeral(services, channel, user, refusal),
        busy="Too many checks are running right now. React again in a minute.",
    )
