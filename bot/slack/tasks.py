"""The job runner: ``run_job(services, job)`` does the slow work a listener handed off.

It takes only the serializable ``Job``, so a separate worker process can run it. Every job is
idempotent: the timestamps of the messages it posts are saved in Redis as it goes (``fc:job:{id}``),
and a rerun updates those messages instead of posting new ones.

Recheck: the new checklist is posted below in the same thread and the old checklist messages are
replaced by a one-line "superseded" notice, so nobody keeps ticking a stale list (a stale click is
refused with an ephemeral note). Statuses of items whose quote and kind are unchanged carry over.

Status changes (buttons and thread commands) are applied here too, by ``apply_status``, so the
listeners stay thin and both paths render the same way.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot import metrics
from bot.analyzers.base import AnalyzerError
from bot.engine import CheckFailed, Progress
from bot.limits import BUDGET_REASON_PREFIX
from bot.models import Checklist
from bot.slack import dedup
from bot.slack.blocks import (
    SlackMessage,
    checklist_messages,
    notice_message,
    parent_message,
    placeholder_message,
)
from bot.slack.fetch import fetch_message, message_text
from bot.slack.jobs import Job
from bot.slack.records import HistoryEntry, ItemStatus, Status, ThreadRecord
from bot.slack.services import Services
from bot.slack.state import carry_statuses, checklist_id_for
from bot.text import InputError, prepare_text, split_units, title_of

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_SECONDS = 1.0  # chat.update is rate limited (Tier 3, ~50/min): one update a second at most
NOT_IN_CHANNEL_ERRORS = {"not_in_channel", "channel_not_found", "is_archived", "restricted_action"}

ACTIONS: dict[str, tuple[Status, str]] = {  # command/button action -> (new status, history verb)
    "verified": ("verified", "verified"),
    "flag": ("flagged", "flagged"),
    "reopen": ("open", "reopened"),
}


def run_job(services: Services, job: Job) -> None:
    log.info("job %s: %s in %s (%d chars)", job.job_id, job.kind, job.channel, len(job.text))
    try:
        if job.kind == "check":
            _run_check(services, job)
        elif job.kind == "recheck":
            _run_recheck(services, job)
        elif job.kind == "answer":
            _run_answer(services, job)
    except Exception as exc:
        if isinstance(exc, SlackApiError):
            log.error("job %s: Slack refused a call: %s", job.job_id, exc.response.get("error"))
        _apologize(services, job)
        raise


def _apologize(services: Services, job: Job) -> None:
    """Best effort, once per job: the requester hears something broke instead of waiting for ever.

    A queue with retries may run the job again, so the notice does not promise failure."""
    try:
        progress = services.state.job_get(job.job_id)
        if progress.get("apologized"):
            return
        services.state.job_set(job.job_id, apologized="1")
        text = "Something went wrong on my side. If no checklist appears here in a few minutes, try again."
        _tell(services, job, text, job.thread_ts or progress.get("parent_ts"), None)
    except Exception:
        log.warning("job %s: could not tell the requester about the failure", job.job_id)


# -- Slack helpers --------------------------------------------------------------------------------
def post(services: Services, channel: str, message: SlackMessage, thread_ts: str | None = None) -> str:
    response = services.client.chat_postMessage(
        channel=channel,
        thread_ts=thread_ts,
        text=message.text,
        blocks=message.blocks,
        unfurl_links=False,  # article links would unfurl into the thread otherwise
        unfurl_media=False,
    )
    return str(response["ts"])


def update(services: Services, channel: str, ts: str, message: SlackMessage) -> None:
    services.client.chat_update(channel=channel, ts=ts, text=message.text, blocks=message.blocks)


def reply(services: Services, channel: str, thread_ts: str, text: str) -> None:
    """A notice in the thread. ``text`` is escaped by ``notice_message``."""
    post(services, channel, notice_message(text), thread_ts)


def ephemeral(services: Services, channel: str, user: str, text: str, thread_ts: str | None = None) -> None:
    message = notice_message(text)
    try:
        services.client.chat_postEphemeral(
            channel=channel, user=user, text=message.text, blocks=message.blocks, thread_ts=thread_ts
        )
    except SlackApiError as exc:
        log.warning("ephemeral to %s failed: %s", user, exc.response.get("error"))


def respond(response_url: str, text: str) -> None:
    """An ephemeral answer to a slash command through its response_url (valid 30 minutes, 5 uses)."""
    message = notice_message(text)
    try:
        WebhookClient(response_url, timeout=10).send(
            text=message.text, blocks=message.blocks, response_type="ephemeral", replace_original=False
        )
    except Exception:  # a notice that cannot be delivered must not hide the original problem
        log.warning("response_url answer failed", exc_info=True)


def _tell(services: Services, job: Job, text: str, thread_ts: str | None, placeholder_ts: str | None) -> None:
    """Tell the requester something went wrong, in the most visible place available."""
    if placeholder_ts and thread_ts:
        update(services, job.channel, placeholder_ts, notice_message(text))
    elif thread_ts:
        reply(services, job.channel, thread_ts, text)
    elif job.response_url:
        respond(job.response_url, text)
    else:
        ephemeral(services, job.channel, job.user, text)


def _progress_updater(services: Services, channel: str, ts: str) -> Callable[[Progress], None]:
    """A progress callback that edits the placeholder at most once a second, from any engine thread."""
    lock = threading.Lock()
    last = [time.monotonic()]

    def on_progress(p: Progress) -> None:
        if p.done >= p.total or not lock.acquire(blocking=False):
            return  # finished (the checklist replaces it next) or another thread is updating
        try:
            now = time.monotonic()
            if now - last[0] < PROGRESS_INTERVAL_SECONDS:
                return
            last[0] = now
            update(services, channel, ts, placeholder_message(p.total, p.done, p.cached))
        except SlackApiError as exc:
            log.warning("progress update failed: %s", exc.response.get("error"))
        finally:
            lock.release()

    return on_progress


def _analyze(services: Services, job: Job, text: str, thread_ts: str, placeholder_ts: str) -> Checklist | None:
    # The day's LLM token budget, once spent, sends checks to the offline analyzer; the checklist says so.
    budget_reason = services.limits.budget_spent_reason() if services.engine.analyzer.name == "llm" else None
    engine = services.offline_engine if budget_reason else services.engine
    started = time.monotonic()
    try:
        checklist = engine.check(text, _progress_updater(services, job.channel, placeholder_ts))
    except InputError as exc:
        metrics.count_check("none", "bad_input")
        _tell(services, job, str(exc), thread_ts, placeholder_ts)
    except CheckFailed as exc:
        metrics.count_check(services.engine.analyzer.name, "failed")
        log.warning("job %s: check failed: %s", job.job_id, exc)
        _tell(
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


def publish(
    services: Services, record: ThreadRecord, messages: list[SlackMessage], existing: list[str], job_id: str | None
) -> list[str]:
    """Post (or update, where a timestamp is known) each checklist message; returns their timestamps."""
    ts_list: list[str] = []
    for index, message in enumerate(messages):
        if index < len(existing) and existing[index]:
            ts = existing[index]
            update(services, record.channel, ts, message)
        else:
            ts = post(services, record.channel, message, record.thread_ts)
            if job_id:
                services.state.job_set(job_id, **{f"msg{index}": ts})
        services.state.mark_rendered(record.checklist_id, index, message.blocks)
        ts_list.append(ts)
    return ts_list


def _job_messages(progress: dict[str, str]) -> list[str]:
    out: list[str] = []
    while f"msg{len(out)}" in progress:
        out.append(progress[f"msg{len(out)}"])
    return out


# -- check ------------------------------------------------------------------------------------------
def _read_reacted_message(services: Services, job: Job) -> Job | None:
    """A reaction job carries only the message's place: read it now, off Slack's request path.

    Returns the job with the article and its thread filled in, or None when there is nothing to
    check (the requester is told why when it is worth telling them)."""
    assert job.message_ts is not None
    forget = f"react:{job.channel}:{job.message_ts}"  # the listener's dedup key: reacting again can retry
    try:
        message = fetch_message(services.client, job.channel, job.message_ts)
    except SlackApiError as exc:
        log.warning("job %s: cannot read the message: %s", job.job_id, exc.response.get("error"))
        dedup.forget(services.redis, forget)
        ephemeral(
            services, job.channel, job.user, "I can't read that message. Invite me to this channel and react again."
        )
        return None
    if message is None:
        dedup.forget(services.redis, forget)
        return None
    if job.bot_user_id and message.get("user") == job.bot_user_id:
        return None  # our own checklist messages are not articles
    parent = message.get("thread_ts") or job.message_ts  # a reply is checked in its own thread
    return job.model_copy(update={"text": message_text(message), "thread_ts": parent})


def _run_check(services: Services, job: Job) -> None:
    state, settings = services.state, services.settings
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
        text = prepare_text(job.text, settings.max_article_chars)
    except InputError as exc:
        _tell(services, job, str(exc), job.thread_ts, None)
        return

    thread_ts = job.thread_ts or progress.get("parent_ts")
    if thread_ts is None:  # slash command: the parent says who asked and what
        try:
            thread_ts = post(services, job.channel, parent_message(title_of(text), job.user, "command", None))
        except SlackApiError as exc:
            if exc.response.get("error") not in NOT_IN_CHANNEL_ERRORS:
                raise
            _tell(
                services,
                job,
                "I can't post in this conversation. Invite me with `/invite @factcheck`, "
                "or paste the article in a channel I'm in and react to it with the trigger emoji.",
                None,
                None,
            )
            return
        state.job_set(job.job_id, parent_ts=thread_ts)

    cid = checklist_id_for(job.channel, thread_ts)
    existing = state.get_record(cid)
    if existing is not None and not progress:
        reply(
            services,
            job.channel,
            thread_ts,
            "This message already has a checklist in this thread. Say `recheck` here to run it again.",
        )
        state.job_set(job.job_id, done="1")
        return

    placeholder_ts = progress.get("msg0")
    if not placeholder_ts:
        sections = len(split_units(text, settings.batch_chars))
        placeholder_ts = post(services, job.channel, placeholder_message(sections), thread_ts)
        state.job_set(job.job_id, msg0=placeholder_ts)
        progress["msg0"] = placeholder_ts

    checklist = _analyze(services, job, text, thread_ts, placeholder_ts)
    if checklist is None:
        return
    record = ThreadRecord(
        checklist_id=cid,
        channel=job.channel,
        thread_ts=thread_ts,
        requested_by=job.user,
        trigger="reaction" if job.trigger == "reaction" else "command",
        article_id=checklist.article_id,
        title=checklist.title,
        message_ts=_job_messages(progress),
    )
    statuses = state.statuses(cid) if existing is not None else {}  # a rerun keeps clicks already made
    with state.thread_lock(cid):
        state.save_checklist(record, checklist, text, statuses)  # saved first: clicks find it at once
        record.message_ts = publish(
            services, record, checklist_messages(checklist, record, statuses), record.message_ts, job.job_id
        )
        state.save_record(record)
    if record.trigger == "command":
        update(services, job.channel, thread_ts, parent_message(checklist.title, job.user, "command", checklist))
    state.job_set(job.job_id, done="1")


# -- recheck ----------------------------------------------------------------------------------------
def _run_recheck(services: Services, job: Job) -> None:
    state = services.state
    progress = state.job_get(job.job_id)
    if progress.get("done"):
        return
    cid = job.checklist_id or ""
    record = state.get_record(cid)
    old = state.get_checklist(cid)
    if record is None or old is None:
        _tell(services, job, "I no longer have this checklist (it expired). Start a new check.", job.thread_ts, None)
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

    checklist = _analyze(services, job, text, record.thread_ts, placeholder_ts)
    if checklist is None:
        return
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


# -- answer -----------------------------------------------------------------------------------------
LLM_HOWTO = (
    "Questions need an LLM, and none is configured. Whoever runs this bot can set OPENAI_API_KEY "
    "(and OPENAI_BASE_URL for a self-hosted, OpenAI-compatible server) and restart it. "
    "The checklist itself works without one; say `status` or `help` here."
)


def checklist_summary(checklist: Checklist, statuses: dict[int, ItemStatus]) -> str:
    lines = []
    for item in checklist.items:
        status = statuses.get(item.number, ItemStatus()).status
        lines.append(f'{item.number}. [{item.kind}, {item.priority}, {status}] "{item.quote}" — {item.why}')
    return "\n".join(lines) or "(no items)"


def _run_answer(services: Services, job: Job) -> None:
    state = services.state
    cid = job.checklist_id or ""
    record = state.get_record(cid)
    if record is None:
        return
    if state.job_get(job.job_id).get("done"):
        return
    if not services.settings.llm_enabled:
        reply(services, record.channel, record.thread_ts, LLM_HOWTO)
        state.job_set(job.job_id, done="1")
        return
    budget_reason = services.limits.budget_spent_reason()
    if budget_reason:  # questions always need the LLM: there is no offline answer to fall back on
        metrics.count_limited("budget")
        reply(services, record.channel, record.thread_ts, f"Questions need the LLM. {budget_reason}")
        state.job_set(job.job_id, done="1")
        return
    from bot.llm.answers import answer_question  # loads the OpenAI client only when a question needs it

    checklist = state.get_checklist(cid)
    article = state.get_article(cid) or ""
    summary = checklist_summary(checklist, state.statuses(cid)) if checklist else "(no checklist)"
    try:  # tokens count against the daily budget, a failed request's too (it was billed)
        answer, usage = metrics.metered_llm_call(
            lambda: answer_question(services.settings, job.text, article, summary),
            lambda answered: answered[1],
            services.limits.record_tokens,
        )
    except AnalyzerError as exc:
        log.warning("job %s: answer failed (%s)", job.job_id, exc.kind)
        reply(services, record.channel, record.thread_ts, f"I couldn't answer that: {exc}")
        return
    log.info("job %s: answered with %d tokens", job.job_id, usage.prompt_tokens + usage.completion_tokens)
    reply(services, record.channel, record.thread_ts, answer)  # notice_message escapes the model's text
    state.add_history(cid, HistoryEntry(at=time.time(), user=job.user, action="asked"))
    state.job_set(job.job_id, done="1")


# -- statuses (buttons and thread commands) -------------------------------------------------------
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
        messages = checklist_messages(checklist, record, state.statuses(checklist_id))
        changed = False
        for index, message in enumerate(messages):
            if index < len(record.message_ts):
                if state.rendered_changed(checklist_id, index, message.blocks):
                    update(services, record.channel, record.message_ts[index], message)
                    state.mark_rendered(checklist_id, index, message.blocks)
            else:  # a longer rendering (notes added) spilled into one more message
                record.message_ts.append(post(services, record.channel, message, record.thread_ts))
                state.mark_rendered(checklist_id, index, message.blocks)
                changed = True
        if changed:
            state.save_record(record)
