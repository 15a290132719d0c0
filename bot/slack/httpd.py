"""The HTTP server: waitress, hosted in a thread of this process, with limits and a bounded stop.

waitress reads requests in one I/O thread (non-blocking sockets) and hands only complete requests
to its pool of application threads, so slow or half-sent requests never hold an application thread.
It refuses a body larger than ``max_body_bytes`` from its Content-Length header before reading it
(413), counts chunked bodies as they arrive, answers 400 to malformed requests, and closes
connections idle for ``idle_timeout_seconds``. Past ``max_connections`` it stops accepting (the
kernel backlog holds the rest) until some close.

``stop()`` is bounded: it closes the listening socket at once, lets requests already handed to the
application finish for at most ``stop_seconds``, then closes every connection (half-sent requests
included: they were never acked, so Slack retries them) and returns.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server

log = logging.getLogger(__name__)

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
_POLL_SECONDS = 0.5  # the I/O loop wakes at least this often (maintenance, stop), and at once when pulled
_CLEANUP_SECONDS = 2  # how often idle connections are looked for: the idle timeout is late by at most this


class _AtMostEvery(logging.Filter):
    """waitress warns "Task queue depth is N" for every request that waits for a thread: under a burst
    that is hundreds of lines. One a minute still tells an operator that FACTCHECK_HTTP_THREADS is short."""

    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds, self.last = seconds, -seconds

    def filter(self, record: logging.LogRecord) -> bool:
        now = time.monotonic()
        if now - self.last < self.seconds:
            return False
        self.last = now
        return True


logging.getLogger("waitress.queue").addFilter(_AtMostEvery(60.0))


@dataclass(frozen=True)
class HttpLimits:
    threads: int = 32  # application threads: requests handled at once (each only acks and enqueues)
    max_connections: int = 500  # open connections; past it the server stops accepting until some close
    max_body_bytes: int = 4 * 1024 * 1024  # an article at FACTCHECK_MAX_CHARS, form-encoded, fits
    idle_timeout_seconds: int = 30  # a connection silent this long is closed (half-sent requests too)
    stop_seconds: float = 5.0  # on stop, requests in the application get this long to finish


class HttpServer:
    """One listening socket served by waitress; ``server_port`` is the bound port (useful with ``port=0``)."""

    def __init__(self, app: WSGIApp, host: str, port: int, limits: HttpLimits) -> None:
        self.limits = limits
        self._map: dict[int, Any] = {}
        self._server: BaseWSGIServer = create_server(
            app,
            map=self._map,
            host=host,
            port=port,
            threads=limits.threads,
            connection_limit=limits.max_connections,
            max_request_body_size=limits.max_body_bytes,
            max_request_header_size=64 * 1024,
            channel_timeout=limits.idle_timeout_seconds,
            cleanup_interval=_CLEANUP_SECONDS,
            asyncore_use_poll=True,  # select() fails past 1,024 file descriptors
            expose_tracebacks=False,
            ident="factcheck",
        )
        self.server_port: int = int(self._server.effective_port)
        self._stopping = threading.Event()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fc-http", daemon=True)

    def start(self) -> threading.Thread:
        # What the process built before serving (modules, compiled patterns, lexicons, the app) lives
        # as long as it does: moved out of the cyclic collector's reach, a full collection during a
        # burst scans only what requests allocate (measured: 27 ms -> under 1 ms, a stop of every thread).
        gc.collect()
        gc.freeze()
        self._thread.start()
        return self._thread

    def _run(self) -> None:
        try:
            while not self._stopping.is_set():
                wasyncore.loop(timeout=_POLL_SECONDS, map=self._map, use_poll=True, count=1)
            self._drain()
        finally:
            self._stopped.set()

    def _channels(self) -> list[HTTPChannel]:
        return [c for c in list(self._map.values()) if isinstance(c, HTTPChannel)]

    def _drain(self) -> None:
        """In the I/O thread: no new connections; finish what the application holds, within the bound."""
        wasyncore.dispatcher.close(self._server)  # the listening socket only: the trigger still wakes the loop
        deadline = time.monotonic() + self.limits.stop_seconds
        for channel in self._channels():
            if not channel.requests:  # idle keep-alive or half-sent: nothing was acked on it
                channel.handle_close()
        while time.monotonic() < deadline and any(c.requests or c.total_outbufs_len for c in self._channels()):
            wasyncore.loop(timeout=0.1, map=self._map, use_poll=True, count=1)
        left = self._channels()
        if left:
            log.warning("HTTP stop: closing %d busy connection(s) after %.0f s", len(left), self.limits.stop_seconds)
        for channel in left:
            channel.handle_close()
        self._server.task_dispatcher.shutdown(cancel_pending=True, timeout=1.0)
        self._server.trigger.close()
        wasyncore.close_all(self._map)

    def stop(self) -> None:
        """Returns within about ``stop_seconds`` + 2 s, whatever the clients do."""
        self._stopping.set()
        with contextlib.suppress(OSError):  # the loop still wakes within _POLL_SECONDS
            self._server.pull_trigger()
        self._stopped.wait(timeout=self.limits.stop_seconds + 2.0)
        gc.unfreeze()  # a process that serves again later (tests, embedders) can collect what it dropped
