"""The lifecycle the HTTP stand-ins share: a ThreadingHTTPServer served from a daemon thread, stopped at
once (handlers stalled on a scripted delay are woken through ``_stopping``), usable as a context manager."""

from __future__ import annotations

import threading
from http.server import ThreadingHTTPServer
from typing import Self


class ThreadedStandIn:
    """Subclasses set ``self._server`` (a ThreadingHTTPServer) in ``__init__`` and call ``super().__init__()``."""

    _server: ThreadingHTTPServer

    def __init__(self) -> None:
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> Self:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes handlers stalled on a scripted delay
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
