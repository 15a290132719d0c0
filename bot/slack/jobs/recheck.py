"""The recheck job: the thread's article (or a revised text) checked again.

The new checklist is posted below in the same thread and the old checklist messages are replaced by a
one-line "superseded" notice, so nobody keeps ticking a stale list (a stale click is refused with an
ephemeral note). Statuses and owners of items whose quote and kind are unchanged carry over; the earlier
version (checklist, statuses, owners) is kept for ``export``, and a summary in the thread says what changed.
"""

from __future__ import annotations

import json
import time

from bot.jobs.model import Job
from bot.slack.blocks import checklist_messages, notice_message, placeholder_message
from bot.slack.channel_settings import shown
from bot.slack.jobs.check import add_prior_checks, analyze, prior_checks_pending
from bot.slack.outbox import PostKey, post, publish, reply, tell, update
from bot.slack.publish_gate import apply_gate
from bot.slack.records import HistoryEntry
from bot.slack.services import Services
from bot.slack.state import carry_owners, carry_statuses, recheck_changes
from bot.slack.views import recheck_summary
from bot.text import InputError, prepare_text, split_units


def run_recheck(services: Services, job: Job) -> None:
    state = services.state
    progress = state.job_get(job.job_id)
    if progress.get("done"):
        return
    cid = job.checklist_id or ""
    record = state.get_record(cid)
    old = state.get_checklist(cid)
    if record is None or old is None:
        tell(services, job, "I no longer have this checklist (it expired). Start a new check.", job.thread_ts, None)
        return
    text = job.text or state.get_article(cid) or ""
    try:
        text = prepare_text(text, services.settings.max_article_chars)
    except InputError as exc:
        reply(services, record.channel, record.thread_ts, str(exc))
        return
    placeholder_ts = progress.get("placeholder_ts")
    if not placeholder_ts:
        sections = len(split_units(text, services.settings.batch_chars))
        key = PostKey(job.job_id, "placeholder")
        placeholder_ts = post(services, record.channel, placeholder_message(sections), record.thread_ts, key)
        state.job_set(job.job_id, placeholder_ts=placeholder_ts)

    checklist = analyze(services, job, text, record.thread_ts, placeholder_ts)
    if checklist is None:
        return
    if not job.text and old.source is not None:  # the stored article again: it came from the same link or file
        checklist = checklist.model_copy(update={"source": old.source})
    checklist = prior_checks_pending(services, checklist)
    with state.thread_lock(cid):
        record = state.get_record(cid) or record
        if record.version != int(progress.get("from_version", record.version)):
            return  # another run of this job already published; nothing left to do
        state.job_set(job.job_id, from_version=str(record.version))
        old_statuses, old_owners = state.statuses(cid), state.owners(cid)
        carried = carry_statuses(old, old_statuses, checklist)
        owners = carry_owners(old, old_owners, checklist)
        snapshot = {
            "checklist": old.model_dump(mode="json"),
            "statuses": {str(n): s.model_dump(mode="json") for n, s in old_statuses.items()},
            "owners": {str(n): u for n, u in old_owners.items()},
        }
        state.save_version(cid, record.version, json.dumps(snapshot))  # the old version stays reachable
        old_ts = list(record.message_ts)
        new = record.model_copy(
            update={
                "version": record.version + 1,
                "article_id": checklist.article_id,
                "title": checklist.title,
                "message_ts": [placeholder_ts],
            }
        )
        state.save_checklist(new, checklist, text, carried)
        state.replace_owners(cid, owners)
        view, hidden = shown(services, record.channel, checklist)
        messages = checklist_messages(view, new, carried, owners, hidden)
        new.message_ts = publish(services, new, messages, [placeholder_ts], None)
        state.save_record(new)
        for ts in old_ts:
            update(
                services,
                record.channel,
                ts,
                notice_message(f"Superseded: version {new.version} of this checklist is below in this thread."),
            )
        state.add_history(cid, HistoryEntry(at=time.time(), user=job.user, action="rechecked", numbers=sorted(carried)))
        apply_gate(services, new, view, carried)  # the parent's progress, and the gate, for the new items
        added, gone = recheck_changes(old, checklist)
        summary = recheck_summary(old, checklist, new.version, added, gone, carried)
    post(services, record.channel, summary, record.thread_ts)
    add_prior_checks(services, cid, checklist)
    state.job_set(job.job_id, done="1")
