"""A local stand-in for the Slack Web API, speaking the real wire format over real HTTP.

    with SlackAPIStandIn(token="xoxb-test") as slack:
        client = WebClient(token="xoxb-test", base_url=slack.base_url)
        slack.seed_message("C1", {"ts": "1700000000.000100", "user": "U1", "text": "..."})
        slack.fail("chat.postMessage", status=429, times=1)   # then a normal answer
        slack.calls_to("chat.postMessage")                      # every call, parsed

Bodies may be form-encoded or JSON (slack_sdk sends chat.* methods as JSON), GET query strings too;
the token must come as ``Authorization: Bearer`` (or a ``token`` parameter). Answers are JSON
``{"ok": true, ...}``. Slack's message limits are enforced the way Slack reports them, so a test that
passes here proves the bot splits long checklists: more than 50 blocks or an over-long block text ->
``invalid_blocks``; ``text`` over 40,000 -> ``msg_too_long``; block text over 13,000 in total ->
``msg_blocks_too_long``. ``POST /response_url/...`` takes slash-command responses.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3_000
MAX_HEADER_TEXT = 150
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2_000
MAX_ID = 255
MAX_CONTEXT_ELEMENT = 2_000
MAX_MESSAGE_TEXT = 40_000
MAX_BLOCKS_TEXT = 13_000

BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
TEAM_ID = "T1"


@dataclass
class Call:
    method: str  # "chat.postMessage", or "response_url" for slash-command responses
    params: dict[str, Any]
    headers: dict[str, str]  # lower-cased names
    path: str = ""
    status: int = 200
    error: str | None = None  # Slack's error code when ok was false
    at: float = field(default_factory=time.monotonic)


@dataclass
class _Fault:
    status: int
    times: int
    retry_after: int | None


def _block_texts(value: Any) -> list[str]:
    """Every ``text`` string inside blocks (text objects and plain strings), for the total-text limit."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "text" and isinstance(item, str):
                found.append(item)
            else:
                found.extend(_block_texts(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(_block_texts(item))
    return found


def validate_message(params: dict[str, Any]) -> str | None:
    """Slack's error code for this chat.postMessage/chat.update payload, or None when it would pass."""
    text = params.get("text") or ""
    blocks = params.get("blocks")
    if isinstance(blocks, str):
        try:
            blocks = json.loads(blocks)
        except ValueError:
            return "invalid_blocks_format"
    if not text and not blocks:
        return "no_text"
    if len(text) > MAX_MESSAGE_TEXT:
        return "msg_too_long"
    if blocks is None:
        return None
    if not isinstance(blocks, list) or len(blocks) > MAX_BLOCKS:
        return "invalid_blocks"
    for block in blocks:
        if not isinstance(block, dict) or "type" not in block:
            return "invalid_blocks"
        if len(block.get("block_id") or "") > MAX_ID:
            return "invalid_blocks"
        kind = block["type"]
        if kind == "section":
            body = (block.get("text") or {}).get("text") or ""
            if len(body) > MAX_SECTION_TEXT or (not body and not block.get("fields")):
                return "invalid_blocks"
        elif kind == "header":
            if len((block.get("text") or {}).get("text") or "") > MAX_HEADER_TEXT:
                return "invalid_blocks"
        elif kind == "context":
            elements = block.get("elements") or []
            if not elements or len(elements) > 10:
                return "invalid_blocks"
            if any(len(e.get("text") or "") > MAX_CONTEXT_ELEMENT for e in elements):
                return "invalid_blocks"
        elif kind == "actions":
            elements = block.get("elements") or []
            if not elements or len(elements) > 25:
                return "invalid_blocks"
            for element in elements:
                if len((element.get("text") or {}).get("text") or "") > MAX_BUTTON_TEXT:
                    return "invalid_blocks"
                if len(element.get("value") or "") > MAX_BUTTON_VALUE:
                    return "invalid_blocks"
                if len(element.get("action_id") or "") > MAX_ID:
                    return "invalid_blocks"
    if sum(len(t) for t in _block_texts(blocks)) > MAX_BLOCKS_TEXT:
        return "msg_blocks_too_long"
    return None


class SlackAPIStandIn:
    def __init__(self, token: str = "xoxb-test", host: str = "127.0.0.1", app_token: str = "xapp-test") -> None:
        self.token = token
        self.app_token = app_token  # Socket Mode: apps.connections.open takes this token, no other
        self.socket_url: str | None = None  # what apps.connections.open hands out (a SocketModeStandIn's url)
        self.calls: list[Call] = []
        self.messages: dict[str, list[dict[str, Any]]] = {}  # channel -> messages (seeded and posted)
        self.not_in_channel: set[str] = set()  # channels where every call answers not_in_channel
        self.latency_seconds = 0.0  # every chat.* call waits this long first (a slow Slack keeps workers busy)
        self._faults: dict[str, list[_Fault]] = {}
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._ts = itertools.count(1)
        self._server = ThreadingHTTPServer((host, 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None
        self.root = f"http://{host}:{self._server.server_port}"
        self.base_url = f"{self.root}/api/"

    # -- lifecycle ---------------------------------------------------------------------------------
    def start(self) -> SlackAPIStandIn:
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> SlackAPIStandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- scripting ---------------------------------------------------------------------------------
    def fail(self, method: str, status: int = 429, times: int = 1, retry_after: int | None = 1) -> None:
        """The next ``times`` calls to ``method`` answer ``status`` (429 with ``Retry-After``)."""
        with self._lock:
            self._faults.setdefault(method, []).append(_Fault(status, times, retry_after if status == 429 else None))

    def seed_message(self, channel: str, message: dict[str, Any]) -> dict[str, Any]:
        message = {"type": "message", **message}
        with self._lock:
            self.messages.setdefault(channel, []).append(message)
        return message

    def response_url(self, name: str = "1") -> str:
        return f"{self.root}/response_url/{TEAM_ID}/{name}"

    # -- assertions --------------------------------------------------------------------------------
    def calls_to(self, method: str, ok_only: bool = True) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method and (not ok_only or c.error is None)]

    def wait_for(self, predicate: Callable[[SlackAPIStandIn], Any], timeout: float = 15.0) -> Any:
        """Poll ``predicate`` (re-evaluated on every recorded call) until truthy or the deadline."""
        deadline = time.monotonic() + timeout
        while True:
            result = predicate(self)
            if result:
                return result
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"timed out after {timeout}s; calls: {[c.method for c in self.calls]}")
            with self._changed:
                self._changed.wait(min(remaining, 0.2))

    def thread_messages(self, channel: str, thread_ts: str) -> list[dict[str, Any]]:
        """Messages now in a thread (posted replies, with chat.update applied), oldest first."""
        with self._lock:
            replies = self.messages.get(channel, [])
            return [m for m in replies if m.get("thread_ts") == thread_ts and m["ts"] != thread_ts]

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        with self._lock:
            return next((m for m in self.messages.get(channel, []) if m.get("ts") == ts), None)

    # -- the API -----------------------------------------------------------------------------------
    def _next_ts(self) -> str:
        return f"1800000000.{next(self._ts):06d}"

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        channel = params.get("channel")
        if channel in self.not_in_channel and method != "auth.test":
            return {"ok": False, "error": "not_in_channel"}
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://example.slack.com/",
                "team": "Example",
                "user": "factcheck",
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
            }
        if method in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
            if not channel:
                return {"ok": False, "error": "channel_not_found"}
            error = validate_message(params)
            if error:
                return {"ok": False, "error": error}
            blocks = params.get("blocks")
            blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
            if method == "chat.postEphemeral":
                return {"ok": True, "message_ts": self._next_ts()}
            if method == "chat.update":
                target = next((m for m in self.messages.get(channel, []) if m.get("ts") == params.get("ts")), None)
                if target is None:
                    return {"ok": False, "error": "message_not_found"}
                target.update(text=params.get("text") or "", blocks=blocks, edited=True)
                return {"ok": True, "channel": channel, "ts": target["ts"], "text": target["text"]}
            ts = self._next_ts()
            message = {
                "type": "message",
                "ts": ts,
                "user": BOT_USER_ID,
                "bot_id": BOT_ID,
                "text": params.get("text") or "",
                "blocks": blocks,
            }
            if params.get("thread_ts"):
                message["thread_ts"] = params["thread_ts"]
            self.messages.setdefault(channel, []).append(message)
            return {"ok": True, "channel": channel, "ts": ts, "message": message}
        if method == "conversations.history":
            messages = [m for m in self.messages.get(channel, []) if m.get("thread_ts") in (None, m["ts"])]
            return {"ok": True, "messages": self._window(messages, params), "has_more": False}
        if method == "conversations.replies":
            ts = params.get("ts")
            parent = next((m for m in self.messages.get(channel, []) if m["ts"] == ts), None)
            if parent is None:
                return {"ok": False, "error": "thread_not_found"}
            root = parent.get("thread_ts") or ts
            thread = [m for m in self.messages.get(channel, []) if m["ts"] == root or m.get("thread_ts") == root]
            window = self._window(thread, params)
            return {"ok": True, "messages": window[::-1], "has_more": False}
        return {"ok": False, "error": "unknown_method"}

    @staticmethod
    def _window(messages: list[dict[str, Any]], params: dict[str, Any]) -> list[dict[str, Any]]:
        """Newest first, within latest/oldest (inclusive when asked), at most ``limit``."""
        inclusive = str(params.get("inclusive", "")).lower() in ("1", "true")
        latest, oldest = params.get("latest"), params.get("oldest")
        out = []
        for m in sorted(messages, key=lambda m: float(m["ts"]), reverse=True):
            ts = float(m["ts"])
            if latest is not None and (ts > float(latest) or (ts == float(latest) and not inclusive)):
                continue
            if oldest is not None and (ts < float(oldest) or (ts == float(oldest) and not inclusive)):
                continue
            out.append(m)
        return out[: int(params.get("limit") or 100)]

    def _handle(self, path: str, query: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
        params: dict[str, Any] = dict(parse_qsl(query))
        content_type = headers.get("content-type", "")
        if body:
            if "json" in content_type:
                params.update(json.loads(body))
            else:
                params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        if path.startswith("/response_url/"):
            call = Call("response_url", params, headers, path)
            self._record(call)
            return 200, {"Content-Type": "text/plain"}, b"ok"
        if not path.startswith("/api/"):
            return 404, {}, b"not found"
        method = path[len("/api/") :]
        if self.latency_seconds and method.startswith("chat."):
            time.sleep(self.latency_seconds)
        call = Call(method, params, headers, path)
        with self._lock:
            faults = self._faults.get(method) or []
            if faults:
                fault = faults[0]
                fault.times -= 1
                if fault.times <= 0:
                    faults.pop(0)
                call.status, call.error = fault.status, f"http_{fault.status}"
                extra = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
                self.calls.append(call)
                self._changed.notify_all()
                body_out = json.dumps({"ok": False, "error": "ratelimited" if fault.status == 429 else "fatal_error"})
                return fault.status, {"Content-Type": "application/json", **extra}, body_out.encode()
            auth = headers.get("authorization", "")
            token = auth[len("Bearer ") :] if auth.startswith("Bearer ") else params.get("token")
            if not token:
                answer = {"ok": False, "error": "not_authed"}
            elif method == "apps.connections.open":
                answer = self._connections_open(token)
            elif token != self.token:
                answer = {"ok": False, "error": "invalid_auth"}
            else:
                answer = self._answer(method, params)
            call.error = None if answer.get("ok") else answer.get("error")
            self.calls.append(call)
            self._changed.notify_all()
        return 200, {"Content-Type": "application/json; charset=utf-8"}, json.dumps(answer).encode()

    def _connections_open(self, token: str) -> dict[str, Any]:
        if token == self.token:
            return {"ok": False, "error": "not_allowed_token_type"}  # Slack's answer to a bot token here
        if token != self.app_token or not self.socket_url:
            return {"ok": False, "error": "invalid_auth"}
        return {"ok": True, "url": self.socket_url}

    def _record(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)
            self._changed.notify_all()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, out_headers, out = standin._handle(url.path, url.query, headers, body)
                self.send_response(status)
                for name, value in out_headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            do_GET = do_POST = _serve

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler
