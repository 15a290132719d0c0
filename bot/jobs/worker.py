"""Workers: take jobs from the Redis queue (``bot.jobs.queue``) and run them with the registered runner.

The worker knows nothing of Slack: the face that starts it (``factcheck serve`` in ``bot.slack.server``,
``factcheck worker`` in ``bot.cli``) registers a runner factory, called once per process on the first
job, whose runner does the job (the Slack side's is ``bot.slack.jobs.runner_for``).

- ``factcheck worker [--burst]`` -> ``run_worker``: one process, one job at a time; run as many as
  needed (docker compose ``deploy.replicas``). SIGTERM or Ctrl+C: warm shutdown, the job in hand
  finishes first; a second signal stops at once (the job is then run again elsewhere, see below).
- ``factcheck serve`` -> ``start_in_process_worker``: the same worker in a background thread of
  the web process, so one machine works with no setup; ``stop()`` finishes the job in hand.

Both are a ``FactcheckWorker``: RQ's ``SimpleWorker`` (no fork per job: the services, the HTTP
clients and their connection pools are built once per process and reused) plus a heartbeat thread.

A worker killed mid-job (SIGKILL, OOM, a lost machine): while a job runs, the heartbeat thread
extends the job's entry in RQ's StartedJobRegistry every ``heartbeat`` seconds by 3x that. When
the heartbeats stop, the entry expires; any live worker's maintenance (every ``heartbeat`` seconds
while idle, and at start) runs rq 3.0's ``StartedJobRegistry.cleanup``, which retries an abandoned
job that has retries left (``job.retry``: scheduled after the retry interval) and fails it
otherwise. The maintenance step here also moves due retries from the ScheduledJobRegistry to the
queue (RQ's scheduler would fork a process, which a threaded web server should not do). The rerun
is safe because jobs are idempotent: the messages a job posted are recorded in Redis as it goes
and a rerun updates them instead of posting again.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import redis
from rq import Queue
from rq.exceptions import StopRequested
from rq.job import Job as RQJob
from rq.timeouts import TimerDeathPenalty
from rq.utils import current_timestamp
from rq.worker import SimpleWorker, WorkerStatus

from bot import metrics
from bot.config import Settings
from bot.jobs.model import Job
from bot.jobs.queue import QUEUE_NAME, SERIALIZER, make_queue
from bot.logs import configure_logging, request_context

if TYPE_CHECKING:
    from rq.executions import Execution

log = logging.getLogger(__name__)

SCHEDULE_LOCK_SECONDS = 30  # one process at a time moves due retries to the queue
SCHEDULE_LOCK_KEY = "fc:queue:schedule-lock:{queue}"
INPROCESS_DEQUEUE_SECONDS = 2  # worker threads in `serve` poll the queue this often (see start_in_process_worker)

JobRunner = Callable[[Job], None]  # does one job (the Slack side's: post, check, update)
RunnerFactory = Callable[[], JobRunner]  # builds this process's runner (services, clients) once

# -- the job function ----------------------------------------------------------------------------------

_factory: RunnerFactory | None = None
_runner: JobRunner | None = None
_runner_lock = threading.Lock()


def register_runner(factory: RunnerFactory | None) -> None:
    """Run this process's jobs with ``factory()``'s runner, built on the first job (None: forget it)."""
    global _factory, _runner
    with _runner_lock:
        _factory, _runner = factory, None


def get_runner() -> JobRunner:
    """This process's runner: built once by the registered factory, then reused by every job."""
    global _runner
    with _runner_lock:
        if _runner is None:
            if _factory is None:
                raise RuntimeError("no job runner registered: the face that starts a worker registers one")
            _runner = _factory()
        return _runner


def perform(job_json: str) -> None:
    """What RQ runs: one ``Job`` (as JSON), with the request id of the job on every log line."""
    job = Job.model_validate_json(job_json)
    with request_context(job.job_id):
        run = get_runner()
        started = time.monotonic()
        try:
            run(job)
        except Exception as exc:
            metrics.count_error(f"job_{type(exc).__name__}")
            log.warning("job %s (%s) failed: %s", job.job_id, job.kind, type(exc).__name__)
            raise
        log.info(
            "job %s (%s) done in %.1f s", job.job_id, job.kind, time.monotonic() - started,
            extra={"job_kind": job.kind, "elapsed_s": round(time.monotonic() - started, 3)},
        )


# -- the worker ------------------------------------------------------------------------------------------


class FactcheckWorker(SimpleWorker):
    """``SimpleWorker`` with heartbeats during a job, prompt stops and retries it schedules itself.

    In a thread other than the main one it installs no signal handlers and times jobs out with a
    timer thread instead of SIGALRM (signals only reach the main thread).
    """

    def __init__(
        self, queues: Any, *, heartbeat_seconds: int = 10, dequeue_seconds: int | None = None, **kwargs: Any
    ) -> None:
        self.heartbeat_seconds = max(1, int(heartbeat_seconds))
        # How long an idle worker blocks on the queue: bounds how soon a stop request is seen.
        self.dequeue_seconds = max(1, min(self.heartbeat_seconds, dequeue_seconds or self.heartbeat_seconds))
        kwargs.setdefault("maintenance_interval", self.heartbeat_seconds)
        kwargs.setdefault("serializer", SERIALIZER)
        kwargs.setdefault("log_job_description", False)  # descriptions carry no text, but be sure
        super().__init__(queues, **kwargs)

    def work(self, *args: Any, **kwargs: Any) -> bool:
        if threading.current_thread() is not threading.main_thread():
            self.death_penalty_class = TimerDeathPenalty  # SIGALRM cannot reach this thread
        return super().work(*args, **kwargs)

    # signals and stopping
    def _install_signal_handlers(self) -> None:
        if threading.current_thread() is threading.main_thread():
            super()._install_signal_handlers()

    def request_graceful_stop(self) -> None:
        """Stop after the job in hand (or at once when idle, within ``dequeue_timeout`` seconds)."""
        self._stop_requested = True

    @property
    def dequeue_timeout(self) -> int:
        return self.dequeue_seconds

    def dequeue_job_and_maintain_ttl(self, timeout: int | None, max_idle_time: int | None = None) -> Any:
        if timeout is None or max_idle_time is not None:  # burst mode, or the caller's own idle limit
            return super().dequeue_job_and_maintain_ttl(timeout, max_idle_time)
        while True:  # RQ's loop waits for a job forever; come up for air every ``timeout`` seconds
            if self._stop_requested:
                raise StopRequested()
            result = super().dequeue_job_and_maintain_ttl(timeout, max_idle_time=timeout)
            if result is not None:
                return result

    # heartbeats while a job runs
    def get_heartbeat_ttl(self, job: RQJob, working_time: float = 0.0) -> int:
        return self.heartbeat_seconds * 3

    def execute_job(self, job: RQJob, queue: Queue) -> None:
        execution = self.prepare_execution(job)
        beating = threading.Event()
        beater = threading.Thread(
            target=self._beat, args=(job, execution, beating), name=f"rq-heartbeat-{job.id}", daemon=True
        )
        beater.start()
        try:
            self.perform_job(job, queue, execution)
        finally:
            beating.set()
            beater.join(timeout=5)
        self.set_state(WorkerStatus.IDLE)

    def _beat(self, job: RQJob, execution: Execution, stop: threading.Event) -> None:
        while not stop.wait(self.heartbeat_seconds):
            try:
                self.maintain_heartbeats(job, execution)
            except Exception as exc:  # Redis blips: the next beat tries again, the TTL covers two misses
                log.warning("heartbeat for job %s failed: %s", job.id, exc)

    # maintenance: abandoned jobs (RQ) and due retries (here)
    def run_maintenance_tasks(self) -> None:
        super().run_maintenance_tasks()  # StartedJobRegistry.cleanup retries abandoned jobs
        for queue in self.queues:
            with contextlib.suppress(redis.RedisError):
                enqueue_due_retries(queue)


def enqueue_due_retries(queue: Queue) -> int:
    """Move jobs whose retry time has come from the ScheduledJobRegistry to the queue; returns how many."""
    registry = queue.scheduled_job_registry
    lock = SCHEDULE_LOCK_KEY.format(queue=queue.name)
    if not queue.connection.set(lock, os.getpid(), nx=True, ex=SCHEDULE_LOCK_SECONDS):
        return 0
    try:
        job_ids = registry.get_jobs_to_schedule(current_timestamp())
        moved = 0
        for job_id in job_ids:
            try:
                job = RQJob.fetch(job_id, connection=queue.connection, serializer=queue.serializer)
            except Exception:
                registry.remove(job_id)
                continue
            with queue.connection.pipeline() as pipe:  # one MULTI: the job is in exactly one place
                queue._enqueue_job(job, pipeline=pipe, at_front=job.should_enqueue_at_front())
                registry.remove(job, pipeline=pipe)
                pipe.execute()
            moved += 1
            log.info("job %s: retry due, back in the queue", job_id)
        return moved
    finally:
        queue.connection.delete(lock)


def build_worker(
    client: redis.Redis,
    settings: Settings,
    *,
    name: str | None = None,
    queue_name: str = QUEUE_NAME,
    dequeue_seconds: int | None = None,
) -> FactcheckWorker:
    return FactcheckWorker(
        [make_queue(client, queue_name)],
        connection=client,
        heartbeat_seconds=settings.worker_heartbeat_seconds,
        dequeue_seconds=dequeue_seconds,
        name=name,
    )


def run_worker(settings: Settings, runner: RunnerFactory, burst: bool = False) -> int:
    """``factcheck worker``: work until SIGTERM (or, with ``burst``, until the queue is empty)."""
    from bot import store

    configure_logging(settings.log_level, json=settings.log_json)
    try:
        client = store.connect(settings.redis_url)
        client.ping()
    except (redis.RedisError, OSError) as exc:
        log.error("cannot reach Redis (%s); set REDIS_URL to a running server, or unset it for the embedded one", exc)
        return 1
    register_runner(runner)
    metrics.track_queue_depth(lambda: make_queue(client).count)
    worker = build_worker(client, settings)
    log.info("worker %s on %s, queue %s", worker.name, store.describe(client), QUEUE_NAME)
    if burst:
        # Burst mode still honours retries that are due now: move them to the queue first.
        with contextlib.suppress(redis.RedisError):
            enqueue_due_retries(make_queue(client))
    worker.work(burst=burst, logging_level=None)  # levels are configure_logging's
    return 0


# -- inside ``factcheck serve`` ----------------------------------------------------------------------------


class InProcessWorker:
    """``FactcheckWorker``s in daemon threads of this process. ``stop()`` lets the jobs in hand finish."""

    def __init__(self, workers: list[FactcheckWorker]) -> None:
        self.workers = workers
        self._threads = [
            threading.Thread(target=self._run, args=(w,), name=f"fc-rq-worker-{i}", daemon=True)
            for i, w in enumerate(workers)
        ]
        self.error: BaseException | None = None

    def start(self) -> InProcessWorker:
        for thread in self._threads:
            thread.start()
        return self

    def _run(self, worker: FactcheckWorker) -> None:
        try:
            worker.work(burst=False)
        except BaseException as exc:  # reported by is_alive() and .error, never silently
            self.error = exc
            log.exception("in-process worker %s stopped unexpectedly", worker.name)

    def is_alive(self) -> bool:
        return all(thread.is_alive() for thread in self._threads)

    def stop(self, timeout: float | None = None) -> bool:
        """Ask every worker to stop after its current job; True once all stopped within ``timeout``."""
        for worker in self.workers:
            worker.request_graceful_stop()
        deadline = None if timeout is None else time.monotonic() + timeout
        for thread in self._threads:
            thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
        return not any(thread.is_alive() for thread in self._threads)


def start_in_process_worker(
    client: redis.Redis, settings: Settings, runner: RunnerFactory, *, threads: int | None = None
) -> InProcessWorker:
    """Run queued jobs in background threads of this process (``settings.inprocess_workers`` of them,
    at least one), with ``runner()``'s runner."""
    register_runner(runner)
    metrics.track_queue_depth(lambda: make_queue(client).count)
    count = max(1, threads if threads is not None else settings.inprocess_workers)
    # Threads cannot be interrupted in a blocking read the way SIGTERM interrupts `factcheck worker`:
    # short polls let `serve` stop within a couple of seconds.
    workers = [build_worker(client, settings, dequeue_seconds=INPROCESS_DEQUEUE_SECONDS) for _ in range(count)]
    return InProcessWorker(workers).start()
