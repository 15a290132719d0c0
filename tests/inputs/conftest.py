"""Every test here runs with a guard: a connection to anything but 127.0.0.1 / ::1 fails the test.

The fetcher must refuse private and metadata addresses before it connects; the guard makes sure a
regression shows up as a failed test, never as a packet to another machine.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from standins.web_pages import WebPages


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    real_connect = socket.socket.connect

    def connect(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else None
        if host is not None and host not in ("127.0.0.1", "::1"):
            pytest.fail(f"a connection to {host} was attempted")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)


@pytest.fixture
def web() -> Iterator[WebPages]:
    with WebPages(slow_seconds=5.0) as pages:
        yield pages
