"""The check job: the article (pasted with the command, or read from the reacted-to message) becomes a
checklist in a thread: a parent message for a slash command, a placeholder that shows progress, then
the checklist messages in its place.

Idempotent: each message's timestamp is saved in the job's record as it is posted, and a rerun (a
retry after a crash) updates those messages instead of posting new ones.
"""

from __future__ import annotations

import hashlib
import logging
import time

from slack_sdk.errors import SlackApiError

from bot import metrics
from bot.engine import CheckFailed
from bot.jobs.model import Job
from bot.limits import BUDGET_REASON_PREFIX
from bot.models import Checklist
from bot.slack.blocks import SlackMessage, checklist_messages, parent_message, placeholder_message
from bot.slack.fetch import fetch_message, message_text
from bot.slack.gates import Dedup
from bot.slack.outbox import ephemeral, post, progress_updater, publish, reply, tell, update
from bot.slack.records import ThreadRecord
from bot.slack.services import Services
from bot.slack.state import checklist_id_for
from bot.text import InputError, prepare_text, split_units, title_of

log = logging.getLogger(__name__)

NOT_IN_CHANNEL_ERRORS = {"not_in_channel", "channel_not_found", "is_archived", "restricted_action"}


def run_check(services: Services, job: Job) -> None:
    state = services.state
    progress = state.job_get(job.job_id)
    if progress.get("done"):
        return
    if job.message_ts and not job.text:
        read = _read_reacted_message(services, job)
        if read is None:
            state.job_set(job.job_id, done="1")
            return
        job = read
    try:
        text = prepare_text(job.text, services.settings.max_article_chars)
    except InputError as exc:
        tell(services, job, str(exc), job.thread_ts, None)
        return

    thread_ts = job.thread_ts or progress.get("parent_ts")
    if thread_ts is None and progress.get("parent_posting"):  # an earlier try died between post and record
        thread_ts = _adopt(services, job, None, "fc_parent")
        if thread_ts:
            services.state.job_set(job.job_id, parent_ts=thread_ts)
    if thread_ts is None:  # a slash command: the job posts the thread's parent itself
        thread_ts = _post_parent(services, job, text)
        if thread_ts is None:
            return
    cid = checklist_id_for(job.channel, thread_ts)
    rerun = state.get_record(cid) is not None  # a checklist is there: ours from an earlier try, or another's
    if rerun and not progress:
        reply(
            services,
            job.channel,
            thread_ts,
            "This message already has a checklist in this thread. Say `recheck` here to run it again.",
        )
        state.job_set(job.job_id, done="1")
        return

    placeholder_ts = _placeholder(services, job, text, thread_ts, progress)
    checklist = analyze(services, job, text, thread_ts, placeholder_ts)
    if checklist is None:
        return
    _publish_checklist(services, job, text, thread_ts, checklist, job_messages(progress), rerun)
    if job.trigger != "reaction":
        update(services, job.channel, thread_ts, parent_message(checklist.title, job.user, "command", checklist))
    state.job_set(job.job_id, done="1")


def _read_reacted_message(services: Services, job: Job) -> Job | None:
    """A reaction job carries only the message's place: read it now, off Slack's request path.

    Returns the job with the article and its thread filled in, or None when there is nothing to
    check (the requester is told why when it is worth telling them)."""
    assert job.message_ts is not None
    gate = Dedup(services.redis).reaction(job.channel, job.message_ts)  # released: reacting again can retry
    try:
        message = fetch_message(services.client, job.channel, job.message_ts)
    except SlackApiError as exc:
        log.warning("job %s: cannot read the message: %s", job.job_id, exc.response.get("error"))
        gate.release()
        ephemeral(
            services, job.channel, job.user, "I can't read that message. Invite me to this channel and react again."
        )
        return None
    if message is None:
        gate.release()
        return None
    if job.bot_user_id and message.get("user") == job.bot_user_id:
        return None  # our own checklist messages are not articles
    parent = message.get("thread_ts") or job.message_ts  # a reply is checked in its own thread
    return job.model_copy(update={"text": message_text(message), "thread_ts": parent})


def _post_parent(services: Services, job: Job, text: str) -> str | None:
    """A slash command's thread: the parent says who asked and what. None when the bot may not post here."""
    services.state.job_set(job.job_id, parent_posting="1")  # a rerun looks for it before posting again
    try:
        thread_ts = post(services, job.channel, _tagged(parent_message(title_of(text), job.user, "command", None), job))
    except SlackApiError as exc:
        if exc.response.get("error") not in NOT_IN_CHANNEL_ERRORS:
            raise
        tell(
            services,
            job,
            "I can't post in this conversation. Invite me with `/invite @factcheck`, "
            "or paste the article in a channel I'm in and react to it with the trigger emoji.",
            None,
            None,
        )
        return None
    services.state.job_set(job.job_id, parent_ts=thread_ts)
    return thread_ts


def _placeholder(services: Services, job: Job, text: str, thread_ts: str, progress: dict[str, str]) -> str:
    """The "Checking…" message the checklist will replace; posted once, recorded as the job's first message."""
    placeholder_ts = progress.get("msg0")
    if not placeholder_ts and progress.get("msg0_posting"):  # an earlier try died between post and record
        placeholder_ts = _adopt(services, job, thread_ts, "fc_progress")
    if not placeholder_ts:
        sections = len(split_units(text, services.settings.batch_chars))
        services.state.job_set(job.job_id, msg0_posting="1")
        placeholder_ts = post(services, job.channel, _tagged(placeholder_message(sections), job), thread_ts)
    services.state.job_set(job.job_id, msg0=placeholder_ts)
    progress["msg0"] = placeholder_ts
    return placeholder_ts


def job_tag(job: Job) -> str:
    """A short mark of ``job`` for a message's first block_id: a rerun finds what an earlier try posted."""
    return hashlib.sha256(job.job_id.encode("utf-8")).hexdigest()[:16]


def _tagged(message: SlackMessage, job: Job) -> SlackMessage:
    first = dict(message.blocks[0])
    first["block_id"] = f"{first.get('block_id', 'fc')}.{job_tag(job)}"
    return SlackMessage(text=message.text, blocks=[first, *message.blocks[1:]])


def _adopt(services: Services, job: Job, thread_ts: str | None, kind: str) -> str | None:
    """The ts of a message an earlier try of ``job`` posted but could not record (killed in between, or
    Redis lost): found by its tagged block_id in the channel (the parent) or the thread (the placeholder).
    Only reruns that recorded "posting" ask Slack; None when it is not there (it was never posted)."""
    wanted = f"{kind}.{job_tag(job)}"
    try:
        if thread_ts is None:
            found = services.client.conversations_history(channel=job.channel, limit=100)
        else:
            found = services.client.conversations_replies(channel=job.channel, ts=thread_ts, limit=100)
    except SlackApiError as exc:
        log.warning("job %s: cannot look for an earlier try's message: %s", job.job_id, exc.response.get("error"))
        return None
    for message in found.get("messages") or []:
        if any(block.get("block_id") == wanted for block in message.get("blocks") or []):
            log.info("job %s: reusing the %s an earlier try posted", job.job_id, kind)
            return str(message["ts"])
    return None


def _publish_checklist(
    services: Services,
    job: Job,
    text: str,
    thread_ts: str,
    checklist: Checklist,
    message_ts: list[str],
    rerun: bool,
) -> None:
    """Save the thread, then post the checklist over the messages the job already has."""
    state = services.state
    record = ThreadRecord(
        checklist_id=checklist_id_for(job.channel, thread_ts),
        channel=job.channel,
        thread_ts=thread_ts,
        requested_by=job.user,
        trigger="reaction" if job.trigger == "reaction" else "command",
        article_id=checklist.article_id,
        title=checklist.title,
        message_ts=message_ts,
    )
    cid = record.checklist_id
    statuses = state.statuses(cid) if rerun else {}  # a rerun keeps clicks already made
    with state.thread_lock(cid):
        state.save_checklist(record, checklist, text, statuses)  # saved first: clicks find it at once
        record.message_ts = publish(
            services, record, checklist_messages(checklist, record, statuses), record.message_ts, job.job_id
        )
        state.save_record(record)


def analyze(services: Services, job: Job, text: str, thread_ts: str, placeholder_ts: str) -> Checklist | None:
    """The engine's checklist, or None once the requester has been told why there is none."""
    # The day's LLM token budget, once spent, sends checks to the offline analyzer; the checklist says so.
    budget_reason = services.limits.budget_spent_reason() if services.engine.analyzer.name == "llm" else None
    engine = services.offline_engine if budget_reason else services.engine
    started = time.monotonic()
    try:
        checklist = engine.check(text, progress_updater(services, job.channel, placeholder_ts))
    except InputError as exc:
        metrics.count_check("none", "bad_input")
        tell(services, job, str(exc), thread_ts, placeholder_ts)
    except CheckFailed as exc:
        metrics.count_check(services.engine.analyzer.name, "failed")
        log.warning("job %s: check failed: %s", job.job_id, exc)
        tell(
            services,
            job,
            "The analysis failed and no fallback could stand in. Try again in a few minutes; "
            "if it keeps failing, tell whoever runs this bot.",
            thread_ts,
            placeholder_ts,
        )
    else:
        if budget_reason:
            checklist.stats.fallback_reason = BUDGET_REASON_PREFIX + budget_reason
        metrics.record_checklist(checklist, time.monotonic() - started)
        return checklist
    return None


def job_messages(progress: dict[str, str]) -> list[str]:
    """The timestamps a job has posted so far (``msg0``, ``msg1``, ...), in order."""
    out: list[str] = []
    while f"msg{len(out)}" in progress:
        out.append(progress[f"msg{len(out)}"])
    return out
