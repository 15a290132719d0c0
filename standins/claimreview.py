"""A local stand-in for Google's Fact Check Tools ``claims:search``: real HTTP, the API's JSON.

    with ClaimReviewStandIn(api_key="k-test", claims=[fact_check(...)]) as server:
        settings: FACTCHECK_CLAIMREVIEW_URL=server.url, FACTCHECK_CLAIMREVIEW_API_KEY="k-test"
        server.script(Scripted.rate_limited(retry_after="0"))  # the next request gets a 429
        server.requests  # every request: its query parameters (``key`` included, to check it was sent)

Scripted replies are served first, in order. With the queue empty the stand-in searches its corpus
like a lenient search engine: a claim is a hit when its text, claimant or a review title shares any
word of three or more letters with ``query``; ``languageCode`` filters on the reviews' language;
``pageSize`` (default 10) pages the hits, and ``nextPageToken`` is the next offset. A wrong or
missing ``key`` gets Google's 400 "API key not valid".
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from standins.threaded import ThreadedStandIn

_WORD = re.compile(r"\w{3,}")


def fact_check(
    text: str,
    *,
    publisher: str = "PolitiFact",
    site: str = "politifact.com",
    url: str = "https://www.politifact.com/factchecks/2024/aug/12/example/",
    rating: str = "False",
    review_date: str = "2024-08-12T00:00:00Z",
    claimant: str = "",
    claim_date: str = "2024-08-10T00:00:00Z",
    title: str = "",
    language: str = "en",
) -> dict[str, Any]:
    """One ``claims[]`` entry as the API returns it, with one review."""
    claim: dict[str, Any] = {
        "text": text,
        "claimDate": claim_date,
        "claimReview": [
            {
                "publisher": {"name": publisher, "site": site},
                "url": url,
                "title": title or text,
                "reviewDate": review_date,
                "textualRating": rating,
                "languageCode": language,
            }
        ],
    }
    if claimant:
        claim["claimant"] = claimant
    return claim


@dataclass
class Scripted:
    status: int = 200
    body: dict[str, Any] | str | None = None  # None: the corpus search answers
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to stall first (longer than the client's timeout = a timeout)

    @classmethod
    def error(cls, status: int, message: str = "scripted error", headers: dict[str, str] | None = None) -> Scripted:
        body = {"error": {"code": status, "message": message, "status": "UNAVAILABLE"}}
        return cls(status=status, body=body, headers=headers or {})

    @classmethod
    def rate_limited(cls, retry_after: str | None = "1") -> Scripted:
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        return cls.error(429, "Quota exceeded for quota metric 'Queries' of service factchecktools", headers)

    @classmethod
    def stall(cls, seconds: float) -> Scripted:
        return cls(delay=seconds)


@dataclass
class Recorded:
    path: str
    params: dict[str, str]


class ClaimReviewStandIn(ThreadedStandIn):
    def __init__(
        self, *, api_key: str = "k-standin", claims: list[dict[str, Any]] | None = None, host: str = "127.0.0.1"
    ) -> None:
        self.api_key = api_key
        self.claims: list[dict[str, Any]] = list(claims or [])
        self.requests: list[Recorded] = []
        self._queue: list[Scripted] = []
        self._lock = threading.Lock()
        super().__init__()
        self._server = ThreadingHTTPServer((host, 0), self._handler_class())
        self._server.daemon_threads = True

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1alpha1/claims:search"

    def script(self, *replies: Scripted) -> None:
        with self._lock:
            self._queue.extend(replies)

    def search(self, params: dict[str, str]) -> dict[str, Any]:
        words = {w.casefold() for w in _WORD.findall(params.get("query", ""))}
        language = params.get("languageCode")
        hits = []
        for claim in self.claims:
            reviews = claim.get("claimReview", [])
            text = " ".join([claim.get("text", ""), claim.get("claimant", "")] + [r.get("title", "") for r in reviews])
            if not words & {w.casefold() for w in _WORD.findall(text)}:
                continue
            if language and not any(r.get("languageCode", "").startswith(language) for r in reviews):
                continue
            hits.append(claim)
        offset = int(params.get("pageToken") or 0)
        size = int(params.get("pageSize") or 10)
        body: dict[str, Any] = {}
        if hits[offset : offset + size]:
            body["claims"] = hits[offset : offset + size]
        if offset + size < len(hits):
            body["nextPageToken"] = str(offset + size)
        return body  # Google answers {} when nothing matches

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # quiet: tests read .requests
                pass

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                params = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                with standin._lock:
                    standin.requests.append(Recorded(parts.path, params))
                    scripted = standin._queue.pop(0) if standin._queue else None
                if scripted and scripted.delay and standin._stopping.wait(scripted.delay):
                    return
                if params.get("key") != standin.api_key:
                    body: Any = {"error": {"code": 400, "message": "API key not valid. Please pass a valid API key.",
                                           "status": "INVALID_ARGUMENT"}}  # fmt: skip
                    self._send(400, body, {})
                elif scripted and scripted.body is not None:
                    self._send(scripted.status, scripted.body, scripted.headers)
                else:
                    self._send(scripted.status if scripted else 200, standin.search(params),
                               scripted.headers if scripted else {})  # fmt: skip

            def _send(self, status: int, body: Any, headers: dict[str, str]) -> None:
                payload = (body if isinstance(body, str) else json.dumps(body)).encode("utf-8")
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json; charset=UTF-8")
                    self.send_header("Content-Length", str(len(payload)))
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

        return Handler
