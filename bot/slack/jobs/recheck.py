"""The recheck job: the thread's article (or a revised text) checked again.

The new checklist is posted below in the same thread and the old checklist messages are replaced by a
one-line "superseded" notice, so nobody keeps ticking a stale list (a stale click is refused with an
ephemeral note). Statuses of items whose quote and kind are unchanged carry over.
"""

from __future__ import annotations

import time

from bot.jobs.model import Job
from bot.slack.blocks import checklist_messages, notice_message, parent_message, placeholder_message
from bot.slack.jobs.check import analyze
from bot.slack.outbox import post, publish, reply, tell, update
from bot.slack.records import HistoryEntry
from bot.slack.services import Services
from bot.slack.state import carry_statuses
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
        placeholder_ts = post(services, record.channel, placeholder_message(sections), record.thread_ts)
        state.job_set(job.job_id, placeholder_ts=placeholder_ts)

    checklist = analyze(services, job, text, record.thread_ts, placeholder_ts)
    if checklist is None:
        return
    if not job.text and old.source is not None:  # the stored article again: it came from the same link or file
        checklist = checklist.model_copy(update={"source": old.source})
    with state.thread_lock(cid):
        record = state.get_record(cid) or record
        if record.version != int(progress.get("from_version", record.version)):
            return  # another run of this job already published; nothing left to do
        state.job_set(job.job_id, from_version=str(record.version))
        carried = carry_statuses(old, state.statuses(cid), checklist)
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
        new.message_ts = publish(services, new, checklist_messages(checklist, new, carried), [placeholder_ts], None)
        state.save_record(new)
        for ts in old_ts:
            update(
                services,
                record.channel,
                ts,
                notice_message(f"Superseded: version {new.version} of this checklist is below in this thread."),
            )
        state.add_history(cid, HistoryEntry(at=time.time(), user=job.user, action="rechecked", numbers=sorted(carried)))
    if record.trigger == "command":
        update(
            services,
            record.channel,
            record.thread_ts,
            parent_message(checklist.title, record.requested_by, "command", checklist),
        )
    state.job_set(job.job_id, done="1")
    kept = len(carried)
    if kept:
        reply(
            services,
            record.channel,
            record.thread_ts,
            f"Rechecked: {len(checklist.items)} items; {kept} kept their status (same quote as before).",
        )
