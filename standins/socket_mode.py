"""A stand-in for Slack's Socket Mode WebSocket server (``wss://wss-primary.slack.com/link``).

It speaks the wire format slack_sdk's built-in Socket Mode client expects: an HTTP/1.1 upgrade
with ``Sec-WebSocket-Accept``, then a ``hello`` message, then envelopes as unmasked text frames;
the client answers each envelope with ``{"envelope_id": ..., "payload": ...}`` in masked frames,
and pings, which are answered with pongs. The client reaches it at the URL the Slack Web API
stand-in returns from ``apps.connections.open``; on a port other than 443 the client connects
without TLS (as slack_sdk does in its own tests).
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import socketserver
import struct
import threading
import time
import uuid
from typing import Any

_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455
TEXT, CLOSE, PING, PONG = 0x1, 0x8, 0x9, 0xA


def _frame(opcode: int, payload: bytes) -> bytes:
    """A final, unmasked frame (servers never mask)."""
    size = len(payload)
    if size < 126:
        head = struct.pack("!BB", 0x80 | opcode, size)
    elif size < 1 << 16:
        head = struct.pack("!BBH", 0x80 | opcode, 126, size)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 127, size)
    return head + payload


def _read_exact(stream: Any, size: int) -> bytes:
    data = stream.read(size)
    if len(data) < size:
        raise ConnectionError("the client closed the connection")
    return data


def _read_frame(stream: Any) -> tuple[int, bytes]:
    first, second = _read_exact(stream, 2)
    opcode, size = first & 0x0F, second & 0x7F
    if size == 126:
        (size,) = struct.unpack("!H", _read_exact(stream, 2))
    elif size == 127:
        (size,) = struct.unpack("!Q", _read_exact(stream, 8))
    mask = _read_exact(stream, 4) if second & 0x80 else b""
    payload = _read_exact(stream, size)
    if mask:
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return opcode, payload


class SocketModeStandIn:
    """``url`` is what ``apps.connections.open`` hands out; ``send_*`` deliver envelopes to the
    connected app; ``wait_ack`` returns the app's answer to one."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.acks: dict[str, dict[str, Any]] = {}
        self.connections = 0
        self._clients: list[tuple[socket.socket, threading.Lock]] = []
        self._changed = threading.Condition()
        self._server = socketserver.ThreadingTCPServer((host, 0), self._handler_class())
        self._server.daemon_threads = True
        self.url = f"ws://{host}:{self._server.server_address[1]}/link/?ticket=standin"
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------------
    def __enter__(self) -> SocketModeStandIn:
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with self._changed:
            for sock, _ in self._clients:
                sock.close()
        self._server.shutdown()
        self._server.server_close()

    # -- scripting ---------------------------------------------------------------------------------
    def wait_connected(self, timeout: float = 30.0) -> None:
        with self._changed:
            if not self._changed.wait_for(lambda: self._clients, timeout):
                raise AssertionError(f"no Socket Mode client connected within {timeout}s")

    def send_envelope(self, kind: str, payload: dict[str, Any], accepts_response_payload: bool = False) -> str:
        envelope_id = str(uuid.uuid4())
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "payload": payload,
            "type": kind,
            "accepts_response_payload": accepts_response_payload,
        }
        if kind == "events_api":
            envelope.update(retry_attempt=0, retry_reason="")
        self._send(json.dumps(envelope).encode("utf-8"))
        return envelope_id

    def wait_ack(self, envelope_id: str, timeout: float = 10.0) -> dict[str, Any]:
        with self._changed:
            if not self._changed.wait_for(lambda: envelope_id in self.acks, timeout):
                raise AssertionError(f"envelope {envelope_id} was not acknowledged within {timeout}s")
            return self.acks[envelope_id]

    def _send(self, data: bytes) -> None:
        with self._changed:
            sock, lock = self._clients[-1]
        with lock:
            sock.sendall(_frame(TEXT, data))

    # -- the server --------------------------------------------------------------------------------
    def _handler_class(self) -> type[socketserver.StreamRequestHandler]:
        standin = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                key = ""
                while (line := self.rfile.readline()) not in (b"\r\n", b"\n", b""):
                    name, _, value = line.decode("latin-1").partition(":")
                    if name.strip().lower() == "sec-websocket-key":
                        key = value.strip()
                accept = base64.b64encode(hashlib.sha1((key + _GUID).encode()).digest()).decode()
                self.wfile.write(
                    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    f"Sec-WebSocket-Accept: {accept}\r\n\r\n".encode()
                )
                lock = threading.Lock()
                hello = {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0STANDIN"},
                         "debug_info": {"host": "standin", "approximate_connection_time": 3600}}
                with lock:
                    self.request.sendall(_frame(TEXT, json.dumps(hello).encode()))
                with standin._changed:
                    standin._clients.append((self.request, lock))
                    standin.connections += 1
                    standin._changed.notify_all()
                try:
                    self._receive(lock)
                except (ConnectionError, OSError, ValueError):
                    pass
                finally:
                    with standin._changed:
                        standin._clients = [c for c in standin._clients if c[0] is not self.request]
                        standin._changed.notify_all()

            def _receive(self, lock: threading.Lock) -> None:
                while True:
                    opcode, payload = _read_frame(self.rfile)
                    if opcode == PING:
                        with lock:
                            self.request.sendall(_frame(PONG, payload))
                    elif opcode == CLOSE:
                        with lock:
                            self.request.sendall(_frame(CLOSE, payload[:2]))
                        return
                    elif opcode == TEXT:
                        message = json.loads(payload)
                        if "envelope_id" in message:
                            with standin._changed:
                                standin.acks[message["envelope_id"]] = {**message, "received_at": time.monotonic()}
                                standin._changed.notify_all()

        return Handler
