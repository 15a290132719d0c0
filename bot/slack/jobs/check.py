"""The check job: the article becomes a checklist in a thread: a parent message for a slash command (or
the modal), a placeholder that shows progress, then the checklist messages in its place. The article is
the text pasted with the command or the modal, the page at a link, or the message an editor reacted to
or used the shortcut on: its file, its one link or its text (``bot.slack.sources``). Links and files
are fetched here, in the job, never in a listener.

Idempotent: each message's timestamp is saved in the job's record as it is posted, and a rerun (a
retry after a crash) updates those messages instead of posting new ones.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace

from slack_sdk.errors import SlackApiError

from bot import desk, metrics
from bot.claimreview import find_prior_checks
from bot.engine import CheckFailed
from bot.inputs.extract import ExtractedArticle
from bot.jobs.model import Job
from bot.limits import BUDGET_REASON_PREFIX
from bot.models import ArticleSource, Checklist
from bot.slack.blocks import checklist_messages, parent_message, placeholder_message, reading_message
from bot.slack.channel_settings import load as channel_settings
from bot.slack.channel_settings import shown
from bot.slack.fetch import fetch_message
from bot.slack.gates import Dedup
from bot.slack.index import Index
from bot.slack.outbox import PostKey, ephemeral, post, progress_updater, publish, reply, respond, tell, update
from bot.slack.prior_checks import STATUS_PENDING
from bot.slack.records import ThreadRecord
from bot.slack.services import Services
from bot.slack.sources import NO_ARTICLE, Wanted, complete_files, read_article, wanted_from_message
from bot.slack.state import checklist_id_for
from bot.slack.statuses import refresh
from bot.text import InputError, prepare_text, split_units, title_of

log = logging.getLogger(__name__)

NOT_IN_CHANNEL_ERRORS = {"not_in_channel", "channel_not_found", "is_archived", "restricted_action"}
CANNOT_POST = (
    "I can't post in this conversation, so there is no checklist. Invite me with `/invite @factcheck`, "
    "or paste the article in a channel I'm in and react to it with the trigger emoji."
)


def run_check(services: Services, job: Job) -> None:
    state = services.state
    progress = state.job_get(job.job_id)
    if progress.get("done"):
        return
    wanted = Wanted("url", url=job.url) if job.url else Wanted("text", text=job.text)
    if job.message_ts and not job.text and not job.url:
        read = _read_reacted_message(services, job)
        if read is None:
            state.job_set(job.job_id, done="1")
            return
        job, wanted = read
    thread_ts = job.thread_ts or progress.get("parent_ts")
    # Before anything is fetched or posted: a checklist there is ours from an earlier try, or another's.
    if thread_ts and state.get_record(checklist_id_for(job.channel, thread_ts)) is not None and not progress:
        reply(
            services,
            job.channel,
            thread_ts,
            "This message already has a checklist in this thread. Say `recheck` here to run it again.",
        )
        state.job_set(job.job_id, done="1")
        return
    article = _read_article(services, job, wanted, thread_ts, progress)
    if article is None:
        return
    text = article.text
    source = article.source if article.kind != "text" else None  # typed text needs no "From:" line

    if thread_ts is None:  # a slash command or the modal: the job posts the thread's parent itself
        thread_ts = _post_parent(services, job, text, source)
        if thread_ts is None:
            return
    rerun = state.get_record(checklist_id_for(job.channel, thread_ts)) is not None  # ours, from an earlier try

    placeholder_ts = _placeholder(services, job, text, thread_ts, progress)
    checklist = analyze(services, job, text, thread_ts, placeholder_ts)
    if checklist is None:
        return
    if source is not None:  # the text itself is kept with the thread (state), not again in the checklist
        checklist = checklist.model_copy(update={"source": source})
    checklist = prior_checks_pending(services, checklist)
    _publish_checklist(services, job, text, thread_ts, checklist, job_messages(progress), rerun)
    if job.trigger == "command":  # the job posted the parent (command, modal): it now carries the counts
        # a first check has no statuses yet; items below the channel's minimum priority do not count
        desk_line = desk.progress(shown(services, job.channel, checklist)[0], {}).line()
        parent = parent_message(checklist.title, job.user, "command", checklist, None, desk_line, source)
        update(services, job.channel, thread_ts, parent)
    add_prior_checks(services, checklist_id_for(job.channel, thread_ts), checklist)
    state.job_set(job.job_id, done="1")


def prior_checks_pending(services: Services, checklist: Checklist) -> Checklist:
    """The checklist as first posted: when the prior-checks step is on, it says they are being looked up."""
    if not services.settings.claimreview_enabled:
        return checklist
    stats = checklist.stats.model_copy(update={"prior_checks": STATUS_PENDING})
    return checklist.model_copy(update={"stats": stats})


def add_prior_checks(services: Services, checklist_id: str, checklist: Checklist) -> None:
    """Once the checklist is up: look up prior fact-checks (never raises, bounded by the step's deadline),
    store the enriched checklist (later refreshes keep them) and update the thread's messages."""
    if checklist.stats.prior_checks != STATUS_PENDING:
        return
    enriched = find_prior_checks(checklist, services.settings, redis_client=services.redis)
    state = services.state
    with state.thread_lock(checklist_id):
        current = state.get_checklist(checklist_id)
        if (
            current is None
            or current.article_id != checklist.article_id
            or current.stats.prior_checks != STATUS_PENDING
        ):
            return  # rechecked (or enriched by another run) meanwhile: this result is stale
        state.replace_checklist(checklist_id, enriched)
    refresh(services, checklist_id)


def _read_reacted_message(services: Services, job: Job) -> tuple[Job, Wanted] | None:
    """A reaction or shortcut job carries only the message's place: read it now, off Slack's request path.

    Returns the job with its thread filled in and what the message asks to check (its file, its one
    link or its text), or None when there is nothing to check (the requester is told why when it is
    worth telling them)."""
    assert job.message_ts is not None
    dedup, channel, ts = Dedup(services.redis), job.channel, job.message_ts
    try:
        message = job.message or fetch_message(services.client, job.channel, job.message_ts)
    except SlackApiError as exc:
        log.warning("job %s: cannot read the message: %s", job.job_id, exc.response.get("error"))
        dedup.retry_message(channel, ts)  # reacting again (after the invite) runs a new job
        again = "use the shortcut again" if job.trigger == "shortcut" else "react again"
        _tell_requester(services, job, f"I can't read that message. Invite me to this channel and {again}.")
        return None
    if message is None:
        dedup.retry_message(channel, ts)
        return None
    if job.bot_user_id and message.get("user") == job.bot_user_id:
        if job.trigger == "shortcut":
            _tell_requester(services, job, "That is one of my own messages; use the shortcut on the article.")
        return None  # our own checklist messages are not articles
    parent = message.get("thread_ts") or job.message_ts  # a reply is checked in its own thread
    wanted = wanted_from_message(complete_files(services.client, message))
    if wanted is None:
        dedup.retry_message(channel, ts)
        _tell_requester(services, job, NO_ARTICLE.format(emoji=services.settings.trigger_emoji))
        return None
    return job.model_copy(update={"text": wanted.text, "thread_ts": parent, "message": None}), wanted


def _tell_requester(services: Services, job: Job, text: str) -> None:
    """Only the requester sees it: the shortcut's response_url, else an ephemeral message."""
    if job.response_url:
        respond(job.response_url, text)
    else:
        ephemeral(services, job.channel, job.user, text)


def _read_article(
    services: Services, job: Job, wanted: Wanted, thread_ts: str | None, progress: dict[str, str]
) -> ExtractedArticle | None:
    """The article, fetched or downloaded when it is a link or a file; None once the requester has been told
    why not. Under a message, a "Reading…" placeholder shows at once and turns into the refusal or into
    "Checking N sections…"; for a command or the modal nothing is posted until the article is read, so a
    refusal reaches the requester alone (response_url, or ephemeral) and nothing is left "Checking…"."""
    settings = services.settings
    reading_ts = progress.get("msg0")
    if wanted.kind != "text" and thread_ts:
        if reading_ts:
            update(services, job.channel, reading_ts, reading_message(wanted.label))
        else:
            reading_ts = post(services, job.channel, reading_message(wanted.label), thread_ts)
            services.state.job_set(job.job_id, msg0=reading_ts)
            progress["msg0"] = reading_ts
    try:
        article = read_article(settings, wanted)
        article = replace(article, text=prepare_text(article.text, settings.max_article_chars))
    except InputError as exc:
        metrics.count_check("none", "bad_input")
        log.info("job %s: the %s was not read (%s)", job.job_id, wanted.kind, type(exc).__name__)
        if job.message_ts:  # reacting again (or the shortcut) runs a new job: the page may be back
            Dedup(services.redis).retry_message(job.channel, job.message_ts)
        tell(services, job, str(exc), thread_ts, reading_ts if wanted.kind != "text" else None)
        services.state.job_set(job.job_id, done="1")
        return None
    if wanted.kind != "text" and reading_ts:
        sections = len(split_units(article.text, settings.batch_chars))
        update(services, job.channel, reading_ts, placeholder_message(sections))
    return article


def _post_parent(services: Services, job: Job, text: str, source: ArticleSource | None) -> str | None:
    """A slash command's thread: the parent says who asked and what. None when the bot may not post here."""
    try:
        parent = parent_message(title_of(text), job.user, "command", None, source=source)
        thread_ts = post(services, job.channel, parent, key=PostKey(job.job_id, "parent"))
    except SlackApiError as exc:
        if exc.response.get("error") not in NOT_IN_CHANNEL_ERRORS:
            raise
        tell(services, job, CANNOT_POST, None, None)
        services.state.job_set(job.job_id, done="1")
        return None
    services.state.job_set(job.job_id, parent_ts=thread_ts)
    return thread_ts


def _placeholder(services: Services, job: Job, text: str, thread_ts: str, progress: dict[str, str]) -> str:
    """The "Checking…" message the checklist will replace; posted once, recorded as the job's first message."""
    placeholder_ts = progress.get("msg0")
    if not placeholder_ts:
        sections = len(split_units(text, services.settings.batch_chars))
        placeholder_ts = post(
            services, job.channel, placeholder_message(sections), thread_ts, PostKey(job.job_id, "placeholder")
        )
        services.state.job_set(job.job_id, msg0=placeholder_ts)
        progress["msg0"] = placeholder_ts
    return placeholder_ts


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
        trigger="command" if job.trigger == "command" else "reaction",  # a shortcut's thread hangs under the message
        article_id=checklist.article_id,
        title=checklist.title,
        message_ts=message_ts,
    )
    cid = record.checklist_id
    statuses = state.statuses(cid) if rerun else {}  # a rerun keeps clicks already made
    with state.thread_lock(cid):
        state.save_checklist(record, checklist, text, statuses)  # saved first: clicks find it at once
        view, hidden = shown(services, record.channel, checklist)
        messages = checklist_messages(view, record, statuses, None, hidden)
        record.message_ts = publish(services, record, messages, record.message_ts, job.job_id)
        state.save_record(record)
    Index(services.redis, state.ttl).thread_started(cid, record.channel, record.requested_by)  # for App Home


def analyze(services: Services, job: Job, text: str, thread_ts: str, placeholder_ts: str) -> Checklist | None:
    """The engine's checklist, or None once the requester has been told why there is none."""
    # The day's LLM token budget, once spent, sends checks to the offline analyzer; the checklist says so.
    budget_reason = services.limits.budget_spent_reason() if services.engine.analyzer.name == "llm" else None
    engine = services.offline_engine if budget_reason else services.engine
    language = channel_settings(services, job.channel).language or None  # the channel's, for why/how to verify
    started = time.monotonic()
    try:
        checklist = engine.check(text, progress_updater(services, job.channel, placeholder_ts), notes_language=language)
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
