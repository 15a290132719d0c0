"""Status changes (buttons and thread commands) and the refresh of a thread's checklist messages.

Both paths apply a change here, so they record and render it the same way; only the messages whose
blocks changed are edited.
"""

from __future__ import annotations

import time

from bot.slack.blocks import checklist_messages, notice_message
from bot.slack.channel_settings import shown
from bot.slack.outbox import PostKey, post, update
from bot.slack.publish_gate import apply_gate
from bot.slack.records import HistoryEntry, Status, ThreadRecord
from bot.slack.services import Services

ACTIONS: dict[str, tuple[Status, str]] = {  # command/button action -> (new status, history verb)
    "verified": ("verified", "verified"),
    "flag": ("flagged", "flagged"),
    "reopen": ("open", "reopened"),
    "waive": ("waived", "waived"),  # needs a note: callers refuse a waiver without one
}


def apply_status(
    services: Services, record: ThreadRecord, numbers: list[int], action: str, user: str, note: str | None = None
) -> None:
    status, verb = ACTIONS[action]
    state = services.state
    state.set_status(record.checklist_id, numbers, status, user, note)
    state.add_history(
        record.checklist_id, HistoryEntry(at=time.time(), user=user, action=verb, numbers=numbers, note=note)
    )
    refresh(services, record.checklist_id)


def refresh(services: Services, checklist_id: str) -> None:
    """Re-render the thread's checklist and edit only the messages whose blocks changed."""
    state = services.state
    with state.thread_lock(checklist_id):
        record = state.get_record(checklist_id)
        checklist = state.get_checklist(checklist_id)
        if record is None or checklist is None:
            return
        statuses = state.statuses(checklist_id)
        view, hidden = shown(services, record.channel, checklist)  # the channel's minimum priority
        messages = checklist_messages(view, record, statuses, state.owners(checklist_id), hidden)
        changed = False
        for index, message in enumerate(messages):
            if index < len(record.message_ts):
                if state.rendered_changed(checklist_id, index, message.blocks):
                    update(services, record.channel, record.message_ts[index], message)
                    state.mark_rendered(checklist_id, index, message.blocks)
            else:  # a longer rendering (notes, prior checks added) spilled into one more message
                key = PostKey(f"spill-{checklist_id}-v{record.version}", "checklist", index)  # posted once
                record.message_ts.append(post(services, record.channel, message, record.thread_ts, key))
                state.mark_rendered(checklist_id, index, message.blocks)
                changed = True
        for index in range(len(messages), len(record.message_ts)):  # a shorter rendering leaves pages over
            spare = notice_message("(The checklist continues in the messages above.)")
            if state.rendered_changed(checklist_id, index, spare.blocks):
                update(services, record.channel, record.message_ts[index], spare)
                state.mark_rendered(checklist_id, index, spare.blocks)
        if changed:
            state.save_record(record)
        apply_gate(services, record, view, statuses)
