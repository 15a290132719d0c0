"""The message shortcut "Fact-check this message" (callback id ``factcheck_message``): like the reaction,
on the message's text, its one link or its file, answered in that message's thread.

Acked at once; the job reads the message (and downloads or fetches) later. It shares the reaction's
gate: a reaction and a shortcut on one message, or two editors, give one checklist.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext

from bot.jobs.model import Job
from bot.slack.gates import Dedup, admit
from bot.slack.listeners import ack_at_once
from bot.slack.outbox import respond
from bot.slack.services import Services

CALLBACK_ID = "factcheck_message"


def register(app: App, services: Services) -> None:
    app.shortcut(CALLBACK_ID)(ack=ack_at_once, lazy=[lambda body, context: handle_shortcut(services, body, context)])


def handle_shortcut(services: Services, body: dict[str, Any], context: BoltContext) -> None:
    channel = (body.get("channel") or {}).get("id") or ""
    user = (body.get("user") or {}).get("id") or ""
    message = body.get("message") or {}
    ts = message.get("ts") or body.get("message_ts") or ""
    response_url = body.get("response_url") or ""
    if not channel or not ts or not user:
        return

    def tell(text: str) -> None:
        if response_url:
            respond(response_url, text)

    if services.state.record_for_thread(channel, ts) is not None:
        tell("This message already has a checklist in its thread. Say `recheck` there to run it again.")
        return
    dedup = Dedup(services.redis)
    job = Job(
        kind="check",
        job_id=dedup.message_job_id(channel, ts),
        channel=channel,
        user=user,
        trigger="shortcut",
        message_ts=ts,
        # Slack sent the message with the shortcut: the job need not read it with conversations.history
        # (rate-limited to 1 request a minute for some apps). Files and links are still fetched by the job.
        message=message if message.get("ts") == ts else None,
        bot_user_id=context.bot_user_id,
        response_url=response_url or None,
    )
    admission = admit(
        services,
        job,
        gate=dedup.reaction(channel, ts),
        limited=True,
        tell=tell,
        busy="Too many checks are running right now. Try again in a minute.",
    )
    if admission == "skipped":
        tell("A check of this message is already running; the checklist will appear in its thread.")
