"""Buttons under each checklist item: verify, flag, reopen."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App

from bot.slack.blocks import ACTION_EXPAND, ACTION_FLAG, ACTION_REOPEN, ACTION_VERIFY
from bot.slack.listeners import ack_at_once
from bot.slack.outbox import ephemeral
from bot.slack.records import ThreadRecord
from bot.slack.services import Services
from bot.slack.statuses import apply_status, refresh

log = logging.getLogger(__name__)

ACTION_NAMES = {ACTION_VERIFY: "verified", ACTION_FLAG: "flag", ACTION_REOPEN: "reopen"}


def register(app: App, services: Services) -> None:
    for action_id in ACTION_NAMES:
        app.action(action_id)(ack=ack_at_once, lazy=[lambda body, action: handle_click(services, body, action)])
    app.action(ACTION_EXPAND)(ack=ack_at_once, lazy=[lambda body, action: handle_expand(services, body, action)])


def handle_expand(services: Services, body: dict[str, Any], action: dict[str, Any]) -> None:
    """ "Show them": the routine on-record items folded into one line are shown one by one."""
    try:
        checklist_id, version = (action.get("value") or "").rsplit("|", 1)
        wanted = int(version)
    except ValueError:
        return
    state = services.state
    with state.thread_lock(checklist_id):
        record = state.get_record(checklist_id)
        if record is None or record.version != wanted or record.expanded:
            return
        record.expanded = True
        state.save_record(record)
    refresh(services, checklist_id)


def parse_value(value: str) -> tuple[str, int, int] | None:
    """``"{checklist_id}|{version}|{number}"``; the id itself contains ``:`` but never ``|``."""
    try:
        checklist_id, version, number = value.rsplit("|", 2)
        return checklist_id, int(version), int(number)
    except ValueError:
        return None


def handle_click(services: Services, body: dict[str, Any], action: dict[str, Any]) -> None:
    user = (body.get("user") or {}).get("id") or ""
    channel = (body.get("channel") or {}).get("id") or ""
    thread_ts = (body.get("message") or {}).get("thread_ts")
    parsed = parse_value(action.get("value") or "")
    if parsed is None:
        return
    checklist_id, version, number = parsed
    record = services.state.get_record(checklist_id)
    if record is None:
        ephemeral(services, channel, user, "This checklist has expired. Start a new check.", thread_ts)
        return
    if not bound_to_message(services, body, record):
        return
    if version != record.version:
        ephemeral(
            services,
            channel,
            user,
            f"That button belongs to an older version of this checklist. Use version {record.version}, "
            "the latest one in this thread.",
            thread_ts,
        )
        return
    checklist = services.state.get_checklist(checklist_id)
    if checklist is None or checklist.item(number) is None:
        return
    apply_status(services, record, [number], ACTION_NAMES[action["action_id"]], user)


def bound_to_message(services: Services, body: dict[str, Any], record: ThreadRecord) -> bool:
    """Whether a click (button, menu) came from one of ``record``'s own messages in its own channel; if not,
    the clicker is told and False is returned. Button values are only data: a copied or forged value must
    not act on another thread's checklist."""
    channel = (body.get("channel") or {}).get("id") or ""
    if record.channel != channel:
        _refuse(services, body, record.checklist_id, "another channel")
        return False
    if clicked_message_ts(body) not in record.message_ts:
        _refuse(services, body, record.checklist_id, "a message that is not one of its own")
        return False
    return True


def clicked_message_ts(body: dict[str, Any]) -> str:
    """The ts of the message whose button was clicked, as Slack's (signed) payload gives it."""
    return str((body.get("container") or {}).get("message_ts") or (body.get("message") or {}).get("ts") or "")


def _refuse(services: Services, body: dict[str, Any], checklist_id: str, where: str) -> None:
    """A button value naming a checklist that the clicked message is not part of: forged or copied."""
    user = (body.get("user") or {}).get("id") or ""
    channel = (body.get("channel") or {}).get("id") or ""
    log.info(
        "click refused: the button names checklist %s but came from %s (channel %s, message %s, user %s)",
        checklist_id, where, channel, clicked_message_ts(body), user,
    )  # fmt: skip
    ephemeral(
        services,
        channel,
        user,
        "That button does not belong to this message, so nothing was changed. Use the buttons under the checklist.",
        (body.get("message") or {}).get("thread_ts"),
    )
