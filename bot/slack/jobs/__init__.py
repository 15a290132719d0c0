"""The Slack job runners, one module per kind (check, recheck, answer); ``run_job`` dispatches a ``Job``.

A job takes only the serializable ``Job``, so a separate worker process can run it: the face that
starts a worker registers ``runner_for(services)`` (or ``build_runner``) with ``bot.jobs.worker``.
Every job is idempotent: what it posted is recorded in the state store as it goes, and a rerun
updates those messages instead of posting new ones.

A job that raises is retried by the queue, silently (an apology before a retry that then succeeds
invites a duplicate request). Once it has failed for good, the worker calls the runner's
``gave_up``: the placeholder (or the parent the job posted) says plainly that it did not run and
why, and the requester gets an ephemeral message.
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot import store
from bot.config import Settings
from bot.jobs.model import Job
from bot.jobs.queue import RQJobQueue
from bot.jobs.worker import JobRunner
from bot.slack.blocks import SlackMessage, notice_message, parent_message
from bot.slack.jobs.answer import run_answer
from bot.slack.jobs.check import CANNOT_POST, NOT_IN_CHANNEL_ERRORS, run_check
from bot.slack.jobs.recheck import run_recheck
from bot.slack.mrkdwn import escape_truncate
from bot.slack.outbox import ephemeral, respond, update
from bot.slack.services import Services, build_services
from bot.text import title_of

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
        raise  # the queue retries it; once it gives up, ``gave_up`` tells the requester


class SlackRunner:
    """The job runner a worker calls (``run_job`` with this process's ``services``), and what it says
    when the queue gives a job up."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def __call__(self, job: Job) -> None:
        run_job(self.services, job)

    def gave_up(self, job: Job, reason: str) -> None:
        tell_gave_up(self.services, job, reason)


def runner_for(services: Services) -> JobRunner:
    """The job runner a worker calls: ``run_job`` with this process's ``services``."""
    return SlackRunner(services)


def build_runner(settings: Settings) -> JobRunner:
    """The runner of a ``factcheck worker`` process: services built from ``settings``, on the shared queue."""
    client = store.connect(settings.redis_url)
    return runner_for(build_services(settings, redis_client=client, queue=RQJobQueue.from_settings(client, settings)))


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


WHAT = {"check": "Your fact-check", "recheck": "The recheck", "answer": "Your question"}


def tell_gave_up(services: Services, job: Job, reason: str) -> None:
    """The job will not run: replace its "Checking…" placeholder (or the parent it posted) with a plain
    notice, and tell the requester in an ephemeral message. Raises when Slack cannot be told (the
    worker tries again later)."""
    progress = services.state.job_get(job.job_id)
    if progress.get("done"):
        return  # it finished after all (an earlier attempt's last step): nothing to take back
    again = "Send `/factcheck` again" if job.kind == "check" and job.trigger == "command" else "Try again"
    text = f"{WHAT[job.kind]} did not run: {reason}. Nothing more will happen for it. {again} in a minute."
    placeholder = progress.get("msg0") or progress.get("placeholder_ts")
    parent = progress.get("parent_ts")  # a slash command's parent, posted by the job itself
    if placeholder:
        update(services, job.channel, placeholder, notice_message(text))
    if parent:  # its footer said "Checking…": now it says the check did not run
        update(services, job.channel, parent, _parent_given_up(job, reason))
    if job.response_url:
        respond(job.response_url, text)
    else:
        ephemeral(services, job.channel, job.user, text, job.thread_ts)
    services.state.job_set(job.job_id, gave_up="1")  # not "done": a new submit of the job may run it


def _parent_given_up(job: Job, reason: str) -> SlackMessage:
    message = parent_message(title_of(job.text) if job.text else "", job.user, "command", None)
    footer = f":x: Did not run: {escape_truncate(reason, 500)}."
    blocks = [*message.blocks[:-1], {"type": "context", "block_id": "fc_parent_counts",
                                     "elements": [{"type": "mrkdwn", "text": footer}]}]
    return SlackMessage(text=f"{message.text} · did not run", blocks=blocks)
