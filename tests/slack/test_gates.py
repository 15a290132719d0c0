"""Dedup gates and the admission of jobs (gate -> limit -> submit), on a real Redis and the real queue."""

from __future__ import annotations

import dataclasses
import threading
import time

import redis

from bot.config import Settings
from bot.jobs.model import Job
from bot.jobs.queue import RQJobQueue
from bot.slack.gates import Dedup, admit
from bot.slack.services import Services, build_services


def test_first_delivery_is_atomic(redis_client: redis.Redis) -> None:
    results: list[bool] = []
    threads = [
        threading.Thread(target=lambda: results.append(Dedup(redis_client).event("X").enter())) for _ in range(20)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(True) == 1


def test_a_released_gate_lets_the_next_delivery_through(redis_client: redis.Redis) -> None:
    dedup = Dedup(redis_client)
    assert dedup.reaction("C1", "1.1").enter() is True
    assert dedup.reaction("C1", "1.1").enter() is False
    assert dedup.command("1.1").enter() is True  # gates of different names never collide
    dedup.reaction("C1", "1.1").release()
    assert dedup.reaction("C1", "1.1").enter() is True


def _services(settings: Settings, redis_client: redis.Redis, max_pending: int = 10) -> Services:
    return build_services(settings, redis_client=redis_client, queue=RQJobQueue(redis_client, max_pending=max_pending))


def _job(n: int) -> Job:
    return Job(kind="check", job_id=f"gates-{n}", channel="C1", user="U1", text="An article.")


def test_admit_queues_once_per_gate(settings: Settings, redis_client: redis.Redis) -> None:
    services, told = _services(settings, redis_client), []
    gate = Dedup(redis_client).command("1.1")
    assert admit(services, _job(1), gate=gate, limited=True, tell=told.append, busy="busy") == "queued"
    assert admit(services, _job(1), gate=gate, limited=True, tell=told.append, busy="busy") == "skipped"
    assert told == [] and services.queue.depth() == 1


def test_a_full_queue_releases_the_gate_and_tells(settings: Settings, redis_client: redis.Redis) -> None:
    services, told = _services(settings, redis_client, max_pending=0), []
    gate = Dedup(redis_client).reaction("C1", "1.1")
    assert admit(services, _job(1), gate=gate, tell=told.append, busy="Too many checks") == "refused"
    assert told == ["Too many checks"]
    assert gate.enter() is True  # released: reacting again can retry


def test_a_limit_refusal_releases_the_gate_and_says_which_limit(settings: Settings, redis_client: redis.Redis) -> None:
    services, told = _services(dataclasses.replace(settings, user_limit=1), redis_client), []
    assert admit(services, _job(1), limited=True, tell=told.append, busy="busy") == "queued"
    gate = Dedup(redis_client).command("2.2")
    assert admit(services, _job(2), gate=gate, limited=True, tell=told.append, busy="busy") == "refused"
    assert len(told) == 1 and "FACTCHECK_USER_LIMIT" in told[0]
    assert gate.enter() is True
    assert services.queue.depth() == 1


def test_an_unwanted_job_keeps_the_gate_closed(settings: Settings, redis_client: redis.Redis) -> None:
    services, told = _services(settings, redis_client), []
    gate = Dedup(redis_client).reaction("C1", "2.2")
    assert admit(services, _job(1), gate=gate, wanted=lambda: False, tell=told.append, busy="busy") == "skipped"
    assert told == [] and services.queue.depth() == 0
    assert gate.enter() is False


def test_a_wanted_job_refused_by_a_full_queue_releases_the_gate_it_entered_first(
    settings: Settings, redis_client: redis.Redis
) -> None:
    services, told = _services(settings, redis_client, max_pending=0), []
    gate = Dedup(redis_client).reaction("C1", "3.3")
    assert admit(services, _job(1), gate=gate, wanted=lambda: True, tell=told.append, busy="busy") == "refused"
    assert told == ["busy"] and gate.enter() is True


def test_a_check_refused_by_a_full_queue_does_not_count_against_the_limits(
    settings: Settings, redis_client: redis.Redis
) -> None:
    limited = dataclasses.replace(settings, user_limit=1)
    full, told = _services(limited, redis_client, max_pending=0), []
    assert admit(full, _job(1), limited=True, tell=told.append, busy="busy") == "refused"
    assert admit(_services(limited, redis_client), _job(2), limited=True, tell=told.append, busy="busy") == "queued"
    assert told == ["busy"]


def test_an_admission_is_one_redis_round_trip_and_lands_in_the_intake(
    settings: Settings, redis_client: redis.Redis
) -> None:
    """Gate, limits, depth and the push run in one script: under a burst of commands each round trip
    costs the ack CPU (and a wait for the GIL), so the count is pinned here."""
    services, told = _services(dataclasses.replace(settings, user_limit=5, channel_limit=5), redis_client), []
    admit(services, _job(0), gate=Dedup(redis_client).command("0.0"), limited=True, tell=told.append, busy="b")
    seen: list[dict] = []
    ready = threading.Event()

    def watch() -> None:
        with redis_client.monitor() as monitor:
            ready.set()
            for command in monitor.listen():
                if command["command"] == "PING":
                    break
                seen.append(command)

    watcher = threading.Thread(target=watch)
    watcher.start()
    ready.wait(5)
    time.sleep(0.1)
    gate = Dedup(redis_client).command("1.1")
    assert admit(services, _job(1), gate=gate, limited=True, tell=told.append, busy="b") == "queued"
    redis_client.ping()
    watcher.join(5)
    handshakes = ("HELLO", "CLIENT")  # a new connection's (the ping's), not a command of the ack's
    from_the_ack = [c["command"].split()[0] for c in seen if c.get("client_type") != "lua"]
    from_the_ack = [name for name in from_the_ack if name not in handshakes]
    assert from_the_ack == ["EVALSHA"], from_the_ack
    assert told == [] and services.queue.depth() == 2
    assert Job.model_validate_json(redis_client.lindex(services.queue.intake_key, 0)) == _job(1)
