"""The ClaimReview search client: ``GET claims:search`` over HTTP with httpx2 (already locked, via openai).

The API key travels as the ``key`` query parameter, as Google's API expects. It is never logged:
httpx2 logs every request URL at INFO, so a filter installed here redacts ``key=`` in its records,
and our own messages are built from status codes and the API's error text, never from the URL.

Retries (tenacity): 429, 5xx, timeouts and connection errors, honouring ``Retry-After``; never past
the caller's deadline. Anything else (400 bad key, 403 API not enabled) fails at once.
"""

from __future__ import annotations

import email.utils
import logging
import random
import re
import time
from dataclasses import dataclass
from typing import Any

import httpx2 as httpx
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt

log = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 0.5
BACKOFF_MAX_SECONDS = 8.0
RETRY_AFTER_MAX_SECONDS = 30.0  # a server asking for longer gets this (the step's deadline usually ends it first)

_KEY_PARAM = re.compile(r"(\bkey=)[^&\s\"'>]+", re.IGNORECASE)


def redact(text: str) -> str:
    """``...?query=x&key=SECRET`` -> ``...?query=x&key=REDACTED``."""
    return _KEY_PARAM.sub(r"\1REDACTED", text)


class _RedactKey(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "key=" in message.lower():
            record.msg, record.args = redact(message), ()
        return True


_REDACT_FILTER = _RedactKey()
for _name in ("httpx2", "httpx"):
    if _REDACT_FILTER not in logging.getLogger(_name).filters:
        logging.getLogger(_name).addFilter(_REDACT_FILTER)


class ClaimReviewError(Exception):
    """The search failed for good. The message is short, safe to show and never holds the key."""


class _Retryable(ClaimReviewError):
    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


@dataclass
class SearchPage:
    claims: list[dict[str, Any]]  # as the API gives them: text, claimant, claimDate, claimReview[]
    next_page_token: str | None = None


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _api_message(response: httpx.Response) -> str:
    """Google's ``{"error": {"message": ...}}`` text, trimmed; the status phrase otherwise."""
    try:
        message = str(response.json()["error"]["message"])
    except (ValueError, KeyError, TypeError):
        message = response.reason_phrase or ""
    return redact(message)[:200]


class ClaimSearchClient:
    """One client per step run (or per process); thread-safe, as httpx clients are."""

    def __init__(
        self,
        url: str,
        api_key: str,
        *,
        timeout: float = 5.0,
        max_attempts: int = 3,
        http: httpx.Client | None = None,
    ) -> None:
        self.url = url
        self._api_key = api_key
        self.timeout = timeout
        self.max_attempts = max_attempts
        self._http = http or httpx.Client(
            timeout=timeout, headers={"Accept": "application/json", "User-Agent": "factcheck-bot"}
        )

    def __repr__(self) -> str:  # never the key
        return f"ClaimSearchClient(url={self.url!r})"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ClaimSearchClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def search(
        self,
        query: str,
        *,
        language: str | None = None,
        max_age_days: int = 0,
        page_size: int = 10,
        page_token: str | None = None,
        deadline: float | None = None,
    ) -> SearchPage:
        """One page of results. ``deadline`` is a ``time.monotonic()`` instant no attempt or wait passes.

        Raises ``ClaimReviewError`` when it fails for good.
        """
        params: dict[str, str | int] = {"query": query, "pageSize": page_size}
        if language:
            params["languageCode"] = language
        if max_age_days:
            params["maxAgeDays"] = max_age_days
        if page_token:
            params["pageToken"] = page_token
        params["key"] = self._api_key

        def past_deadline(state: RetryCallState) -> bool:
            return deadline is not None and time.monotonic() + state.upcoming_sleep >= deadline

        retrying = Retrying(
            stop=stop_after_attempt(self.max_attempts) | past_deadline,
            wait=self._wait,
            retry=retry_if_exception_type(_Retryable),
            before_sleep=self._log_retry,
            reraise=True,
        )
        try:
            return retrying(self._once, params, deadline)
        except _Retryable as exc:
            raise ClaimReviewError(str(exc)) from None

    def _once(self, params: dict[str, str | int], deadline: float | None) -> SearchPage:
        timeout = self.timeout
        if deadline is not None:
            timeout = min(timeout, deadline - time.monotonic())
            if timeout <= 0:
                raise ClaimReviewError("out of time")
        try:
            response = self._http.get(self.url, params=params, timeout=timeout)
        except httpx.TimeoutException:
            raise _Retryable(f"no answer within {timeout:.1f} s") from None
        except httpx.TransportError as exc:
            raise _Retryable(f"cannot reach the API ({type(exc).__name__})") from None
        status = response.status_code
        if status == 429 or status >= 500:
            reason = "rate limited (HTTP 429)" if status == 429 else f"HTTP {status}"
            raise _Retryable(reason, parse_retry_after(response.headers.get("Retry-After")))
        if status != 200:
            raise ClaimReviewError(f"HTTP {status}: {_api_message(response)}")
        try:
            data = response.json()
        except ValueError:
            raise ClaimReviewError("the API answered with something other than JSON") from None
        if not isinstance(data, dict):
            raise ClaimReviewError("the API answered with an unexpected JSON shape")
        claims = data.get("claims") or []
        token = data.get("nextPageToken")
        return SearchPage(
            [c for c in claims if isinstance(c, dict)] if isinstance(claims, list) else [],
            token if isinstance(token, str) and token else None,
        )

    @staticmethod
    def _wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _Retryable) and exc.retry_after is not None:
            return min(exc.retry_after, RETRY_AFTER_MAX_SECONDS)
        backoff = min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2 ** (state.attempt_number - 1))
        return backoff * (1 + random.random() / 2)

    @staticmethod
    def _log_retry(state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        log.info(
            "claimreview search: %s; retry %d in %.1f s", exc, state.attempt_number, state.upcoming_sleep
        )
