"""Dedup gates on a real Redis."""

from __future__ import annotations

import threading

import redis

from bot.slack.gates import Dedup


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
