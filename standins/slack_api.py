"""A local stand-in for the Slack Web API, speaking the real wire format over real HTTP.

    with SlackAPIStandIn(token="xoxb-test") as slack:
        client = WebClient(token="xoxb-test", base_url=slack.base_url)
        slack.seed_message("C1", {"ts": "1700000000.000100", "user": "U1", "text": "..."})
        slack.fail("chat.postMessage", status=429, times=1)   # then a normal answer
        slack.fail("chat.postMessage", status=500, store=True)  # ambiguous: stored, yet answered 500
        slack.fail("chat.postMessage", drop=True)               # stored, then the connection is dropped
        slack.calls_to("chat.postMessage")                      # every call, parsed

Bodies may be form-encoded or JSON (slack_sdk sends chat.* methods as JSON), GET query strings too;
the token must come as ``Authorization: Bearer`` (or a ``token`` parameter). Answers are JSON
``{"ok": true, ...}``. Slack's message limits are enforced the way Slack reports them, so a test that
passes here proves the bot splits long checklists: more than 50 blocks or an over-long block text ->
``invalid_blocks``; ``text`` over 40,000 -> ``msg_too_long``; block text over 13,000 in total ->
``msg_blocks_too_long``. ``POST /response_url/...`` takes slash-command responses. Message ``metadata``
given to chat.postMessage/chat.update is kept and returned by conversations.history/.replies when
they are called with ``include_all_metadata``.

Files: ``slack.seed_file(name, content, mimetype)`` returns a Slack file object whose
``url_private_download`` this server serves to ``Authorization: Bearer <token>`` only; without it (or
with another token) the answer is Slack's: ``200`` with an HTML sign-in page (setting
``download_token`` makes the bot's token a wrong one). ``files.info`` answers for seeded files;
``views.open`` and ``views.publish`` are recorded in ``views``.
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
    store: bool = False  # perform the call first (Slack stored the message), then answer ``status``
    drop: bool = False  # perform the call, then close the connection without an answer


class _Drop(Exception):
    """Raised inside the handler: close the connection without writing a response."""


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


def _metadata(value: Any) -> dict[str, Any]:
    return json.loads(value) if isinstance(value, str) else dict(value)


def _true(value: Any) -> bool:
    return str(value).lower() in ("1", "true")


def _shown(messages: list[dict[str, Any]], params: dict[str, Any]) -> list[dict[str, Any]]:
    """Messages as history/replies return them: ``metadata`` only with ``include_all_metadata``."""
    if _true(params.get("include_all_metadata", "")):
        return [dict(m) for m in messages]
    return [{k: v for k, v in m.items() if k != "metadata"} for m in messages]


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
        self.missing_channels: set[str] = set()  # channels where every call answers channel_not_found
        self.latency_seconds = 0.0  # every chat.* call waits this long first (a slow Slack keeps workers busy)
        self._faults: dict[str, list[_Fault]] = {}
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._ts = itertools.count(1)
        self.views: list[dict[str, Any]] = []  # views.open / views.publish, in order: {"method", "view", ...}
        self.reactions: dict[tuple[str, str], set[str]] = {}  # (channel, ts) -> the bot's reactions on it
        self.files: dict[str, dict[str, Any]] = {}  # file_id -> {"filename", "length", "content", "title", ...}
        self.seeded_files: dict[str, tuple[dict[str, Any], bytes]] = {}  # file id -> (file object, content)
        self.download_token: str | None = None  # the token file downloads accept (default: ``token``)
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
    def fail(
        self,
        method: str,
        status: int = 429,
        times: int = 1,
        retry_after: int | None = 1,
        *,
        store: bool = False,
        drop: bool = False,
    ) -> None:
        """The next ``times`` calls to ``method`` answer ``status`` (429 with ``Retry-After``).

        ``store``: the call is carried out first (a posted message is kept) and only then answered with
        ``status``: Slack's ambiguous 5xx. ``drop``: carried out, then the connection is closed unanswered."""
        fault = _Fault(status, times, retry_after if status == 429 else None, store=store or drop, drop=drop)
        with self._lock:
            self._faults.setdefault(method, []).append(fault)

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
        if channel in self.missing_channels and method != "auth.test":
            return {"ok": False, "error": "channel_not_found"}
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
                if params.get("metadata"):
                    target["metadata"] = _metadata(params["metadata"])
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
            if params.get("metadata"):
                message["metadata"] = _metadata(params["metadata"])
            self.messages.setdefault(channel, []).append(message)
            return {"ok": True, "channel": channel, "ts": ts, "message": message}
        if method == "conversations.history":
            messages = [m for m in self.messages.get(channel, []) if m.get("thread_ts") in (None, m["ts"])]
            return {"ok": True, "messages": _shown(self._window(messages, params), params), "has_more": False}
        if method == "conversations.replies":
            ts = params.get("ts")
            parent = next((m for m in self.messages.get(channel, []) if m["ts"] == ts), None)
            if parent is None:
                return {"ok": False, "error": "thread_not_found"}
            root = parent.get("thread_ts") or ts
            thread = [m for m in self.messages.get(channel, []) if m["ts"] == root or m.get("thread_ts") == root]
            window = self._window(thread, params)
            return {"ok": True, "messages": _shown(window[::-1], params), "has_more": False}
        if method == "files.info":
            return self._files_info(params)
        return self._desk_answer(method, params)

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
        if path.startswith("/upload/"):  # step 2 of files_upload_v2: the raw bytes, no token
            return self._upload(path, body)
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
        if path.startswith("/files-pri/"):
            return self._download(path, headers)
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
                if fault.store:
                    self._answer(method, params)  # Slack did the work; only the answer is lost
                call.status, call.error = fault.status, f"http_{fault.status}"
                if fault.drop:
                    call.status, call.error = 0, "dropped"
                    self.calls.append(call)
                    self._changed.notify_all()
                    raise _Drop()
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

    # -- files and views (added for message files, the shortcut and the modal) -------------------
    def seed_file(
        self, name: str, content: bytes, mimetype: str, *, filetype: str = "", mode: str = "hosted", **extra: Any
    ) -> dict[str, Any]:
        """A file as Slack describes it in a message's ``files``; its bytes are served at ``url_private_download``."""
        with self._lock:
            file_id = f"F{len(self.seeded_files) + 1:07d}"
            url = f"{self.root}/files-pri/{TEAM_ID}-{file_id}/download/{name}"
            obj: dict[str, Any] = {
                "id": file_id,
                "name": name,
                "title": name,
                "mimetype": mimetype,
                "filetype": filetype or name.rsplit(".", 1)[-1].lower(),
                "size": len(content),
                "mode": mode,
                "url_private": url.replace("/download/", "/"),
                "url_private_download": url,
                **extra,
            }
            self.seeded_files[file_id] = (obj, content)
        return dict(obj)

    def _files_info(self, params: dict[str, Any]) -> dict[str, Any]:
        found = self.seeded_files.get(str(params.get("file") or ""))
        return {"ok": True, "file": dict(found[0])} if found else {"ok": False, "error": "file_not_found"}

    def _download(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        """A file's bytes for the right bearer token; Slack's sign-in page (200, HTML) for anything else."""
        call = Call("files.download", {}, headers, path)
        file_id = path.split("/")[2].split("-", 1)[-1]
        found = self.seeded_files.get(file_id)
        if headers.get("authorization") != f"Bearer {self.download_token or self.token}":
            call.error = "not_authed"
            self._record(call)
            page = b"<!DOCTYPE html><html><head><title>Slack</title></head><body><h1>Sign in to Slack</h1>"
            page += b"<p>Enter your workspace's Slack URL to continue.</p></body></html>"
            return 200, {"Content-Type": "text/html; charset=utf-8"}, page
        if found is None:
            call.error = "file_not_found"
            self._record(call)
            return 404, {"Content-Type": "text/plain"}, b"not found"
        self._record(call)
        obj, content = found
        disposition = f'attachment; filename="{obj["name"]}"'
        return 200, {"Content-Type": obj["mimetype"], "Content-Disposition": disposition}, content

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                try:
                    status, out_headers, out = standin._handle(url.path, url.query, headers, body)
                except _Drop:
                    self.close_connection = True
                    return
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

    # -- the desk workflow: views, reactions, permalinks, external file uploads --------------------------
    def files_in_thread(self, channel: str, thread_ts: str) -> list[dict[str, Any]]:
        """Files shared into a thread by files.completeUploadExternal, with their uploaded bytes."""
        with self._lock:
            return [f for f in self.files.values() if f.get("channel") == channel and f.get("thread_ts") == thread_ts]

    def _desk_answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """Called with the lock held, for methods ``_answer`` does not know."""
        if method in ("views.open", "views.publish"):
            view = params.get("view")
            view = json.loads(view) if isinstance(view, str) else view
            if method == "views.open" and not params.get("trigger_id"):
                return {"ok": False, "error": "invalid_trigger_id"}
            if method == "views.publish" and not params.get("user_id"):
                return {"ok": False, "error": "user_not_found"}
            error = validate_view(view)
            if error:
                return {"ok": False, "error": error}
            self.views.append({"method": method, "view": view, "user_id": params.get("user_id")})
            return {"ok": True, "view": {"id": f"V{len(self.views)}", **view}}
        if method in ("reactions.add", "reactions.remove"):
            key = (str(params.get("channel")), str(params.get("timestamp")))
            name = str(params.get("name") or "")
            on = self.reactions.setdefault(key, set())
            if method == "reactions.add":
                if name in on:
                    return {"ok": False, "error": "already_reacted"}
                on.add(name)
            else:
                if name not in on:
                    return {"ok": False, "error": "no_reaction"}
                on.discard(name)
            return {"ok": True}
        if method == "chat.getPermalink":
            channel, ts = params.get("channel"), str(params.get("message_ts") or "")
            link = f"https://example.slack.com/archives/{channel}/p{ts.replace('.', '')}"
            return {"ok": True, "channel": channel, "permalink": link}
        if method == "files.getUploadURLExternal":
            if not params.get("filename") or not str(params.get("length") or "").isdigit():
                return {"ok": False, "error": "invalid_arguments"}
            file_id = f"F{len(self.files) + 1:08d}"
            self.files[file_id] = {"id": file_id, "filename": params["filename"], "length": int(params["length"])}
            return {"ok": True, "file_id": file_id, "upload_url": f"{self.root}/upload/{file_id}"}
        if method == "files.completeUploadExternal":
            files = params.get("files")
            files = json.loads(files) if isinstance(files, str) else files or []
            shared = []
            for entry in files:
                record = self.files.get(entry.get("id"))
                if record is None or "content" not in record:
                    return {"ok": False, "error": "file_not_found"}
                record.update(
                    title=entry.get("title"),
                    channel=params.get("channel_id"),
                    thread_ts=params.get("thread_ts"),
                    initial_comment=params.get("initial_comment"),
                )
                shared.append({"id": record["id"], "name": record["filename"], "title": record["title"]})
            return {"ok": True, "files": shared}
        return {"ok": False, "error": "unknown_method"}

    def _upload(self, path: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
        file_id = path.rsplit("/", 1)[-1]
        with self._lock:
            record = self.files.get(file_id)
            self.calls.append(Call("upload", {"file_id": file_id, "bytes": len(body)}, {}, path))
            self._changed.notify_all()
            if record is None or len(body) != record["length"]:
                return 400, {"Content-Type": "text/plain"}, b"bad upload"
            record["content"] = body
        return 200, {"Content-Type": "text/plain"}, b"OK - " + str(len(body)).encode()


MAX_VIEW_BLOCKS = 100


def validate_view(view: Any) -> str | None:
    """Slack's answer to a view over its limits: 100 blocks; a modal's title 24 chars, metadata 3,000."""
    if not isinstance(view, dict) or view.get("type") not in ("modal", "home"):
        return "invalid_arguments"
    blocks = view.get("blocks") or []
    if len(blocks) > MAX_VIEW_BLOCKS:
        return "invalid_arguments"
    if view["type"] == "modal" and len((view.get("title") or {}).get("text") or "") > 24:
        return "invalid_arguments"
    if len(view.get("private_metadata") or "") > 3_000:
        return "invalid_arguments"
    if any(not isinstance(b, dict) or "type" not in b for b in blocks):
        return "invalid_blocks"
    return None
