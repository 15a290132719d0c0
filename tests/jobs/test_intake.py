"""The intake mover on a real Redis: acked jobs reach RQ once, survive a mover that dies half-way and a
Redis restart, and an entry that is not a job is set aside without its text in the logs."""

from __future__ import annotations

import logging
import threading
import time

import pytest
import redis

from bot import store
from bot.jobs.intake import IntakeMover, moving_key, rejected_key
from bot.jobs.model import Job
from bot.jobs.queue import INTAKE_PUSH_FUNCTION, RQJobQueue, make_queue, rq_job_id
from tests.jobs.test_worker import wait_until
from tests.redis_process import RedisProcess, redis_process

__all__ = ["redis_process"]  # fixture used here


def job(n: int, text: str = "An article.") -> Job:
    return Job(kind="check", job_id=f"cmd-intake-{n}", channel="C1", user="U1", text=text)


def push(client: redis.Redis, queue: RQJobQueue, item: Job) -> None:
    """What the admission script does once its gate and limits let a job through."""
    script = client.register_script(
        INTAKE_PUSH_FUNCTION + "return intake_push(KEYS, ARGV)"
    )
    request = queue.intake_request(item)
    queue.intake_verdict(script(keys=list(request.keys), args=list(request.args)))


def rq_ids(client: redis.Redis) -> list[str]:
    return make_queue(client).job_ids


def test_drain_hands_every_waiting_job_to_rq_in_order(redis_client: redis.Redis) -> None:
    queue = RQJobQueue(redis_client)
    for n in (1, 2, 3):
        push(redis_client, queue, job(n))
    assert queue.depth() == 3 and rq_ids(redis_client) == []
    assert IntakeMover(queue, threading.Event()).drain() == 3
    assert rq_ids(redis_client) == [rq_job_id(job(n)) for n in (1, 2, 3)]
    assert redis_client.llen(queue.intake_key) == 0 and redis_client.llen(moving_key(queue)) == 0
    assert queue.depth() == 3  # now all in RQ's queue


def test_the_running_mover_hands_over_within_moments_and_stops_promptly(redis_client: redis.Redis) -> None:
    queue, stop = RQJobQueue(redis_client), threading.Event()
    mover = IntakeMover(queue, stop).start()
    try:
        push(redis_client, queue, job(1))
        wait_until(lambda: rq_ids(redis_client) == [rq_job_id(job(1))], 5, "the job to reach RQ")
    finally:
        stop.set()
        started = time.monotonic()
        mover.join(timeout=5)
    assert not mover.is_alive() and time.monotonic() - started < 3


def test_a_job_left_half_moved_by_a_dead_mover_is_handed_over_at_the_second_sweep(redis_client: redis.Redis) -> None:
    queue = RQJobQueue(redis_client)
    push(redis_client, queue, job(1))
    redis_client.lmove(queue.intake_key, moving_key(queue), "RIGHT", "LEFT")  # a mover took it, then died
    survivor = IntakeMover(queue, threading.Event())
    assert survivor.sweep() == 0  # it may be a live mover's entry: wait one sweep
    assert rq_ids(redis_client) == []
    assert survivor.sweep() == 1
    assert rq_ids(redis_client) == [rq_job_id(job(1))] and redis_client.llen(moving_key(queue)) == 0


def test_a_job_handed_over_twice_is_queued_once(redis_client: redis.Redis) -> None:
    """A slow live mover and a sweeping one may both hand the same entry over: RQ keeps one job per id."""
    queue = RQJobQueue(redis_client)
    push(redis_client, queue, job(1))
    raw = redis_client.lmove(queue.intake_key, moving_key(queue), "RIGHT", "LEFT")
    redis_client.lpush(moving_key(queue), raw)  # the same entry twice on *moving*
    mover = IntakeMover(queue, threading.Event())
    mover.hand_over(raw)
    mover.hand_over(raw)
    assert rq_ids(redis_client) == [rq_job_id(job(1))] and redis_client.llen(moving_key(queue)) == 0


def test_an_entry_that_is_not_a_job_is_set_aside_without_its_text_in_the_log(
    redis_client: redis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    queue = RQJobQueue(redis_client)
    redis_client.lpush(queue.intake_key, b'{"kind": "check", "text": "Secret source says X"}')  # no channel, no user
    push(redis_client, queue, job(2))
    with caplog.at_level(logging.INFO):
        assert IntakeMover(queue, threading.Event()).drain() == 2
    assert redis_client.lrange(rejected_key(queue), 0, -1) == [b'{"kind": "check", "text": "Secret source says X"}']
    assert rq_ids(redis_client) == [rq_job_id(job(2))]  # the next job was not held up
    assert "not a job" in caplog.text and "Secret" not in caplog.text


def test_the_mover_outlives_a_redis_restart(redis_process: RedisProcess) -> None:
    client = store.connect(redis_process.url)
    queue, stop = RQJobQueue(client), threading.Event()
    mover = IntakeMover(queue, stop).start()
    try:
        push(client, queue, job(1))
        wait_until(lambda: rq_ids(client) == [rq_job_id(job(1))], 5, "the first job to reach RQ")
        redis_process.stop()
        time.sleep(1.5)  # the mover's blocking read fails; it waits for Redis with backoff
        assert mover.is_alive()
        redis_process.start()
        push(client, queue, job(2))
        wait_until(lambda: rq_job_id(job(2)) in rq_ids(client), 20, "a job pushed after the restart to reach RQ")
    finally:
        stop.set()
        mover.join(timeout=10)
    assert not mover.is_alive()


def test_a_mover_cut_off_while_holding_a_job_hands_it_over_once_redis_is_back(redis_process: RedisProcess) -> None:
    """Redis goes away between taking an entry and handing it to RQ: the mover hands it over itself
    as Redis answers again, without waiting for a sweep."""
    client = store.connect(redis_process.url)
    queue, stop = RQJobQueue(client), threading.Event()
    mover = IntakeMover(queue, stop, sweep_seconds=3600, max_defer_seconds=2.0)  # no second sweep here
    push(client, queue, job(1))
    client.set(queue.acking_key, "1", px=2000)  # acks "streaming": the mover holds the entry for 2 s
    mover.start()
    try:
        wait_until(lambda: client.llen(moving_key(queue)) == 1, 5, "the mover to take the entry")
        redis_process.stop()  # while it waits for the acks to pause; its hand-over then fails
        time.sleep(2.5)
        assert mover.is_alive()
        redis_process.start()  # the append-only file brings the entry on *moving* back
        wait_until(lambda: rq_ids(client) == [rq_job_id(job(1))], 10, "the held job to reach RQ")
        assert client.llen(moving_key(queue)) == 0
    finally:
        stop.set()
        mover.join(timeout=10)
    assert not mover.is_alive()
