"""A local OpenAI-compatible server for tests and benchmarks: ``POST /v1/chat/completions``.

Real wire format, real HTTP: point the real ``openai`` client at ``server.base_url``.

    with OpenAIStandIn(api_key="sk-test") as server:
        server.script(Scripted.error(429, headers={"Retry-After": "1"}))  # first request
        ...                                                               # later: default responder
        server.requests  # every request: parsed JSON body + lower-cased headers

Scripted responses are served first, in order; with the queue empty the ``responder`` answers:
by default a rule-based "model" that reads the article out of the ``<article>`` tags and returns,
shaped to the requested ``json_schema``, a source item per sentence with an attribution verb and a
claim item per sentence with a digit (quotes verbatim). Without ``response_format`` it answers in
plain text quoting the article (the Q&A path). Token counts are characters / 4 of the messages'
content and of the completion. Latency: ``latency_seconds`` per request plus
``seconds_per_token`` per completion token.

It can also behave as llama.cpp's ``llama-server`` did with a small model (issue #12), each
behaviour on its own or all at once with ``OpenAIStandIn.like_llama_cpp()``:

- ``answer_as="SmolLM2-135M-Instruct"``: ignore the requested model name, answer as its own;
- ``loop=True``: a model stuck inside a JSON string, generating until the output limit
  (``max_completion_tokens``/``max_tokens``, else ``context_tokens``): ``finish_reason`` length,
  with usage; ``limit_output=True`` cuts any answer longer than the request's limit the same way
  (off by default: the rule-based "model" is far wordier per sentence than a real one);
- ``invent=True``: every quote invented (none is in the article);
- ``slots=1``: requests queue behind one slot (the time queued counts in the client's timeout), and
  ``GET /props`` says ``total_slots`` as llama.cpp does;
- a wrong path (a base URL without ``/v1``) answers 404 ``File Not Found``, as llama.cpp does;
- ``json_schema=False``: a server that refuses ``response_format`` ``json_schema`` with a 400
  (llama-cpp-python's server takes only ``json_object``).
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standins.threaded import ThreadedStandIn

Responder = Callable[[dict[str, Any]], str]

_ARTICLE = re.compile(r"<article>\n?(.*?)\n?</article>", re.DOTALL)
_SENTENCE = re.compile(r"[^\s.!?*•-][^.!?\n]*(?:[.!?]+[\"”’)]*|$)", re.MULTILINE)  # skips list bullets
_ATTRIBUTION = re.compile(r"\b(said|says|according to|told|reported|reports|independently verify)\b", re.IGNORECASE)
_HEDGES = ("reportedly", "about", "could", "may", "might", "allegedly", "estimated", "nearly", "roughly")
HALLUCINATED_QUOTE = "The minister resigned in disgrace on Tuesday, sources said."
INVENTED_QUOTES = (
    "The harbour authority confirmed 1,200 jobs were lost in the first week.",
    "Officials said the strike cost the port about $3 million a day.",
)
LOOP_TEXT = '{"claims": [{"quote": "' + "the " * 50  # repeated until the limit


def approx_tokens(text: str) -> int:
    return math.ceil(len(text) / 4) if text else 0


@dataclass
class Scripted:
    """One scripted reply. ``body`` (dict or raw str) replaces the whole response body; otherwise a
    normal completion is built from ``content`` (or the responder when ``content`` is None)."""

    status: int = 200
    body: dict[str, Any] | str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to stall before answering (longer than the client timeout = timeout)
    content: str | None = None
    finish_reason: str = "stop"
    refusal: str | None = None

    @classmethod
    def error(
        cls,
        status: int,
        message: str = "scripted error",
        *,
        type: str = "server_error",
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Scripted:
        body = {"error": {"message": message, "type": type, "param": None, "code": code}}
        return cls(status=status, body=body, headers=headers or {})

    @classmethod
    def rate_limited(cls, retry_after: str | None = "1", **headers: str) -> Scripted:
        hdrs = dict(headers)
        if retry_after is not None:
            hdrs["Retry-After"] = retry_after
        return cls.error(429, "Rate limit reached", type="requests", code="rate_limit_exceeded", headers=hdrs)

    @classmethod
    def stall(cls, seconds: float) -> Scripted:
        return cls(delay=seconds)

    @classmethod
    def garbage(cls, content: str = "Sure! Here are the claims: {not json at all") -> Scripted:
        return cls(content=content)

    @classmethod
    def truncated(cls, content: str = '{"claims": [{"quote": "The') -> Scripted:
        return cls(content=content, finish_reason="length")

    @classmethod
    def refused(cls, refusal: str = "I'm sorry, I can't help with that.") -> Scripted:
        return cls(content=None, refusal=refusal)


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: Any
    usage: dict[str, int] | None = None  # the usage the stand-in reported back, if it answered

    @property
    def messages(self) -> list[dict[str, Any]]:
        return self.body.get("messages", []) if isinstance(self.body, dict) else []

    def message(self, role: str) -> str:
        return next((m.get("content") or "" for m in self.messages if m.get("role") == role), "")


# --- the default "model" ------------------------------------------------------------------------


def article_of(body: dict[str, Any]) -> str:
    user = "\n".join(
        m.get("content") or ""
        for m in body.get("messages", [])
        if m.get("role") == "user" and isinstance(m.get("content"), str)
    )
    found = _ARTICLE.search(user)
    return found.group(1) if found else user


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def _resolve(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = defs[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def fill(schema: dict[str, Any], defs: dict[str, Any], hints: dict[str, Any]) -> Any:
    """A value for ``schema`` that validates, taking values from ``hints`` by property name."""
    schema = _resolve(schema, defs)
    if "anyOf" in schema:
        options = [_resolve(s, defs) for s in schema["anyOf"]]
        non_null = [s for s in options if s.get("type") != "null"]
        if not hints and len(non_null) < len(options):
            return None  # a nullable value the "model" has nothing for (a claim's attribution)
        return fill(non_null[0], defs, hints) if non_null else None
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type")
    if kind == "object":
        out = {}
        for name, sub in schema.get("properties", {}).items():
            sub_r = _resolve(sub, defs)
            hint = hints.get(name)
            enum = sub_r.get("enum")
            if hint is not None and (enum is None or hint in enum):
                out[name] = hint
            else:
                out[name] = fill(sub, defs, {})
        return out
    return {"array": [], "string": "", "integer": 0, "number": 0, "boolean": False}.get(kind)


def _source_type(sentence: str) -> str:
    low = sentence.lower()
    if "could not independently verify" in low:
        return "explicitly_unverified"
    if re.search(r"\btold (the|a|an) [A-Z]|\breport(s|ed)\b", sentence):
        return "second_hand"
    if re.search(r"\b(analysts|experts|critics)\b", low):
        return "vague_group"
    return "anonymous"


def _source_phrase(sentence: str) -> str:
    found = re.search(r"(?:according to|per) ([^,.]+)", sentence, re.IGNORECASE)
    if found:
        return found.group(1)
    found = re.search(r"([A-Z]?[\w ]{2,40}?) (?:said|says|told|reported)\b", sentence)
    return found.group(1).strip() if found else ""


def _common(sentence: str) -> dict[str, Any]:
    return {
        "quote": sentence,
        "hedge_cues": [h for h in _HEDGES if re.search(rf"\b{h}\b", sentence)],
        "why": "Nothing in the article establishes this.",
        "how_to_verify": "Ask the reporter for the underlying record and confirm it with the original source.",
        "priority": "medium",
    }


def rule_items(article: str, *, hallucinate: bool = False, invent: bool = False) -> tuple[list[dict], list[dict]]:
    """(claims, sources) as hint dicts: the stand-in's whole "analysis". ``invent``: only quotes
    that are not in the article, as a weak model gives."""
    claims: list[dict] = []
    sources: list[dict] = []
    if invent:
        for quote in INVENTED_QUOTES:
            claims.append(_common(quote) | {"kind": "claim", "claim": quote, "basis": "disputed_figure"})
        sources.append(_common(INVENTED_QUOTES[1]) | {"kind": "source", "source_type": "anonymous"})
        return claims, sources
    for sentence in sentences(article):
        if _ATTRIBUTION.search(sentence):
            sources.append(
                _common(sentence)
                | {
                    "kind": "source",
                    "source_type": _source_type(sentence),
                    "source_phrase": _source_phrase(sentence),
                }
            )
        if re.search(r"\d", sentence):
            claims.append(
                _common(sentence) | {"kind": "claim", "claim": sentence, "basis": "disputed_figure", "priority": "high"}
            )
    if hallucinate:
        sources.append(
            _common(HALLUCINATED_QUOTE) | {"kind": "source", "source_type": "anonymous", "source_phrase": "sources"}
        )
    return claims, sources


def structured_answer(body: dict[str, Any], *, hallucinate: bool = False, invent: bool = False) -> str:
    """JSON for the requested ``json_schema``: claim items into arrays named like "claim", source
    items into arrays named like "source", both (with their ``kind``) into any other array."""
    fmt = body["response_format"]["json_schema"]
    schema = fmt["schema"]
    defs = schema.get("$defs", {})
    claims, sources = rule_items(article_of(body), hallucinate=hallucinate, invent=invent)
    out: dict[str, Any] = {}
    for name, sub in schema.get("properties", {}).items():
        sub_r = _resolve(sub, defs)
        if sub_r.get("type") != "array":
            out[name] = fill(sub, defs, {})
            continue
        picked = claims if "claim" in name else sources if "source" in name else claims + sources
        out[name] = [fill(sub_r["items"], defs, hints) for hints in picked]
    return json.dumps(out, ensure_ascii=False)


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 2}


def text_answer(body: dict[str, Any]) -> str:
    """Quote the article sentence sharing most words with the question (from ``<question>`` tags)."""
    user = body.get("messages", [{}])[-1].get("content") or ""
    found = re.search(r"<question>\n?(.*?)\n?</question>", user, re.DOTALL)
    question = _words(found.group(1) if found else user)
    article_sentences = sentences(article_of(body))
    if not article_sentences:
        return "The article doesn't say."
    best = max(article_sentences, key=lambda s: len(_words(s) & question))
    return f'The article says: "{best}" It does not say more on this.'


def default_responder(body: dict[str, Any], *, hallucinate: bool = False, invent: bool = False) -> str:
    fmt = body.get("response_format") or {}
    if fmt.get("type") == "json_schema":
        return structured_answer(body, hallucinate=hallucinate, invent=invent)
    if fmt.get("type") == "json_object":
        claims, sources = rule_items(article_of(body), hallucinate=hallucinate, invent=invent)
        return json.dumps({"claims": claims, "sources": sources}, ensure_ascii=False)
    return text_answer(body)


# --- the server ---------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a stalled handler never blocks stop()
    request_queue_size = 128  # benchmarks open many connections at once


class OpenAIStandIn(ThreadedStandIn):
    def __init__(
        self,
        *,
        api_key: str = "sk-standin",
        responder: Responder | None = None,
        hallucinate: bool = False,
        latency_seconds: float = 0.0,
        seconds_per_token: float = 0.0,
        host: str = "127.0.0.1",
        port: int = 0,
        answer_as: str | None = None,
        loop: bool = False,
        invent: bool = False,
        slots: int | None = None,
        context_tokens: int = 8192,
        limit_output: bool = False,
        json_schema: bool = True,
    ) -> None:
        self.api_key = api_key
        self.hallucinate = hallucinate
        self.invent = invent
        self.responder: Responder = responder or (
            lambda body: default_responder(body, hallucinate=self.hallucinate, invent=self.invent)
        )
        self.latency_seconds = latency_seconds
        self.seconds_per_token = seconds_per_token
        self.answer_as = answer_as  # llama.cpp answers with its own model's name, whatever was asked
        self.loop = loop
        self.limit_output = limit_output or loop
        self.json_schema = json_schema
        self.context_tokens = context_tokens
        self.slots = slots
        self._slots = threading.BoundedSemaphore(slots) if slots else None
        self.busy = 0  # requests being generated right now (behind the slots)
        self.max_busy = 0
        self.requests: list[Recorded] = []
        self._queue: list[Scripted] = []
        self._lock = threading.Lock()
        super().__init__()
        self._server = _Server((host, port), self._handler_class())

    @classmethod
    def like_llama_cpp(cls, **kwargs: Any) -> OpenAIStandIn:
        """llama-server with SmolLM2-135M-Instruct, as issue #12 met it: its own model name, one slot,
        and (with ``loop``/``invent``) a model that loops or invents quotes."""
        kwargs.setdefault("answer_as", "SmolLM2-135M-Instruct")
        kwargs.setdefault("slots", 1)
        kwargs.setdefault("limit_output", True)
        return cls(**kwargs)

    # lifecycle
    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    # scripting and inspection
    def script(self, *responses: Scripted) -> None:
        with self._lock:
            self._queue.extend(responses)

    def reset(self) -> None:
        with self._lock:
            self._queue.clear()
            self.requests.clear()

    @property
    def completion_requests(self) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.path.endswith("/chat/completions")]

    def total_usage(self) -> dict[str, int]:
        """Tokens the stand-in billed so far, summed over every answered request."""
        with self._lock:
            answered = [r.usage for r in self.requests if r.usage]
        return {
            "requests": len(answered),
            "prompt_tokens": sum(u["prompt_tokens"] for u in answered),
            "completion_tokens": sum(u["completion_tokens"] for u in answered),
        }

    def _next(self, recorded: Recorded) -> Scripted | None:
        with self._lock:
            self.requests.append(recorded)
            return self._queue.pop(0) if self._queue else None

    # wire format
    def completion_body(
        self, body: dict[str, Any], content: str | None, finish_reason: str, refusal: str | None
    ) -> dict[str, Any]:
        prompt_tokens = sum(
            approx_tokens(m["content"]) for m in body.get("messages", []) if isinstance(m.get("content"), str)
        )
        limit = self.output_limit(body)
        if content is not None and self.loop and finish_reason == "stop":
            content = (LOOP_TEXT * (limit * 4 // len(LOOP_TEXT) + 1))[: limit * 4]  # stuck in a string
            finish_reason = "length"
        if content is not None and self.limit_output and approx_tokens(content) > limit:
            content, finish_reason = content[: limit * 4], "length"  # cut at the limit, as a server does
        completion_tokens = approx_tokens(content or refusal or "")
        return {
            "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": self.answer_as or body.get("model", "standin"),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content, "refusal": refusal, "annotations": []},
                    "finish_reason": finish_reason,
                    "logprobs": None,
                }
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
            "system_fingerprint": "fp_standin",
        }

    def output_limit(self, body: dict[str, Any]) -> int:
        """The request's output limit in tokens; without one, what is left of the context."""
        for key in ("max_completion_tokens", "max_tokens"):
            value = body.get(key)
            if isinstance(value, int) and value > 0:
                return value
        return self.context_tokens

    def _generate(self, body: dict[str, Any], scripted: Scripted) -> dict[str, Any] | None:
        """Build the completion behind the slots; None when the server stops meanwhile."""
        if self._slots is not None:
            while not self._slots.acquire(timeout=0.05):
                if self._stopping.is_set():
                    return None
        try:
            with self._lock:
                self.busy += 1
                self.max_busy = max(self.max_busy, self.busy)
            content = scripted.content
            if content is None and scripted.refusal is None:
                content = self.responder(body)
            reply = self.completion_body(body, content, scripted.finish_reason, scripted.refusal)
            wait = self.latency_seconds + self.seconds_per_token * reply["usage"]["completion_tokens"]
            if wait and self._stopping.wait(wait):
                return None
            return reply
        finally:
            with self._lock:
                self.busy -= 1
            if self._slots is not None:
                self._slots.release()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet test output
                pass

            def _send(self, status: int, payload: dict[str, Any] | str, headers: dict[str, str]) -> None:
                data = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
                raw = data.encode("utf-8")
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(raw)))
                    self.send_header("x-request-id", f"req_{uuid.uuid4().hex[:16]}")
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(raw)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a scripted timeout): nothing to answer

            def do_GET(self) -> None:
                # llama.cpp's server properties (at the root, beside /v1): only when it has slots
                if self.path.rstrip("/") == "/props" and standin.slots:
                    model = standin.answer_as or "standin"
                    self._send(200, {"total_slots": standin.slots, "model_path": f"/models/{model}.gguf"}, {})
                    return
                self._send(404, {"error": {"code": 404, "message": "File Not Found", "type": "not_found_error"}}, {})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body: Any = json.loads(raw or b"{}")
                except ValueError:
                    body = raw.decode("utf-8", "replace")
                recorded = Recorded(self.path, {k.lower(): v for k, v in self.headers.items()}, body)

                if self.headers.get("Authorization") != f"Bearer {standin.api_key}":
                    with standin._lock:
                        standin.requests.append(recorded)
                    error = {
                        "message": "Incorrect API key provided.",
                        "type": "invalid_request_error",
                        "param": None,
                        "code": "invalid_api_key",
                    }
                    self._send(401, {"error": error}, {})
                    return
                if not self.path.rstrip("/").endswith("/v1/chat/completions") or not isinstance(body, dict):
                    with standin._lock:
                        standin.requests.append(recorded)
                    # llama.cpp's answer to a path it does not serve (a base URL without /v1)
                    error = {"code": 404, "message": "File Not Found", "type": "not_found_error"}
                    self._send(404, {"error": error}, {})
                    return

                if not standin.json_schema and (body.get("response_format") or {}).get("type") == "json_schema":
                    with standin._lock:
                        standin.requests.append(recorded)
                    error = {"message": "response_format type json_schema is not supported", "code": 400}
                    self._send(400, {"error": error | {"type": "invalid_request_error", "param": None}}, {})
                    return
                scripted = standin._next(recorded) or Scripted()
                if scripted.delay and standin._stopping.wait(scripted.delay):
                    return
                if scripted.body is not None:
                    self._send(scripted.status, scripted.body, scripted.headers)
                    return
                reply = standin._generate(body, scripted)
                if reply is None:
                    return
                recorded.usage = reply["usage"]
                self._send(scripted.status, reply, scripted.headers)

        return Handler
