"""The ack path's script runner (``store.HeldConnectionScripts``) on a real, test-owned redis-server:
one connection per thread, reused; a script the server forgot is loaded again; a restarted server
costs no failed call; a frozen one fails within the request client's timeout."""

from __future__ import annotations

import threading
import time

import pytest
import redis
from redis.commands.core import Script

from bot import store
from tests.redis_process import RedisProcess, redis_process

__all__ = ["redis_process"]  # fixture used here

COUNT = Script(None, b"return redis.call('INCR', KEYS[1])")  # type: ignore[arg-type]


def clients(client: redis.Redis) -> int:
    return len(client.client_list())


def test_each_thread_holds_one_connection_reuses_it_and_close_ends_them(redis_process: RedisProcess) -> None:
    admin = store.connect(redis_process.url)
    scripts = store.HeldConnectionScripts(store.request_client(admin))
    before = clients(admin)
    counted, done = threading.Barrier(4), threading.Event()

    def calls() -> None:
        for _ in range(50):
            scripts.run(COUNT, ["n"], [])
        counted.wait()
        done.wait(5)

    threads = [threading.Thread(target=calls) for _ in range(3)]
    for thread in threads:
        thread.start()
    for _ in range(50):
        scripts.run(COUNT, ["n"], [])
    counted.wait()
    try:
        assert int(admin.get("n")) == 200
        assert clients(admin) == before + 4  # this thread's and the three others', not one per call
    finally:
        done.set()
        for thread in threads:
            thread.join()
    scripts.close()
    # serve's stop closes them (the embedded server waits for no client); the server lists them a moment longer
    deadline = time.monotonic() + 2
    while clients(admin) != before and time.monotonic() < deadline:
        time.sleep(0.01)
    assert clients(admin) == before


def test_a_script_the_server_forgot_is_loaded_again(redis_process: RedisProcess) -> None:
    admin = store.connect(redis_process.url)
    scripts = store.HeldConnectionScripts(store.request_client(admin))
    assert scripts.run(COUNT, ["n"], []) == 1
    admin.script_flush()
    assert scripts.run(COUNT, ["n"], []) == 2
    assert scripts.run(COUNT, ["n"], []) == 3  # by its hash again


def test_a_restarted_server_costs_no_failed_call(redis_process: RedisProcess) -> None:
    admin = store.connect(redis_process.url)
    scripts = store.HeldConnectionScripts(store.request_client(admin))
    assert scripts.run(COUNT, ["n"], []) == 1
    redis_process.stop()
    redis_process.start()  # the held socket is now closed by the old server
    assert scripts.run(COUNT, ["n"], []) == 2  # append-only: the count survived, and the call went through


def test_a_frozen_server_fails_the_call_within_the_timeout_and_the_next_one_recovers(
    redis_process: RedisProcess,
) -> None:
    admin = store.connect(redis_process.url)
    scripts = store.HeldConnectionScripts(store.request_client(admin, timeout=0.3))
    assert scripts.run(COUNT, ["n"], []) == 1
    redis_process.freeze()
    try:
        started = time.monotonic()
        with pytest.raises(redis.TimeoutError):
            scripts.run(COUNT, ["n"], [])
        assert time.monotonic() - started < 1.0
    finally:
        redis_process.thaw()
    assert scripts.run(COUNT, ["n"], []) >= 2  # a new socket: the half-read reply is not mistaken for this one
