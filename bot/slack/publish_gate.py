"""The publish gate: the parent message shows the desk's progress, and once every high-priority item is
verified or waived (with a note) the story gets the ready reaction; it comes off when one is reopened.

Runs after every re-render (``statuses.refresh``) and after a recheck, under the thread's lock.
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.desk import DeskProgress, progress
from bot.models import Checklist
from bot.slack.blocks import parent_message
from bot.slack.channel_settings import load
from bot.slack.outbox import reply, update
from bot.slack.records import ItemStatus, ThreadRecord
from bot.slack.services import Services
from bot.slack.views import ready_notice

log = logging.getLogger(__name__)

PARENT_INDEX = -1  # the parent's slot in the thread's rendered digests
HARMLESS = {"already_reacted", "no_reaction", "message_not_found"}


def ready_emoji(services: Services, channel: str) -> str:
    """The channel's choice (``/factcheck settings``), else FACTCHECK_READY_EMOJI."""
    return load(services, channel).ready_emoji


def update_parent(
    services: Services, record: ThreadRecord, checklist: Checklist, statuses: dict[int, ItemStatus]
) -> DeskProgress:
    """Progress on the parent message (ours when the check came from /factcheck); returns it."""
    done = progress(checklist, statuses)
    if record.trigger == "command":
        message = parent_message(checklist.title, record.requested_by, "command", checklist, statuses, done.line())
        if services.state.rendered_changed(record.checklist_id, PARENT_INDEX, message.blocks):
            update(services, record.channel, record.thread_ts, message)
            services.state.mark_rendered(record.checklist_id, PARENT_INDEX, message.blocks)
    return done


def apply_gate(services: Services, record: ThreadRecord, checklist: Checklist, statuses: dict[int, ItemStatus]) -> None:
    done = update_parent(services, record, checklist, statuses)
    state = services.state
    cid = record.checklist_id
    if done.ready:
        emoji = ready_emoji(services, record.channel)
        if state.mark_ready(cid, emoji):
            _react(services, "reactions_add", record, emoji)
            reply(services, record.channel, record.thread_ts, ready_notice(True, emoji))
    else:
        emoji_on = state.clear_ready(cid)
        if emoji_on:
            _react(services, "reactions_remove", record, emoji_on)
            reply(services, record.channel, record.thread_ts, ready_notice(False, emoji_on))


def _react(services: Services, method: str, record: ThreadRecord, emoji: str) -> None:
    try:
        getattr(services.client, method)(channel=record.channel, timestamp=record.thread_ts, name=emoji)
    except SlackApiError as exc:
        if exc.response.get("error") not in HARMLESS:
            log.warning("%s on a story's parent failed: %s", method, exc.response.get("error"))
