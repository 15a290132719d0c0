"""Workers on a real Redis: ``factcheck worker`` subprocesses, the in-process worker thread, and a
worker killed with SIGKILL in the middle of a job (the job runs again and posts its checklist once).

The slow job is a real slow path: the LLM analyzer talks to the OpenAI stand-in, which stalls.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
from rq.job import Job as RQJob
from rq.job import JobStatus

from bot.config import Settings
from bot.jobs.model import Job
from bot.jobs.queue import PERFORM, RQJobQueue, make_queue, rq_job_id
from bot.jobs.worker import enqueue_due_retries, register_runner, start_in_process_worker
from bot.slack.jobs import runner_for
from bot.slack.services import build_services
from standins.openai_server import OpenAIStandIn
from standins.slack_api import SlackAPIStandIn
from standins.slack_driver import process_env

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "xoxb-worker-test"
ARTICLE = (
    "Harbour strike enters second week\n\n"
    "The union said on Monday that 4,000 dockers had walked out.\n\n"
    "Officials, who spoke on condition of anonymity, said the strike may cost about $30 million a day."
)


def wait_until(predicate: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@pytest.fixture
def slack() -> Iterator[SlackAPIStandIn]:
    with SlackAPIStandIn(token=TOKEN) as server:
        yield server


@pytest.fixture
def llm() -> Iterator[OpenAIStandIn]:
    with OpenAIStandIn(api_key="sk-worker-test") as server:
        yield server


@pytest.fixture
def worker_env(redis_client: redis.Redis, slack: SlackAPIStandIn, tmp_path: Path) -> dict[str, str]:
    return process_env(slack, redis_client, tmp_path / "cache", FACTCHECK_LOG_LEVEL="INFO")


class WorkerProcess:
    def __init__(self, env: dict[str, str], log_path: Path, *args: str) -> None:
        self.log_path = log_path
        self._log = open(log_path, "ab")  # noqa: SIM115 - closed in wait()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "worker", *args],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def wait(self, timeout: float) -> int:
        try:
            return self.proc.wait(timeout)
        finally:
            if self.proc.poll() is not None:
                self._log.close()

    def kill_group(self) -> None:
        """SIGKILL the worker and everything it started: a lost machine, not a polite stop."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        self._log.close()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")


def check_job(job_id: str = "cmd-worker-1") -> Job:
    return Job(kind="check", job_id=job_id, channel="C0NEWS", user="U0EDITOR", text=ARTICLE)


def job_status(client: redis.Redis, job: Job) -> JobStatus | None:
    try:
        return RQJob.fetch(rq_job_id(job), connection=client, serializer=make_queue(client).serializer).get_status()
    except Exception:
        return None


def test_burst_worker_process_performs_a_queued_check(
    redis_client: redis.Redis, slack: SlackAPIStandIn, worker_env: dict[str, str], tmp_path: Path
) -> None:
    queue = RQJobQueue(redis_client)
    job = check_job()
    assert queue.submit(job) is True
    assert queue.depth() == 1

    worker = WorkerProcess(worker_env, tmp_path / "worker.log", "--burst")
    assert worker.wait(45) == 0, worker.output()

    assert queue.depth() == 0
    assert job_status(redis_client, job) == JobStatus.FINISHED, worker.output()
    posts = slack.calls_to("chat.postMessage")
    assert len(posts) == 2  # the parent, then the placeholder that becomes the checklist
    assert any("Checklist" in str(c.params.get("text", "")) or c.params.get("blocks") for c in
               slack.calls_to("chat.update"))
    assert redis_client.hget(f"fc:job:{job.job_id}", "done") == b"1"
    # Logs are JSON lines with the job's request id, and the article never appears in them.
    out = worker.output()
    assert '"request_id": "cmd-worker-1"' in out
    assert "4,000 dockers" not in out and "condition of anonymity" not in out


def test_worker_killed_mid_job_reruns_it_and_posts_the_checklist_once(
    redis_client: redis.Redis,
    slack: SlackAPIStandIn,
    llm: OpenAIStandIn,
    worker_env: dict[str, str],
    tmp_path: Path,
) -> None:
    env = {**worker_env, "OPENAI_API_KEY": llm.api_key, "OPENAI_BASE_URL": llm.base_url,
           "FACTCHECK_LLM_TIMEOUT": "60"}
    llm.latency_seconds = 30.0  # the first worker will be mid-request when it dies
    queue = RQJobQueue(redis_client, retry_intervals=[1])
    job = check_job("cmd-killed-1")
    queue.submit(job)

    first = WorkerProcess(env, tmp_path / "first.log")
    wait_until(lambda: llm.completion_requests, 30, "the first worker's LLM request")
    assert len(slack.calls_to("chat.postMessage")) == 2  # parent and placeholder already posted
    assert job_status(redis_client, job) == JobStatus.STARTED
    first.kill_group()

    llm.latency_seconds = 0.0
    second = WorkerProcess(env, tmp_path / "second.log")
    try:
        wait_until(lambda: job_status(redis_client, job) == JobStatus.FINISHED, 30,
                   f"the rerun; second worker said:\n{second.output()}")
    finally:
        second.proc.send_signal(signal.SIGTERM)
        assert second.wait(15) == 0, second.output()

    posts = slack.calls_to("chat.postMessage")
    assert len(posts) == 2, [c.params.get("text") for c in posts]  # nothing posted twice
    assert len(llm.completion_requests) == 2  # the abandoned request, and the rerun's
    rq_job = RQJob.fetch(rq_job_id(job), connection=redis_client, serializer=make_queue(redis_client).serializer)
    assert rq_job.retries_left == 1  # the abandoned attempt used one retry
    placeholder_ts = redis_client.hget(f"fc:job:{job.job_id}", "msg0").decode()
    final = slack.message("C0NEWS", placeholder_ts)
    assert final is not None and "llm" in str(final.get("blocks"))  # the placeholder now holds the checklist
    assert '"request_id": "cmd-killed-1"' in second.output()


def test_sigterm_lets_the_job_in_hand_finish(
    redis_client: redis.Redis,
    slack: SlackAPIStandIn,
    llm: OpenAIStandIn,
    worker_env: dict[str, str],
    tmp_path: Path,
) -> None:
    env = {**worker_env, "OPENAI_API_KEY": llm.api_key, "OPENAI_BASE_URL": llm.base_url}
    llm.latency_seconds = 1.5
    queue = RQJobQueue(redis_client)
    job = check_job("cmd-sigterm-1")
    queue.submit(job)
    worker = WorkerProcess(env, tmp_path / "worker.log")
    wait_until(lambda: llm.completion_requests, 30, "the LLM request")
    worker.proc.send_signal(signal.SIGTERM)  # warm shutdown: finish, then exit
    assert worker.wait(20) == 0, worker.output()
    assert job_status(redis_client, job) == JobStatus.FINISHED, worker.output()
    assert redis_client.hget(f"fc:job:{job.job_id}", "done") == b"1"


def test_in_process_worker_runs_jobs_and_stops_gracefully(
    redis_client: redis.Redis, slack: SlackAPIStandIn
) -> None:
    settings = Settings.from_env(
        {"SLACK_BOT_TOKEN": TOKEN, "SLACK_API_URL": slack.base_url, "FACTCHECK_WORKER_HEARTBEAT": "1"}
    )
    queue = RQJobQueue.from_settings(redis_client, settings)
    services = build_services(settings, redis_client=redis_client, queue=queue)
    handle = start_in_process_worker(services.redis, services.settings, lambda: runner_for(services))
    try:
        job = check_job("cmd-inprocess-1")
        assert services.queue.submit(job) is True
        assert services.queue.submit(job) is False  # a duplicate is a no-op
        wait_until(lambda: job_status(redis_client, job) == JobStatus.FINISHED, 20, "the job")
        assert len(slack.calls_to("chat.postMessage")) == 2
        assert handle.is_alive()
    finally:
        started = time.monotonic()
        assert handle.stop(timeout=10) is True
        register_runner(None)
    assert time.monotonic() - started < 5  # an idle worker stops within one dequeue timeout
    assert handle.error is None


def test_due_retries_move_back_to_the_queue(redis_client: redis.Redis) -> None:
    queue = make_queue(redis_client)
    rq_job = queue.enqueue(PERFORM, "{}", job_id="fc-retry-test")
    queue.remove(rq_job)
    queue.schedule_job(rq_job, datetime.now(UTC) - timedelta(seconds=1))
    assert queue.count == 0
    assert enqueue_due_retries(queue) == 1
    assert queue.count == 1 and queue.scheduled_job_registry.count == 0


def test_in_process_workers_run_checks_side_by_side(
    redis_client: redis.Redis, slack: SlackAPIStandIn, llm: OpenAIStandIn
) -> None:
    settings = Settings.from_env({
        "SLACK_BOT_TOKEN": TOKEN, "SLACK_API_URL": slack.base_url, "FACTCHECK_WORKER_HEARTBEAT": "1",
        "OPENAI_API_KEY": llm.api_key, "OPENAI_BASE_URL": llm.base_url, "FACTCHECK_INPROCESS_WORKER": "3",
    })
    llm.latency_seconds = 1.0
    queue = RQJobQueue.from_settings(redis_client, settings)
    services = build_services(settings, redis_client=redis_client, queue=queue)
    jobs = [Job(kind="check", job_id=f"cmd-side-{n}", channel="C0NEWS", user="U0EDITOR",
                text=ARTICLE.replace("second week", f"week {n + 2}")) for n in range(3)]
    handle = start_in_process_worker(services.redis, services.settings, lambda: runner_for(services))
    try:
        assert len(handle.workers) == 3
        started = time.monotonic()
        for job in jobs:
            services.queue.submit(job)
        for job in jobs:
            wait_until(lambda job=job: job_status(redis_client, job) == JobStatus.FINISHED, 20, job.job_id)
        assert time.monotonic() - started < 2.8  # three 1 s LLM requests at once, not one after another
    finally:
        assert handle.stop(timeout=10) is True
        register_runner(None)


def test_without_redis_url_the_worker_joins_the_embedded_redis(
    slack: SlackAPIStandIn, worker_env: dict[str, str], tmp_path: Path
) -> None:
    """One machine, no setup: `factcheck worker` finds the same embedded Redis as `factcheck serve`."""
    from bot import store

    cache = tmp_path / "xdg"
    client = store.connect(None, data_dir=cache / "factcheck")  # where serve's embedded Redis lives
    env = {k: v for k, v in worker_env.items() if k != "REDIS_URL"} | {"XDG_CACHE_HOME": str(cache)}
    job = check_job("cmd-embedded-1")
    RQJobQueue(client).submit(job)
    try:
        worker = WorkerProcess(env, tmp_path / "worker.log", "--burst")
        assert worker.wait(45) == 0, worker.output()
        assert client.hget(f"fc:job:{job.job_id}", "done") == b"1", worker.output()
        assert "embedded redis" in worker.output()
    finally:
        store.shutdown_embedded(client)  # this test started it: stop it now, not at the session's exit
