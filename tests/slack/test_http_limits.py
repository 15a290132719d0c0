"""The HTTP server's limits, over real sockets: body cap before reading, junk, idle and half-open
connections, unsigned requests, and a SIGTERM stop that half-open connections cannot hold up."""

from __future__ import annotations

import contextlib
import dataclasses
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from bot.config import Settings
from standins.slack_api import SlackAPIStandIn
from standins.slack_driver import ARTICLE, CHANNEL, EDITOR, ROOT, SECRET, Bot, process_env, start_bot, wait_until
from tests.slack.test_server import _free_port, _health

CAP = 64 * 1024


@pytest.fixture
def capped(settings: Settings, redis_client: redis.Redis, slack: SlackAPIStandIn) -> Iterator[Bot]:
    """The app with a small body cap and idle timeout, so the tests stay small and quick."""
    limited = dataclasses.replace(settings, http_max_body_bytes=CAP, http_idle_timeout_seconds=1, http_stop_seconds=2)
    instance = start_bot(limited, redis_client, slack)
    yield instance
    instance.drain()


def _connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.settimeout(10)
    return sock


def _status_line(sock: socket.socket) -> str:
    data = b""
    while b"\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data.split(b"\r\n", 1)[0].decode("latin-1")


def _head(length: str, extra: str = "") -> bytes:
    return (
        "POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {length}\r\n{extra}\r\n"
    ).encode()


def test_an_oversized_body_is_refused_before_it_is_sent(capped: Bot) -> None:
    # Only the headers go out: the answer must come without the server waiting for 50 MB that never comes.
    with _connect(capped.port) as sock:
        sock.sendall(_head(str(50 * 1024 * 1024)))
        assert _status_line(sock).startswith("HTTP/1.1 413")


def test_an_oversized_chunked_body_is_refused(capped: Bot) -> None:
    with _connect(capped.port) as sock:
        sock.sendall(
            b"POST /slack/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n\r\n"
        )
        chunk = b"a" * 8192
        try:
            for _ in range(2 * CAP // len(chunk)):
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed while we were still sending
        assert _status_line(sock).startswith("HTTP/1.1 413")


@pytest.mark.parametrize(
    "raw",
    [
        _head("abc") + b"x=1",
        _head("-5") + b"x=1",
        _head("12, 12") + b"payload=%7B",
        _head(str(len(b"payload={junk"))) + b"payload={junk",
        _head(str(len(b"payload=[1,2]"))) + b"payload=[1,2]",
        _head("5", "Content-Type: application/json\r\n") + b"{junk",
        b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"GARBAGE\r\n\r\n",
    ],
    ids=["cl-letters", "cl-negative", "cl-twice", "payload-junk", "payload-list", "json-junk", "cl-and-te", "no-line"],
)
def test_malformed_requests_get_400_never_a_traceback(capped: Bot, raw: bytes) -> None:
    with _connect(capped.port) as sock:
        sock.sendall(raw)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
            if b"\r\n\r\n" in data and len(data) > 200:
                break
    assert data.split(b"\r\n", 1)[0] in (b"HTTP/1.1 400 Bad Request", b"HTTP/1.0 400 Bad Request"), data[:200]
    assert b"Traceback" not in data and b"File \"" not in data
    assert capped.request("GET", "/healthz").status == 200  # and the server is fine


def test_signed_junk_is_400_and_unsigned_commands_are_refused(capped: Bot) -> None:
    for junk in ("payload={junk", "team=T1&payload=%7Bjunk", "payload=[1,2]", "{junk"):
        assert capped.signed_post(junk, "application/x-www-form-urlencoded").status == 400, junk
    form = urllib.parse.urlencode(
        {"command": "/factcheck", "user_id": EDITOR, "channel_id": CHANNEL, "trigger_id": "1.2.3", "text": ARTICLE}
    )
    form_type = {"Content-Type": "application/x-www-form-urlencoded"}
    unsigned = capped.request("POST", "/slack/events", form.encode(), form_type)
    forged = capped.signed_post(form, "application/x-www-form-urlencoded", secret="not-the-secret")
    assert unsigned.status == 401 and forged.status == 401
    capped.drain()
    assert capped.slack.calls_to("chat.postMessage") == []  # nothing was queued or posted


def test_idle_and_half_sent_connections_are_closed(capped: Bot) -> None:
    # Idle timeout 1 s: a connection that sent half its headers, or half its body, is closed by the server.
    socks = [_connect(capped.port) for _ in range(3)]
    socks[0].sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\n")
    socks[1].sendall(_head("1000") + b"x=1")
    try:
        for sock in socks:  # recv times out after 10 s (a failure) unless the server closes first
            with contextlib.suppress(ConnectionResetError):  # closed less politely: also fine
                assert sock.recv(4096) == b""
    finally:
        for sock in socks:
            sock.close()
    assert capped.request("GET", "/healthz").status == 200


def test_sigterm_stops_within_the_bound_despite_half_open_connections(
    slack: SlackAPIStandIn, redis_client: redis.Redis, tmp_path: Path
) -> None:
    port = _free_port()
    env = process_env(
        slack,
        redis_client,
        tmp_path,
        SLACK_SIGNING_SECRET=SECRET,
        PORT=str(port),
        FACTCHECK_HTTP_STOP_SECONDS="2",
        FACTCHECK_HTTP_IDLE_TIMEOUT="600",  # the idle timeout must not be what frees them
    )
    process = subprocess.Popen([sys.executable, "-m", "bot", "serve"], env=env, cwd=ROOT, stderr=subprocess.PIPE)
    socks: list[socket.socket] = []
    try:
        assert wait_until(lambda: _health(port), timeout=30)
        for n in range(60):  # half-sent headers, half-sent bodies, idle keep-alive
            sock = _connect(port)
            sock.sendall([b"POST /slack/events HTTP/1.1\r\n", _head("100000") + b"x=", b""][n % 3])
            socks.append(sock)
        time.sleep(0.5)  # all accepted
        process.send_signal(signal.SIGTERM)
        # The bound: FACTCHECK_HTTP_STOP_SECONDS (2) plus the idle workers' stop; wsgiref waited for the clients.
        assert process.wait(timeout=20) == 0
    finally:
        for sock in socks:
            sock.close()
        if process.poll() is None:
            process.kill()
            process.wait()
        assert process.stderr is not None
        process.stderr.close()


def test_serving_freezes_what_startup_built_out_of_full_collections_and_stop_releases_it(
    settings: Settings, redis_client: redis.Redis, slack: SlackAPIStandIn
) -> None:
    """A full cyclic collection stops every thread; with startup's objects frozen it scans only what
    requests allocate (27 ms -> under 1 ms in a serve-sized process), which is what a burst's p99 sees."""
    import gc

    gc.unfreeze()
    bot = start_bot(settings, redis_client, slack)
    try:
        assert gc.get_freeze_count() > 10_000  # the modules, the app, the services
    finally:
        bot.drain()
    assert gc.get_freeze_count() == 0
