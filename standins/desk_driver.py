"""Slack's side of the desk workflow's requests, signed like every other: an overflow choice on an item, a
modal submitted, App Home opened. Built on ``slack_driver.Bot.signed_post``."""

from __future__ import annotations

import time
from itertools import count
from typing import Any

from standins.slack_driver import CHANNEL, EDITOR, Bot, Response

_ids = count(1)


def choose(
    bot: Bot,
    value: str,
    user: str = EDITOR,
    thread_ts: str = "",
    channel: str = CHANNEL,
    action_id: str = "fc_more",
    message_ts: str | None = None,
) -> Response:
    """An option picked in an overflow menu (``value`` is the option's value) under the message ``message_ts``
    (default: the thread's first checklist message, as when an editor uses the menu under an item)."""
    if message_ts is None:
        cid = value.split("|")[1]
        record = bot.services.state.get_record(cid)
        message_ts = record.message_ts[0] if record and record.message_ts else thread_ts
    option = {"text": {"type": "plain_text", "text": "x"}, "value": value}
    overflow = {"action_id": action_id, "block_id": "b", "type": "overflow", "selected_option": option}
    return bot.block_action(overflow, user=user, message_ts=message_ts, thread_ts=thread_ts, channel=channel)


def submit(bot: Bot, view: dict[str, Any], values: dict[str, dict[str, Any]], user: str = EDITOR) -> Response:
    """A modal submitted: ``values`` is ``{block_id: {action_id: {"type": ..., "value" | "selected_...": ...}}}``."""
    payload = {
        "type": "view_submission",
        "team": {"id": "T1", "domain": "example"},
        "user": {"id": user, "username": "editor", "team_id": "T1"},
        "api_app_id": "A1",
        "token": "legacy",
        "trigger_id": f"{next(_ids)}.1.view",
        "view": {"id": f"V{next(_ids)}", **view, "team_id": "T1", "state": {"values": values}},
    }
    return bot.interaction(payload)


def home_opened(bot: Bot, user: str = EDITOR, tab: str = "home") -> Response:
    event = {"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": tab, "event_ts": f"{time.time():.6f}"}
    return bot.event(event)


def note(text: str) -> dict[str, dict[str, Any]]:
    return {"fc_note": {"note": {"type": "plain_text_input", "value": text}}}


def picked_user(user: str | None) -> dict[str, dict[str, Any]]:
    return {"fc_owner": {"user": {"type": "users_select", "selected_user": user}}}
