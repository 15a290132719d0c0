"""Workers: take jobs from the Redis queue (``bot.jobs.queue``) and run them with the registered runner.

The worker knows nothing of Slack: the face that starts it (``factcheck serve`` in ``bot.slack.server``,
``factcheck worker`` in ``bot.cli``) registers a runner factory, called once per process on the first
job, whose runner does the job (the Slack side's is ``bot.slack.jobs.runner_for``).

- ``factcheck worker [--burst]`` -> ``run_worker``: one process, one job at a time; run as many as
  needed (docker compose ``deploy.replicas``). SIGTERM or Ctrl+C: warm shutdown, the job in hand
  finishes first; a second signal stops at once (the job is then run again elsewhere, see below).
- ``factcheck serve`` -> ``bot.jobs.supervisor``: ``FACTCHECK_INPROCESS_WORKER`` child processes
  running ``factcheck worker``, restarted when one dies. ``start_in_process_worker`` runs the same
  loop in threads of the calling process (tests and embedding use it: they hand it their services).

Beside them runs an ``IntakeMover`` (``bot.jobs.intake``), one per process, which hands the jobs the
acks pushed onto the intake to RQ.

Each is a ``FactcheckWorker``: RQ's ``SimpleWorker`` (no fork per job: the services, the HTTP
clients and their connection pools are built once per process and reused) plus a heartbeat thread.

Redis lost (``keep_working``): RQ's own loop ends on any Redis error outside a blocking dequeue
("unhandled exception, quitting") and its failure handling needs Redis too, so a lost connection
used to end the worker for good. Here the loop ends with ``lost_redis`` set; ``keep_working`` logs
it, waits for Redis with backoff (``RECONNECT_*``) and starts a fresh worker (a new name: the old
one may still look alive in Redis). The job in hand stays in RQ's StartedJobRegistry; when its
heartbeats have stopped for 3x ``heartbeat`` it is retried like a killed worker's (below).

A job that failed for good (every attempt raised, or it was abandoned with no retries left) lands
in RQ's FailedJobRegistry; ``tell_given_up`` (every worker's maintenance) hands each such job once
to the runner's ``gave_up(job, reason)``, which tells the requester it did not run and why.

A worker killed mid-job (SIGKILL, OOM, a lost machine): while a job runs, the heartbeat thread
extends the job's entry in RQ's StartedJobRegistry every ``heartbeat`` seconds by 3x that. When
the heartbeats stop, the entry expires; any live worker's maintenance (every ``heartbeat`` seconds
while idle, and at start) runs rq 3.0's ``StartedJobRegistry.cleanup``, which retries an abandoned
job that has retries left (``job.retry``: scheduled after the retry interval) and fails it
otherwise. The maintenance step here also moves due retries from the ScheduledJobRegistry to the
queue (RQ's scheduler would fork a process, which a threaded web server should not do). The rerun
is safe because jobs are idempotent: the messages a job posted are recorded in Redis as it goes
and a rerun updates them instead of posting again.

Two gaps in RQ's own maintenance are closed here (``clean_registries``): RQ cleans under a lock that
lives 15 minutes, so a worker killed (or cut off from Redis) while cleaning stopped every retry of
abandoned jobs for that long; here the lock lives ``MAINTENANCE_LOCK_SECONDS``. And a job a worker
had taken off the queue (onto RQ's *intermediate* list) but not yet started when it died or lost
Redis was failed by RQ after a minute or more; here it goes back to the front of the queue once it
has sat there 3x ``heartbeat`` (``requeue_stranded``): it never ran, so it spends no retry.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from types import FrameType
from typing import TYPE_CHECKING, Any

import redis
from rq import Queue
from rq.exceptions import DequeueTimeout, StopRequested
from rq.job import Job as RQJob
from rq.registry import clean_registries
from rq.timeouts import TimerDeathPenalty
from rq.utils import current_timestamp
from rq.utils import now as rq_now
from rq.worker import SimpleWorker, WorkerStatus
from rq.worker_registration import clean_worker_registry

from bot import metrics
from bot.config import Settings
from bot.jobs.intake import BLOCK_SECONDS, IntakeMover
from bot.jobs.model import Job
from bot.jobs.queue import QUEUE_NAME, SERIALIZER, RQJobQueue, make_queue
from bot.jobs.reconnect import RECONNECT_MAX_SECONDS, wait_for_redis
from bot.logs import configure_logging, request_context

if TYPE_CHECKING:
    from rq.executions import Execution

log = logging.getLogger(__name__)

SCHEDULE_LOCK_SECONDS = 10  # one process at a time moves due retries to the queue (a crash holds it this long)
MAINTENANCE_LOCK_SECONDS = 10  # one worker at a time cleans the registries (RQ's lock: 899 s)
STRANDED_KEY = "fc:queue:stranded:{rq_id}"  # when a maintenance first saw a job taken but not started
SCHEDULE_LOCK_KEY = "fc:queue:schedule-lock:{queue}"
INPROCESS_DEQUEUE_SECONDS = 2  # worker threads poll the queue this often (see start_in_process_worker)
TOLD_KEY = "fc:queue:told:{rq_id}"  # a failed job's requester was told (at most once)
TOLD_TRIES = 3  # a notice that cannot be delivered is tried again at the next maintenance, this often

JobRunner = Callable[[Job], None]  # does one job (the Slack side's: post, check, update)
# A runner may also have ``gave_up(job, reason)``: tell the requester a job will not run (see tell_given_up).
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
            "job %s (%s) done in %.1f s",
            job.job_id,
            job.kind,
            time.monotonic() - started,
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

    stop_event: threading.Event | None = None  # shared by the workers of one keep_working loop
    lost_redis: BaseException | None = None  # why the loop ended, when Redis was lost
    _working = False  # inside work()'s loop: a signal may end it with StopRequested

    def work(self, burst: bool = False, logging_level: str | None = None, **_: Any) -> bool:  # type: ignore[override]
        """RQ's work loop, except that losing Redis ends it with ``lost_redis`` set (RQ logs "unhandled
        exception, quitting" and returns as if stopped), and a stop is seen within ``dequeue_seconds``."""
        if threading.current_thread() is not threading.main_thread():
            self.death_penalty_class = TimerDeathPenalty  # SIGALRM cannot reach this thread
        try:
            self.bootstrap(logging_level)  # registers the worker: raises when Redis is not there
        except BaseException:
            self._teardown_quietly()  # a half-done bootstrap may have started the pubsub thread
            raise
        self._install_signal_handlers()
        completed = 0
        self._working = True
        try:
            while not self.stopping:
                if self.should_run_maintenance_tasks:
                    self.run_maintenance_tasks()
                result = self.dequeue_job_and_maintain_ttl(None if burst else self.dequeue_timeout)
                if result is None:
                    break
                job, queue = result
                self.execute_job(job, queue)
                self.heartbeat()
                completed += 1
        except StopRequested:
            pass
        except (redis.ConnectionError, redis.TimeoutError, OSError) as exc:
            self.lost_redis = exc
        finally:
            self._working = False
            self._teardown_quietly()
        return bool(completed)

    @property
    def stopping(self) -> bool:
        return self._stop_requested or (self.stop_event is not None and self.stop_event.is_set())

    def _teardown_quietly(self) -> None:
        """RQ's teardown stops at its first Redis error and leaves the pubsub thread retrying for ever."""
        with contextlib.suppress(redis.RedisError, OSError):
            self.register_death()
        thread = getattr(self, "pubsub_thread", None)
        if thread is not None:
            thread.stop()  # first, so that the reply to the unsubscribe (or RQ's 2 s retry pause) ends its loop
            with contextlib.suppress(redis.RedisError, OSError):
                self.pubsub.unsubscribe()
            thread.join(timeout=1)
            # A thread still alive (in RQ's 2 s pause while Redis is down) closes the pubsub itself on its way
            # out; closing it here, under its next read, made it die with a TypeError.
            if not thread.is_alive():
                with contextlib.suppress(redis.RedisError, OSError):
                    self.pubsub.close()

    # signals and stopping
    def _install_signal_handlers(self) -> None:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, self._on_signal)
            signal.signal(signal.SIGINT, self._on_signal)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        """First signal: finish the job in hand (or stop now when idle); a second: stop the job too
        (RQ records it as failed, so it is retried)."""
        if self.stopping and self._working:
            log.warning("worker %s: second signal, stopping the job in hand", self.name)
            raise SystemExit(1)
        log.info("worker %s: signal %d, stopping after the job in hand", self.name, signum)
        self._stop_requested = True
        if self.stop_event is not None:
            self.stop_event.set()
        if self._working and self.get_state() != WorkerStatus.BUSY:
            raise StopRequested()  # idle: out of the blocking dequeue now

    def request_graceful_stop(self) -> None:
        """Stop after the job in hand (or at once when idle, within ``dequeue_timeout`` seconds)."""
        self._stop_requested = True

    @property
    def dequeue_timeout(self) -> int:
        return self.dequeue_seconds

    def dequeue_job_and_maintain_ttl(self, timeout: int | None, max_idle_time: int | None = None) -> Any:
        """Wait for a job, coming up every ``timeout`` seconds for heartbeats, maintenance and stops.

        Unlike RQ's, a Redis error is not retried here (RQ sleeps and retries for ever, deaf to
        stops): it ends the loop and ``keep_working`` reconnects."""
        self.set_state(WorkerStatus.IDLE)
        while True:
            if self.stopping:
                raise StopRequested()
            self.heartbeat()
            if self.should_run_maintenance_tasks:
                self.run_maintenance_tasks()
            try:
                result = self.queue_class.dequeue_any(
                    self._ordered_queues,
                    timeout,
                    connection=self.connection,
                    job_class=self.job_class,
                    serializer=self.serializer,
                    death_penalty_class=self.death_penalty_class,
                )
            except DequeueTimeout:
                continue
            if result is None:  # burst mode: the queue is empty
                return None
            job, queue = result
            self.reorder_queues(reference_queue=queue)
            job.redis_server_version = self.get_redis_server_version()
            log.debug("worker %s: dequeued %s", self.name, job.id)
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
    def clean_registries(self) -> None:
        """RQ's registry cleaning (abandoned jobs are retried there), under a lock a crash holds for
        ``MAINTENANCE_LOCK_SECONDS`` instead of 15 minutes, and with stranded jobs put back in the queue
        (``requeue_stranded``) instead of failed after a minute."""
        for queue in self.queues:
            with one_at_a_time(self.connection, queue.registry_cleaning_key, MAINTENANCE_LOCK_SECONDS) as mine:
                if not mine:
                    continue
                clean_registries(queue, self._exc_handlers)
                clean_worker_registry(queue)
                requeue_stranded(queue, 3 * self.heartbeat_seconds)
        self.last_cleaned_at = rq_now()

    def run_maintenance_tasks(self) -> None:
        super().run_maintenance_tasks()  # StartedJobRegistry.cleanup retries abandoned jobs
        for queue in self.queues:
            with contextlib.suppress(redis.RedisError):
                enqueue_due_retries(queue)
            with contextlib.suppress(redis.RedisError):
                tell_given_up(queue)


# keys: intermediate list, queue, first-seen mark; arg: the job id. Back in the queue only if still taken
# (its worker may have started it, and taken it off, since it was looked at).
REQUEUE_STRANDED = """
redis.call('DEL', KEYS[3])
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then return 0 end
redis.call('LPUSH', KEYS[2], ARGV[1])
return 1
"""


@contextlib.contextmanager
def one_at_a_time(client: redis.Redis, key: str, seconds: int) -> Iterator[bool]:
    """Whether this process took ``key``, a lock a crash holds for at most ``seconds``; released on the
    way out (a lost Redis lets it expire instead)."""
    if not client.set(key, os.getpid(), nx=True, ex=seconds):
        yield False
        return
    try:
        yield True
    finally:
        with contextlib.suppress(redis.RedisError, OSError):
            client.delete(key)


def requeue_stranded(queue: Queue, after_seconds: float) -> int:
    """Put back at the front of the queue the jobs a worker took (RQ moves each onto the queue's
    *intermediate* list) but never started, once they have sat there ``after_seconds``: their worker
    died or lost Redis in between (a live one starts a job within milliseconds). Returns how many."""
    client = queue.connection
    intermediate = queue.intermediate_queue.key
    taken = client.lrange(intermediate, 0, -1)
    if not taken:
        return 0
    started = set(queue.started_job_registry.get_job_ids(cleanup=False))  # read once, not per job
    moved = 0
    for raw in taken:
        rq_id = raw.decode()
        seen_key = STRANDED_KEY.format(rq_id=rq_id)
        if rq_id in started:  # it started: RQ takes it off the list in the same step
            client.delete(seen_key)
            continue
        first_seen = client.get(seen_key)
        if first_seen is None:  # (SET NX GET would need Redis 7; the embedded one is 6.2)
            client.set(seen_key, time.time(), nx=True, ex=int(2 * after_seconds) + 10)
            continue
        if time.time() - float(first_seen) < after_seconds:
            continue
        if client.register_script(REQUEUE_STRANDED)(keys=[intermediate, queue.key, seen_key], args=[raw]):
            moved += 1
            log.warning("job %s was taken but never started (its worker stopped); back in the queue", rq_id)
    return moved


def enqueue_due_retries(queue: Queue) -> int:
    """Move jobs whose retry time has come from the ScheduledJobRegistry to the queue; returns how many."""
    registry = queue.scheduled_job_registry
    with one_at_a_time(queue.connection, SCHEDULE_LOCK_KEY.format(queue=queue.name), SCHEDULE_LOCK_SECONDS) as mine:
        if not mine:
            return 0
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


def _reason(job: RQJob) -> str:
    """Why a job failed for good, in words for the requester (never the exception's text)."""
    result = job.latest_result()
    text = (result.exc_string or "") if result is not None else (job.exc_info or "")
    if "abandoned" in text.lower() or "StartedJobRegistry" in text:
        return "the worker running it stopped (a restart or a lost connection) and it ran out of retries"
    if "JobTimeoutException" in text:
        return "it took longer than the time a check is allowed"
    return "it failed on every attempt"


_told_here: set[str] = set()  # failed jobs this process has seen told: not asked about again


def tell_given_up(queue: Queue) -> int:
    """Hand each job in the FailedJobRegistry to the runner's ``gave_up`` once; returns how many."""
    runner = get_runner() if _factory is not None else None
    gave_up = getattr(runner, "gave_up", None)
    if gave_up is None:
        return 0
    told = 0
    if len(_told_here) > 10_000:  # failed jobs expire from the registry after a day
        _told_here.clear()
    for rq_id in queue.failed_job_registry.get_job_ids():
        if rq_id in _told_here:
            continue
        key = TOLD_KEY.format(rq_id=rq_id)
        if not queue.connection.set(key, 0, nx=True, ex=2 * 24 * 3600):
            _told_here.add(rq_id)
            continue  # told already (or being told by another worker, or given up on)
        try:
            rq_job = RQJob.fetch(rq_id, connection=queue.connection, serializer=queue.serializer)
            job = Job.model_validate_json(rq_job.args[0])
        except Exception:
            continue  # not one of ours, or gone: nobody to tell
        with request_context(job.job_id):
            try:
                gave_up(job, _reason(rq_job))
                _told_here.add(rq_id)
                told += 1
                log.warning("job %s (%s) failed for good; the requester was told", job.job_id, job.kind)
            except Exception as exc:  # Slack down: try again at a later maintenance, a few times
                if int(queue.connection.incr(key + ":tries")) < TOLD_TRIES:
                    queue.connection.delete(key)
                log.warning("job %s: could not tell the requester it failed: %s", job.job_id, type(exc).__name__)
    return told


def keep_working(
    make_worker: Callable[[], FactcheckWorker], client: redis.Redis, stop: threading.Event, *, burst: bool = False
) -> int:
    """Run workers until ``stop`` (or, with ``burst``, an empty queue): a worker that loses Redis, or
    fails in any other way, is logged and replaced by a new one once Redis answers. Returns the
    number of workers that ended on a lost Redis (0 in a quiet life)."""
    lost = 0
    what = "worker"
    while wait_for_redis(client, stop, what):
        if lost:
            log.warning("%s: Redis answers again; a new worker takes jobs", what)
        try:
            worker = make_worker()
            worker.stop_event = stop
            what = f"worker {worker.name}"
            worker.work(burst=burst, logging_level=None)  # levels are configure_logging's
        except (redis.RedisError, OSError) as exc:  # registering the worker failed: Redis went again
            log.error("%s: could not start (%s); reconnecting", what, type(exc).__name__)
            lost += 1
            continue
        except Exception:  # a bug: never silent, and the next worker tries again after a pause
            log.exception("%s: stopped unexpectedly; a new one starts in %.0f s", what, RECONNECT_MAX_SECONDS)
            metrics.count_error("worker_crashed")
            stop.wait(RECONNECT_MAX_SECONDS)
            continue
        if worker.lost_redis is None:
            return lost  # stopped on request, or burst mode found the queue empty
        lost += 1
        metrics.count_error("worker_lost_redis")
        log.error("%s lost Redis (%s); a new worker starts once Redis answers", what, type(worker.lost_redis).__name__)
        if burst and stop.is_set():
            break
    return lost


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
    """``factcheck worker``: work until SIGTERM (or, with ``burst``, until the queue is empty).

    Redis unreachable, at start or later: wait for it with backoff and carry on (``keep_working``).
    With ``burst`` an unreachable Redis at start is an error (exit 1): a one-off run should not wait."""
    from bot import store

    configure_logging(settings.log_level, json=settings.log_json)
    client = store.connect(settings.redis_url)
    if burst:
        try:
            client.ping()
        except (redis.RedisError, OSError) as exc:
            log.error(
                "cannot reach Redis (%s); set REDIS_URL to a running server, or unset it for the embedded one", exc
            )
            return 1
    register_runner(runner)
    queue = RQJobQueue.from_settings(client, settings)
    metrics.track_queue_depth(queue.depth)
    stop = threading.Event()
    mover = IntakeMover(queue, stop)

    def on_signal(signum: int, frame: FrameType | None) -> None:  # between workers (waiting for Redis)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    log.info("worker process %d on %s, queue %s", os.getpid(), store.describe(client), QUEUE_NAME)
    if burst:
        # Burst mode still honours what waits now: acked jobs and retries that are due, moved to the queue first.
        with contextlib.suppress(redis.RedisError):
            mover.drain()
            enqueue_due_retries(queue.queue)
    else:
        mover.start()

    def make() -> FactcheckWorker:
        worker = build_worker(client, settings)
        signal.signal(signal.SIGTERM, on_signal)  # until work() installs the worker's own
        return worker

    keep_working(make, client, stop, burst=burst)
    stop.set()
    mover.join(timeout=BLOCK_SECONDS + 1)
    return 0


# -- inside ``factcheck serve`` ----------------------------------------------------------------------------


class InProcessWorker:
    """Worker loops (``keep_working``) in daemon threads of this process. ``stop()`` lets the jobs in
    hand finish. Used by tests and embedders that hand in their own services; ``factcheck serve``
    runs worker processes instead (``bot.jobs.supervisor``)."""

    def __init__(
        self, make_worker: Callable[[], FactcheckWorker], client: redis.Redis, count: int, queue: RQJobQueue
    ) -> None:
        self.make_worker = make_worker
        self.client = client
        self._stop = threading.Event()
        self.mover = IntakeMover(queue, self._stop)
        self._current: list[FactcheckWorker | None] = [make_worker() for _ in range(count)]  # the first ones
        self._threads = [
            threading.Thread(target=self._run, args=(i,), name=f"fc-rq-worker-{i}", daemon=True) for i in range(count)
        ]
        self.error: BaseException | None = None
        self.lost = 0  # workers that lost Redis and were replaced

    def start(self) -> InProcessWorker:
        self.mover.start()
        for thread in self._threads:
            thread.start()
        return self

    def _run(self, index: int) -> None:
        first = [self._current[index]]

        def make() -> FactcheckWorker:
            worker = first.pop() if first and first[0] is not None else self.make_worker()
            self._current[index] = worker
            return worker

        try:
            self.lost += keep_working(make, self.client, self._stop)
        except BaseException as exc:  # reported by is_alive() and .error, never silently
            self.error = exc
            log.exception("in-process worker %d stopped unexpectedly", index)

    @property
    def workers(self) -> list[FactcheckWorker]:
        return [w for w in self._current if w is not None]

    def alive_count(self) -> int:
        return sum(thread.is_alive() for thread in self._threads)

    def is_alive(self) -> bool:
        return all(thread.is_alive() for thread in self._threads)

    def stop(self, timeout: float | None = None) -> bool:
        """Ask every worker to stop after its current job; True once all stopped within ``timeout``."""
        self._stop.set()
        for worker in self.workers:
            worker.request_graceful_stop()
        deadline = None if timeout is None else time.monotonic() + timeout
        for thread in self._threads:
            thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
        self.mover.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
        return not any(thread.is_alive() for thread in self._threads) and not self.mover.is_alive()


def start_in_process_worker(
    client: redis.Redis,
    settings: Settings,
    runner: RunnerFactory,
    *,
    threads: int | None = None,
    queue: RQJobQueue | None = None,
) -> InProcessWorker:
    """Run queued jobs in background threads of this process (``settings.inprocess_workers`` of them,
    at least one), with ``runner()``'s runner; ``queue`` (its retry and timeout settings) is the one
    the intake's jobs are enqueued on (default: from ``settings``)."""
    register_runner(runner)
    queue = queue if queue is not None else RQJobQueue.from_settings(client, settings)
    metrics.track_queue_depth(queue.depth)
    count = max(1, threads if threads is not None else settings.inprocess_workers)
    # Threads cannot be interrupted in a blocking read the way SIGTERM interrupts `factcheck worker`:
    # short polls let a stop take effect within a couple of seconds.
    return InProcessWorker(
        lambda: build_worker(client, settings, dequeue_seconds=INPROCESS_DEQUEUE_SECONDS), client, count, queue
    ).start()
