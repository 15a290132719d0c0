"""Worker maintenance on a real Redis: a job a dead worker took but never started goes back to the
queue within seconds, and a worker that fails while cleaning holds the cleaning lock for seconds, not
RQ's 15 minutes (which once held every retry of abandoned jobs back for that long)."""

from __future__ import annotations

import logging
import time

import pytest
import redis
from rq.executions import Execution
from rq.job import Job as RQJob
from rq.job import JobStatus

from bot.jobs.model import Job
from bot.jobs.queue import SERIALIZER, RQJobQueue, make_queue, rq_job_id
from bot.jobs.worker import MAINTENANCE_LOCK_SECONDS, FactcheckWorker, requeue_stranded
from tests.redis_process import RedisProcess, redis_process

__all__ = ["redis_process"]  # fixture used here


def job(n: int) -> Job:
    return Job(kind="check", job_id=f"cmd-maint-{n}", channel="C1", user="U1", text="An article.")


def take_off_the_queue(client: redis.Redis, queue: RQJobQueue) -> bytes:
    """What a worker's dequeue does first (RQ's BLMOVE onto the intermediate list); then it died."""
    raw = client.lmove(queue.queue.key, queue.queue.intermediate_queue.key, "LEFT", "RIGHT")
    assert raw is not None
    return raw


def test_a_job_taken_but_never_started_goes_back_to_the_front_of_the_queue(
    redis_client: redis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    queue = RQJobQueue(redis_client)
    queue.submit(job(1))
    queue.submit(job(2))
    assert take_off_the_queue(redis_client, queue).decode() == rq_job_id(job(1))
    assert requeue_stranded(queue.queue, after_seconds=0.3) == 0  # first seen: its worker may be starting it
    assert requeue_stranded(queue.queue, after_seconds=0.3) == 0
    time.sleep(0.4)
    with caplog.at_level(logging.WARNING):
        assert requeue_stranded(queue.queue, after_seconds=0.3) == 1
    assert queue.queue.job_ids == [rq_job_id(job(1)), rq_job_id(job(2))]  # first again: it was first in line
    assert redis_client.llen(queue.queue.intermediate_queue.key) == 0
    rq_job = RQJob.fetch(rq_job_id(job(1)), connection=redis_client, serializer=SERIALIZER)
    assert rq_job.get_status() == JobStatus.QUEUED and rq_job.retries_left == queue.retry_max  # no retry spent
    assert "never started" in caplog.text
    # Taken and stranded again later: its clock starts afresh.
    take_off_the_queue(redis_client, queue)
    assert requeue_stranded(queue.queue, after_seconds=0.3) == 0


def test_a_job_that_started_is_left_to_its_worker(redis_client: redis.Redis) -> None:
    queue = RQJobQueue(redis_client)
    queue.submit(job(1))
    take_off_the_queue(redis_client, queue)
    rq_job = RQJob.fetch(rq_job_id(job(1)), connection=redis_client, serializer=SERIALIZER)
    with redis_client.pipeline() as pipe:  # what RQ's prepare_execution records as the job starts
        execution = Execution.create(rq_job, ttl=60, pipeline=pipe)
        queue.queue.started_job_registry.add_execution(execution, pipeline=pipe, ttl=60)
        pipe.execute()
    assert requeue_stranded(queue.queue, after_seconds=0) == 0
    time.sleep(0.1)
    assert requeue_stranded(queue.queue, after_seconds=0) == 0
    assert queue.queue.job_ids == [] and redis_client.llen(queue.queue.intermediate_queue.key) == 1


def test_a_worker_that_fails_while_cleaning_holds_the_lock_for_seconds(redis_process: RedisProcess) -> None:
    """The worker's connection may not remove registry entries (the cleaning fails half-way) nor delete
    keys (it cannot release the lock either): what a worker killed or cut off mid-clean leaves behind."""
    admin = redis_process.client()
    admin.acl_setuser(
        "halfway", enabled=True, passwords=["+pw"], keys=["*"], channels=["*"],
        commands=["+@all", "-zremrangebyscore", "-del", "-unlink"],
    )  # fmt: skip
    client = redis.Redis(unix_socket_path=redis_process.socket, username="halfway", password="pw")
    queue = make_queue(client)
    worker = FactcheckWorker([queue], connection=client, heartbeat_seconds=1)
    with pytest.raises(redis.exceptions.NoPermissionError):
        worker.clean_registries()
    lock_ttl = admin.ttl(queue.registry_cleaning_key)
    assert 0 < lock_ttl <= MAINTENANCE_LOCK_SECONDS  # RQ's own lock: 899 s

    # With every command allowed, a worker cleans, releases the lock, and puts a stranded job back
    # once it has sat there 3x its heartbeat.
    admin.delete(queue.registry_cleaning_key)
    stranded = RQJobQueue(admin)
    stranded.submit(job(1))
    take_off_the_queue(admin, stranded)
    whole = FactcheckWorker([make_queue(admin)], connection=admin, heartbeat_seconds=1)
    whole.clean_registries()
    assert admin.exists(queue.registry_cleaning_key) == 0 and whole.last_cleaned_at is not None
    assert stranded.queue.job_ids == []
    time.sleep(3.1)
    whole.clean_registries()
    assert stranded.queue.job_ids == [rq_job_id(job(1))]
