"""``reaction_added`` with the trigger emoji on a message: check that message, in a thread under it."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import metrics
from bot.slack import dedup
from bot.slack.jobs import Job, QueueFull
from bot.slack.mrkdwn import decode_incoming
from bot.slack.services import Services
from bot.slack.tasks import ephemeral

log = logging.getLogger(__name__)


def register(app: App, services: Services) -> None:
    app.event("reaction_added")(lambda event, context: handle_reaction(services, event, context))


def fetch_message(client: WebClient, channel: str, ts: str) -> dict[str, Any] | None:
    """The message at ``ts``: ``conversations.history`` finds top-level messages, ``.replies`` thread replies."""
    found = client.conversations_history(channel=channel, latest=ts, inclusive=True, limit=1)
    for message in found.get("messages") or []:
        if message.get("ts") == ts:
            return message
    found = client.conversations_replies(channel=channel, ts=ts, latest=ts, inclusive=True, limit=1)
    for message in found.get("messages") or []:
        if message.get("ts") == ts:
            return message
    return None


def message_text(message: dict[str, Any]) -> str:
    """The article as the editor saw it: the text, or the attachments' text for feed-style posts."""
    text = message.get("text") or ""
    if not text.strip():
        parts = [a.get("text") or a.get("fallback") or "" for a in message.get("attachments") or []]
        text = "\n\n".join(p for p in parts if p)
    return decode_incoming(text)


def handle_reaction(services: Services, event: dict[str, Any], context: BoltContext) -> None:
    reaction = (event.get("reaction") or "").split("::", 1)[0]  # "mag::skin-tone-2" -> "mag"
    item = event.get("item") or {}
    if reaction != services.settings.trigger_emoji or item.get("type") != "message":
        return
    channel, ts, user = item.get("channel"), item.get("ts"), event.get("user") or ""
    if not channel or not ts:
        return
    key = f"react:{channel}:{ts}"
    # Several editors reacting to the same message get one checklist: only the first reaction passes.
    if not dedup.first_delivery(services.redis, key, dedup.REACTION_TTL_SECONDS):
        return
    if services.state.record_for_thread(channel, ts) is not None:
        return  # checked before; the thread already holds the checklist (say "recheck" there)
    decision = services.limits.check_request(user, channel)
    if not decision.allowed:
        metrics.count_limited(decision.limit)
        dedup.forget(services.redis, key)  # reacting again later works
        ephemeral(services, channel, user, decision.message)
        return
    try:
        message = fetch_message(services.client, channel, ts)
    except SlackApiError as exc:
        log.warning("cannot read message in %s: %s", channel, exc.response.get("error"))
        dedup.forget(services.redis, key)
        ephemeral(services, channel, user, "I can't read that message. Invite me to this channel and react again.")
        return
    if message is None:
        dedup.forget(services.redis, key)
        return
    if message.get("user") and message.get("user") == context.bot_user_id:
        return  # our own checklist messages are not articles
    parent = message.get("thread_ts") or ts  # a reply is checked in its own thread
    job = Job(
        kind="check",
        job_id=f"react-{channel}-{ts}",
        channel=channel,
        user=user,
        text=message_text(message),
        trigger="reaction",
        thread_ts=parent,
    )
    try:
        services.queue.submit(job)
    except QueueFull:
        dedup.forget(services.redis, key)
        ephemeral(services, channel, user, "Too many checks are running right now. React again in a minute.")
