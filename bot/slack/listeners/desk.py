"""The desk's controls on a checklist: the item overflow (a note with the status, waive, assign), its modal,
and the Export button. Clicks are acked at once; the work (views.open, status changes) runs lazily."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk.errors import SlackApiError

from bot.slack.assignments import assign
from bot.slack.blocks import ACTION_EXPORT, ACTION_MORE
from bot.slack.export import export_thread
from bot.slack.listeners import ack_at_once
from bot.slack.listeners.actions import bound_to_message, parse_value
from bot.slack.outbox import ephemeral
from bot.slack.records import ThreadRecord
from bot.slack.services import Services
from bot.slack.statuses import apply_status
from bot.slack.views import ITEM_MODAL, MAX_NOTE, item_modal, submitted

log = logging.getLogger(__name__)


def register(app: App, services: Services) -> None:
    app.action(ACTION_MORE)(ack=ack_at_once, lazy=[lambda body, action: open_item_modal(services, body, action)])
    app.view(ITEM_MODAL)(ack=ack_item_modal, lazy=[lambda body: apply_item_modal(services, body)])
    app.action(ACTION_EXPORT)(ack=ack_at_once, lazy=[lambda body, action: export_clicked(services, body, action)])


def _current(services: Services, cid: str, version: int, user: str, channel: str) -> ThreadRecord | None:
    """The thread's record when ``version`` is still its latest; otherwise the user is told why not."""
    record = services.state.get_record(cid)
    if record is None:
        if channel:
            ephemeral(services, channel, user, "This checklist has expired. Start a new check.")
        return None
    if record.version != version:
        ephemeral(services, record.channel, user, "That item belongs to an older version of this checklist.")
        return None
    return record


def open_item_modal(services: Services, body: dict[str, Any], action: dict[str, Any]) -> None:
    user = (body.get("user") or {}).get("id") or ""
    channel = (body.get("channel") or {}).get("id") or ""
    op, _, value = ((action.get("selected_option") or {}).get("value") or "").partition("|")
    parsed = parse_value(value)
    if parsed is None or op not in ("note:verified", "note:flag", "note:waive", "assign"):
        return
    cid, version, number = parsed
    record = _current(services, cid, version, user, channel)
    if record is None or not bound_to_message(services, body, record):
        return
    checklist = services.state.get_checklist(cid)
    item = checklist.item(number) if checklist else None
    if item is None:
        return
    owner = services.state.owners(cid).get(number)
    view = item_modal(op, cid, version, number, item.quote, owner)
    try:
        services.client.views_open(trigger_id=body.get("trigger_id") or "", view=view)
    except SlackApiError as exc:  # e.g. expired_trigger_id: the 3 s to open a modal were used up
        log.warning("item modal not opened: %s", exc.response.get("error"))
        ephemeral(services, record.channel, user, "That menu took too long. Pick it again.")


def ack_item_modal(ack: Ack, body: dict[str, Any]) -> None:
    metadata, note, _ = submitted(body.get("view") or {})
    if metadata.get("op") == "note:waive" and not note:  # the modal marks it required; belt and braces
        ack(response_action="errors", errors={"fc_note": "A waiver needs its reason."})
        return
    ack()


def apply_item_modal(services: Services, body: dict[str, Any]) -> None:
    user = (body.get("user") or {}).get("id") or ""
    metadata, note, owner = submitted(body.get("view") or {})
    try:
        op, cid, version, number = str(metadata["op"]), str(metadata["cid"]), int(metadata["v"]), int(metadata["n"])
    except (KeyError, TypeError, ValueError):
        return
    record = _current(services, cid, version, user, "")
    if record is None:
        return
    if op == "assign":
        assign(services, record, [number], owner, user)
    elif op.startswith("note:"):
        action = op.removeprefix("note:")
        if action == "waive" and not note:
            return
        apply_status(services, record, [number], action, user, note[:MAX_NOTE] or None)


def export_clicked(services: Services, body: dict[str, Any], action: dict[str, Any]) -> None:
    user = (body.get("user") or {}).get("id") or ""
    channel = (body.get("channel") or {}).get("id") or ""
    parsed = parse_value(action.get("value") or "")
    if parsed is None:
        return
    record = services.state.get_record(parsed[0])
    if record is None:
        ephemeral(services, channel, user, "This checklist has expired. Start a new check.")
        return
    if not bound_to_message(services, body, record):
        return
    export_thread(services, record, user)  # any version's button exports the current one, with the earlier
