"""Workers outlive Redis: a worker that loses Redis in the middle of a job (RQ's failure handling needs
Redis too, and used to end in "unhandled exception, quitting") reconnects once Redis is back, the job
in hand is retried, and later jobs run. The same for a ``factcheck worker`` process, which also waits
for a Redis that is not there yet instead of exiting 1.

Redis is a test-owned redis-server (append-only, like production) that the test kills and restarts.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import redis
from rq.job import JobStatus

from bot import store
from bot.config import Settings
from bot.jobs.model import Job
from bot.jobs.queue import RQJobQueue
from bot.jobs.worker import register_runner, start_in_process_worker
from standins.slack_api import SlackAPIStandIn
from tests.conftest import leftover_workers
from tests.jobs.test_worker import TOKEN, WorkerProcess, check_job, job_status, slack, wait_until
from tests.redis_process import RedisProcess, redis_process

__all__ = ["redis_process", "slack"]  # fixtures used here


def job(n: int) -> Job:
    return Job(kind="check", job_id=f"cmd-reconnect-{n}", channel="C0NEWS", user="U0EDITOR", text=f"story {n}")


def test_worker_busy_when_redis_restarts_reconnects_and_runs_the_job_again_and_later_ones(
    redis_process: RedisProcess,
) -> None:
    client = store.connect(redis_process.url)
    settings = Settings.from_env({"FACTCHECK_WORKER_HEARTBEAT": "1"})
    release = threading.Event()
    ran: list[str] = []

    def runner(j: Job) -> None:
        ran.append(j.job_id)
        if j.job_id == "cmd-reconnect-1" and ran.count(j.job_id) == 1:
            release.wait(10)  # the first attempt is in hand while Redis goes away

    handle = start_in_process_worker(client, settings, lambda: runner, threads=1)
    queue = RQJobQueue(client, retry_intervals=[1, 1])
    try:
        queue.submit(job(1))
        wait_until(lambda: ran, 10, "the first job to start")
        redis_process.stop()
        release.set()  # the job returns; RQ's success handling meets a dead Redis
        time.sleep(1.5)
        assert handle.alive_count() == 1  # the worker thread did not end
        redis_process.start()  # same folder: the append-only file brings the queue back

        queue.submit(job(2))
        wait_until(lambda: "cmd-reconnect-2" in ran, 20, "a job queued after the restart to run")
        # The job in hand when Redis went away was abandoned; RQ retries it (the Slack runner's rerun
        # updates the messages it posted instead of posting again).
        wait_until(lambda: job_status(client, job(1)) == JobStatus.FINISHED, 20, "the interrupted job to finish")
        assert ran.count("cmd-reconnect-1") == 2
        assert handle.alive_count() == 1 and handle.error is None
    finally:
        release.set()
        assert handle.stop(timeout=10) is True
        register_runner(None)


def test_worker_process_waits_for_redis_and_reconnects_after_a_restart(
    redis_process: RedisProcess, slack: SlackAPIStandIn, tmp_path: Path
) -> None:
    redis_process.stop()  # not there yet when the worker starts
    from standins.slack_driver import ROOT

    env = {
        "PATH": "/usr/bin:/bin",
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_API_URL": slack.base_url,
        "REDIS_URL": redis_process.url,
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "FACTCHECK_WORKER_HEARTBEAT": "1",
        "FACTCHECK_LOG_LEVEL": "INFO",
        "PYTHONPATH": str(ROOT),
    }
    worker = WorkerProcess(env, tmp_path / "worker.log")
    try:
        time.sleep(2.0)
        assert worker.proc.poll() is None, worker.output()  # it waits, where it used to exit 1
        assert worker.proc.pid in [p.pid for p in leftover_workers()]  # the session-end check would see it
        redis_process.start()
        client = redis_process.client()
        first = check_job("cmd-reconnect-p1")
        RQJobQueue(client).submit(first)
        wait_until(lambda: job_status(client, first) == JobStatus.FINISHED, 30, "the first job")

        redis_process.stop()
        time.sleep(2.0)
        assert worker.proc.poll() is None, worker.output()
        redis_process.start()
        client = redis_process.client()
        second = check_job("cmd-reconnect-p2")
        RQJobQueue(client).submit(second)
        wait_until(lambda: job_status(client, second) == JobStatus.FINISHED, 30, "a job after the restart")
        assert "Redis unreachable" in worker.output()  # said, not silent
    finally:
        if worker.proc.poll() is None:
            worker.proc.terminate()
        assert worker.wait(15) == 0, worker.output()
        assert worker.proc.pid not in [p.pid for p in leftover_workers()]


def test_redis_client_with_short_timeout_answers_a_frozen_redis_fast(redis_process: RedisProcess) -> None:
    fast = store.request_client(store.connect(redis_process.url))
    assert fast.ping()
    redis_process.freeze()
    try:
        started = time.monotonic()
        try:
            fast.ping()
            raised = False
        except (redis.TimeoutError, redis.ConnectionError):
            raised = True
        elapsed = time.monotonic() - started
    finally:
        redis_process.thaw()
    assert raised and elapsed < 2.0  # one 0.5 s read timeout, no retries
