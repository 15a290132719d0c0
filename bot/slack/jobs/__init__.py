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
from bot.jobs.model import Job
from bot.jobs.queue import RQJobQueue
from bot.jobs.worker import JobRunner
from bot.slack.jobs.answer import run_answer
from bot.slack.jobs.check import run_check
from bot.slack.jobs.recheck import run_recheck
from bot.slack.outbox import tell
from bot.slack.services import Services, build_services

log = logging.getLogger(__name__)

RUNNERS = {"check": run_check, "recheck": run_recheck, "answer": run_answer}


def run_job(services: Services, job: Job) -> None:
    log.info("job %s: %s in %s (%d chars)", job.job_id, job.kind, job.channel, len(job.text))
    try:
        RUNNERS[job.kind](services, job)
    except Exception as exc:
        if isinstance(exc, SlackApiError):
            log.error("job %s: Slack refused a call: %s", job.job_id, exc.response.get("error"))
        _apologize(services, job)
        raise


def runner_for(services: Services) -> JobRunner:
    """The job runner a worker calls: ``run_job`` with this process's ``services``."""
    return functools.partial(run_job, services)


def build_runner(settings: Settings) -> JobRunner:
    """The runner of a ``factcheck worker`` process: services built from ``settings``, on the shared queue."""
    client = store.connect(settings.redis_url)
    return runner_for(build_services(settings, redis_client=client, queue=RQJobQueue.from_settings(client, settings)))


def _apologize(services: Services, job: Job) -> None:
    """Best effort, once per job: the requester hears something broke instead of waiting for ever.

    A queue with retries may run the job again, so the notice does not promise failure."""
    try:
        progress = services.state.job_get(job.job_id)
        if progress.get("apologized"):
            return
        services.state.job_set(job.job_id, apologized="1")
        text = "Something went wrong on my side. If no checklist appears here in a few minutes, try again."
        tell(services, job, text, job.thread_ts or progress.get("parent_ts"), None)
    except Exception:
        log.warning("job %s: could not tell the requester about the failure", job.job_id)
