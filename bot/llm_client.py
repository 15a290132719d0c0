"""The OpenAI client and the one retry policy every LLM call shares.

The SDK's own retries are off (``max_retries=0``): tenacity owns retries so that every attempt is
counted, logged and bounded by ``settings.llm_max_attempts``, and so that bad model output
(``OutputError``) is retried by the same policy as transport failures.
"""

from __future__ import annotations

import email.utils
import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

import openai
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from bot.analyzers.base import AnalyzerError, FailureKind
from bot.config import Settings

log = logging.getLogger(__name__)

T = TypeVar("T")

# Backoff between attempts: BASE * 2**(n-1) seconds, capped, plus up to 50% jitter; everything is
# multiplied by the scale so tests (or a benchmark) can run the real policy without sleeping.
# Settings.extra["llm_backoff_scale"] overrides the module value per Settings.
BACKOFF_BASE_SECONDS = 1.0
BACKOFF_MAX_SECONDS = 20.0
RETRY_AFTER_MAX_SECONDS = 60.0  # a server asking for longer gets this; the next 429 ends the call
backoff_scale: float = 1.0
sleep: Callable[[float], None] = time.sleep  # injectable for tests that want to record waits

TRUNCATED_MAX_ATTEMPTS = 2  # the same input tends to overflow again: retry once, then give up


class OutputError(Exception):
    """The model answered, but not with something usable. ``kind``: malformed, truncated, refusal."""

    def __init__(self, kind: FailureKind, message: str) -> None:
        super().__init__(message)
        self.kind: FailureKind = kind


def build_client(settings: Settings) -> openai.OpenAI:
    """An ``openai.OpenAI`` for ``settings``. Raises AnalyzerError("auth") with no API key."""
    if not settings.openai_api_key:
        raise AnalyzerError("auth", "No OpenAI API key is configured (set OPENAI_API_KEY).")
    kwargs: dict[str, object] = {}
    if settings.openai_base_url:  # else the SDK default, https://api.openai.com/v1
        kwargs["base_url"] = settings.openai_base_url
    return openai.OpenAI(
        api_key=settings.openai_api_key,
        timeout=settings.llm_timeout_seconds,
        max_retries=0,
        **kwargs,  # type: ignore[arg-type]
    )


def endpoint_label(settings: Settings) -> str:
    return settings.openai_base_url or "openai"


# --- classification ---------------------------------------------------------------------------


def _insufficient_quota(exc: openai.RateLimitError) -> bool:
    # A 429 for an exhausted account is not a rate limit: waiting does not help.
    return exc.code == "insufficient_quota" or exc.type == "insufficient_quota"


def is_retryable(exc: BaseException) -> bool:
    if isinstance(exc, OutputError):
        return exc.kind in ("malformed", "truncated")
    if isinstance(exc, openai.RateLimitError):
        return not _insufficient_quota(exc)
    if isinstance(exc, openai.APIConnectionError):  # includes APITimeoutError
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code >= 500 or exc.status_code in (408, 409)
    return False


def retry_after_seconds(exc: BaseException) -> float | None:
    """The server's ``retry-after-ms`` / ``Retry-After`` (seconds or HTTP date), capped; else None."""
    if not isinstance(exc, openai.APIStatusError):
        return None
    headers = exc.response.headers
    for header, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        raw = headers.get(header)
        if raw is None:
            continue
        try:
            seconds = float(raw) / divisor
        except ValueError:
            parsed = email.utils.parsedate_to_datetime(raw) if header == "retry-after" else None
            if parsed is None:
                continue
            seconds = parsed.timestamp() - time.time()
        if seconds >= 0:
            return min(seconds, RETRY_AFTER_MAX_SECONDS)
    return None


def backoff_seconds(attempt: int, exc: BaseException | None, scale: float = 1.0) -> float:
    """Wait before attempt ``attempt + 1``: the server's Retry-After when given, else exponential
    backoff with jitter. ``attempt`` counts from 1."""
    hinted = retry_after_seconds(exc) if exc is not None else None
    if hinted is not None:
        return hinted * scale
    base = min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2 ** (attempt - 1))
    return (base + random.uniform(0, base / 2)) * scale


def _status(exc: openai.APIStatusError) -> str:
    # The API's own error message, without the SDK's "Error code: 401 - " prefix.
    body = exc.body if isinstance(exc.body, dict) else {}
    detail = body.get("message") if isinstance(body.get("message"), str) else exc.message
    return f"HTTP {exc.status_code}" + (f" ({detail[:160]})" if detail else "")


def to_analyzer_error(exc: BaseException, *, attempts: int, settings: Settings) -> AnalyzerError:
    """One clear sentence for the final failure of a call."""
    tries = f"{attempts} attempt{'s' if attempts != 1 else ''}"
    where = settings.openai_base_url or "the OpenAI API"
    if isinstance(exc, AnalyzerError):
        return exc
    if isinstance(exc, OutputError):
        return AnalyzerError(exc.kind, f"{exc} (after {tries}).", retryable=False)
    if isinstance(exc, openai.LengthFinishReasonError):
        return AnalyzerError("truncated", f"The model's answer hit its length limit ({tries}).")
    if isinstance(exc, openai.ContentFilterFinishReasonError):
        return AnalyzerError("refusal", "The provider's content filter blocked the answer.")
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return AnalyzerError("auth", f"{where} refused the credentials: {_status(exc)}; check OPENAI_API_KEY.")
    if isinstance(exc, openai.NotFoundError):
        return AnalyzerError("config", f"{where} does not offer model {settings.model!r} to this key: {_status(exc)}.")
    if isinstance(exc, openai.RateLimitError):
        if _insufficient_quota(exc):
            return AnalyzerError("rate_limit", f"The OpenAI account has run out of quota: {_status(exc)}.")
        return AnalyzerError("rate_limit", f"{where} kept rate-limiting the request ({tries}).", retryable=True)
    if isinstance(exc, openai.APITimeoutError):
        return AnalyzerError(
            "timeout",
            f"{where} did not answer within {settings.llm_timeout_seconds:g} s ({tries}).",
            retryable=True,
        )
    if isinstance(exc, openai.APIConnectionError):
        return AnalyzerError("connection", f"Could not reach {where} ({tries}): {exc}", retryable=True)
    if isinstance(exc, openai.APIStatusError):
        if exc.status_code >= 500 or exc.status_code in (408, 409):
            return AnalyzerError(
                "server", f"{where} kept failing: {_status(exc)} on the last of {tries}.", retryable=True
            )
        # 400/413/422...: the request itself was rejected (schema, size, parameters).
        return AnalyzerError("config", f"{where} rejected the request: {_status(exc)}.")
    if isinstance(exc, openai.OpenAIError):
        return AnalyzerError("connection", f"The OpenAI client failed: {exc}")
    raise exc  # a bug, not an LLM failure: let it surface


# --- the policy ---------------------------------------------------------------------------------


def call_with_retries(settings: Settings, attempt: Callable[[], T], *, what: str = "LLM request") -> T:
    """Run ``attempt`` under the shared policy; raise AnalyzerError once it gives up.

    ``attempt`` raises openai errors or ``OutputError``; anything else propagates unchanged.
    """
    scale = float(settings.extra.get("llm_backoff_scale", backoff_scale))
    truncations = 0
    attempts = 0

    def should_retry(exc: BaseException) -> bool:
        nonlocal truncations
        if isinstance(exc, OutputError) and exc.kind == "truncated":
            truncations += 1
            return truncations < TRUNCATED_MAX_ATTEMPTS
        return is_retryable(exc)

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        return backoff_seconds(state.attempt_number, exc, scale)

    def before_sleep(state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        log.warning(
            "%s failed (attempt %d of %d): %s: %s; retrying in %.2f s",
            what,
            state.attempt_number,
            settings.llm_max_attempts,
            type(exc).__name__,
            exc,
            state.upcoming_sleep,
        )

    def counted() -> T:
        nonlocal attempts
        attempts += 1
        return attempt()

    retrying = Retrying(
        stop=stop_after_attempt(settings.llm_max_attempts),
        wait=wait,
        retry=retry_if_exception(should_retry),
        before_sleep=before_sleep,
        sleep=lambda seconds: sleep(seconds),
        reraise=True,
    )
    try:
        return retrying(counted)
    except (openai.OpenAIError, OutputError) as exc:
        error = to_analyzer_error(exc, attempts=attempts, settings=settings)
        # A refusal may quote the article: only its kind.
        log.warning("%s gave up after %d attempts: %s", what, attempts, "refusal" if error.kind == "refusal" else error)
        raise error from exc
