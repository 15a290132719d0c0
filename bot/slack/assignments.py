"""Owners of checklist items: assign, unassign, and tell the assignee once (a DM with a link to the thread)."""

from __future__ import annotations

import logging
import time

from slack_sdk.errors import SlackApiError

from bot.slack.index import Index
from bot.slack.links import thread_link
from bot.slack.outbox import ephemeral, post
from bot.slack.records import HistoryEntry, ThreadRecord
from bot.slack.services import Services
from bot.slack.statuses import refresh
from bot.slack.views import assigned_message

log = logging.getLogger(__name__)


def assign(services: Services, record: ThreadRecord, numbers: list[int], owner: str | None, by: str) -> None:
    """Set (or, with ``owner=None``, clear) the owner of ``numbers``; re-render; tell a new owner once."""
    state = services.state
    cid = record.checklist_id
    state.set_owner(cid, numbers, owner)
    if owner:
        Index(services.redis, state.ttl).item_assigned(cid, owner)  # App Home lists it for them
    action = "assigned" if owner else "unassigned"
    state.add_history(cid, HistoryEntry(at=time.time(), user=by, action=action, numbers=numbers, owner=owner))
    refresh(services, cid)
    if owner and owner != by:  # assigning yourself needs no message
        tell_owner(services, record, numbers, owner, by)


def tell_owner(services: Services, record: ThreadRecord, numbers: list[int], owner: str, by: str) -> None:
    state = services.state
    new = [n for n in numbers if state.first_telling(record.checklist_id, n, owner)]
    checklist = state.get_checklist(record.checklist_id)
    if not new or checklist is None:
        return
    quotes = [item.quote for n in new if (item := checklist.item(n)) is not None]
    message = assigned_message(record.title, new, quotes, by, thread_link(services, record.channel, record.thread_ts))
    try:
        post(services, owner, message)  # a user id as the channel: the app's DM with them (chat:write)
    except SlackApiError as exc:  # DMs closed (or a guest): say it in the thread, to them only
        log.warning("assignment DM failed: %s", exc.response.get("error"))
        items = ", ".join(str(n) for n in new)
        ephemeral(
            services, record.channel, owner, f"You were assigned item(s) {items} of this checklist.", record.thread_ts
        )
