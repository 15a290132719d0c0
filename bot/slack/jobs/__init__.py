"""The Slack job runners, one module per kind (check, recheck, answer); ``run_job`` dispatches a ``Job``.

A job takes only the serializable ``Job``, so a separate worker process can run it: the face that
starts a worker registers ``runner_for(services)`` (or ``build_runner``) with ``bot.jobs.worker``.
Every job is idempotent: what it posted is recorded in the state store as it goes, and a rerun
updates those messages instead of posting new ones.
"""

from __future__ import annotations

import functools
import logging

from slack_sdk.errors import SlackApiError

from bot import store
from bot.config import Settings
from bot.jobs.attempts import final_attempt
from bot.jobs.model import Job
from bot.jobs.queue import RQJobQueue
from bot.jobs.worker import JobRunner
from bot.slack.jobs.answer import run_answer
from bot.slack.jobs.check import CANNOT_POST, NOT_IN_CHANNEL_ERRORS, run_check
from bot.slack.jobs.recheck import run_recheck
from bot.slack.outbox import respond, tell
from bot.slack.services import Services, build_services

log = logging.getLogger(__name__)

RUNNERS = {"check": run_check, "recheck": run_recheck, "answer": run_answer}


def run_job(services: Services, job: Job) -> None:
    log.info("job %s: %s in %s (%d chars)", job.job_id, job.kind, job.channel, len(job.text))
    try:
        RUNNERS[job.kind](services, job)
    except Exception as exc:
        if isinstance(exc, SlackApiError):
            if exc.response.get("error") in NOT_IN_CHANNEL_ERRORS:
                _cannot_post(services, job, str(exc.response.get("error")))
                return  # a retry cannot help: the bot is not in the conversation (or it is gone)
            log.error("job %s: Slack refused a call: %s", job.job_id, exc.response.get("error"))
        if final_attempt():  # before an automatic retry that may still succeed, say nothing
            _apologize(services, job)
        else:
            log.info("job %s: attempt failed (%s); the queue will run it again", job.job_id, type(exc).__name__)
        raise


def runner_for(services: Services) -> JobRunner:
    """The job runner a worker calls: ``run_job`` with this process's ``services``."""
    return functools.partial(run_job, services)


def build_runner(settings: Settings) -> JobRunner:
    """The runner of a ``factcheck worker`` process: services built from ``settings``, on the shared queue."""
    client = store.connect(settings.redis_url)
    return runner_for(build_services(settings, redis_client=client, queue=RQJobQueue.from_settings(client, settings)))


def _apologize(services: Services, job: Job) -> None:
    """Best effort, once per job, after its last attempt: the requester hears it did not finish instead of
    waiting for ever; the job's "Checking…" placeholder, if it is still one, becomes the notice."""
    try:
        state = services.state
        progress = state.job_get(job.job_id)
        if progress.get("apologized"):
            return
        state.job_set(job.job_id, apologized="1")
        thread_ts = job.thread_ts or progress.get("parent_ts")
        placeholder = progress.get("msg0") or progress.get("placeholder_ts")
        record = state.record_for_thread(job.channel, thread_ts) if thread_ts else None
        if record is not None and placeholder in record.message_ts:
            placeholder = None  # it already shows a checklist: leave it and reply instead
        what = "this check" if job.kind != "answer" else "your question"
        text = f"Something went wrong on my side and I could not finish {what}. Try again in a few minutes."
        tell(services, job, text, thread_ts, placeholder)
    except Exception:
        log.warning("job %s: could not tell the requester about the failure", job.job_id)


def _cannot_post(services: Services, job: Job, error: str) -> None:
    """Slack says the bot cannot post in this conversation: tell the requester privately (the slash
    command's response_url; an ephemeral would fail there too), once."""
    log.warning("job %s: cannot post in %s (%s)", job.job_id, job.channel, error)
    try:
        state = services.state
        if state.job_get(job.job_id).get("done"):
            return
        state.job_set(job.job_id, done="1")
        if job.response_url:
            respond(job.response_url, CANNOT_POST)
    except Exception:
        log.warning("job %s: could not tell the requester that it cannot post", job.job_id)
