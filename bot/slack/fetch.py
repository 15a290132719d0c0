"""Reading the message an editor reacted to: top-level via ``conversations.history``, replies via
``conversations.replies``. Called by the check job, never by a listener: these methods are heavily
rate-limited for some apps, and a retry must not hold up Slack's request."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.slack.mrkdwn import decode_incoming


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
