"""The OpenAI client and the one retry policy every LLM call shares.

The SDK's own retries are off (``max_retries=0``): tenacity owns retries so that every attempt is
counted, logged and bounded by ``settings.llm_max_attempts``, and so that bad model output
(``OutputError``) is retried by the same policy as transport failures. A ``Control`` shared by one
check bounds the retries further: each attempt's timeout shrinks to the check's remaining deadline,
and once the check gives up (``control.cancel``) no further attempt starts and backoff sleeps end.

The endpoint is named in messages and logs only as ``redact_url`` shows it: scheme, host, port and
path, never credentials in the URL or a query string.
"""

from __future__ import annotations

import email.utils
import logging
import random
import re
import threading
import time
import urllib.parse
from collections.abc import Callable
from typing import Any, TypeVar

import openai
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from bot.analyzers.base import AnalyzerError, Control, FailureKind
from bot.config import Settings
from bot.llm.prompts import Prompt

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

# A truncated answer is not retried as it is: the same input overflows again. The engine splits the
# section and asks again for each half.


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


def redact_url(url: str) -> str:
    """``scheme://host[:port]/path`` at most: no user, password, query string or fragment."""
    try:
        parts = urllib.parse.urlsplit(url.strip())
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:  # an unparseable URL (a bad port): show nothing of it
        return "<invalid URL>"
    if not parts.scheme or not host:
        return "<invalid URL>"
    host = f"[{host}]" if ":" in host else host
    return f"{parts.scheme}://{host}{port}{parts.path}"


def endpoint_label(settings: Settings) -> str:
    """The endpoint as it may appear in messages, logs and cache keys."""
    return redact_url(settings.openai_base_url) if settings.openai_base_url else "openai"


_URL = re.compile(r"\bhttps?://[^\s\"'<>()]+")


def scrub(text: str, settings: Settings) -> str:
    """``text`` with every URL shown as ``redact_url`` shows it and the API key replaced: error
    messages from the SDK or a server may repeat them."""
    if settings.openai_base_url:
        text = text.replace(settings.openai_base_url.strip(), endpoint_label(settings))
    text = _URL.sub(lambda m: redact_url(m.group(0)), text)
    if settings.openai_api_key and len(settings.openai_api_key) >= 8:
        text = text.replace(settings.openai_api_key, "[API key]")
    return text


def request_options(prompt: Prompt, settings: Settings, input_chars: int) -> dict[str, Any]:
    """Sampling arguments for one request: the prompt's temperature (when the model takes one) and
    an output limit sized from the input, capped by ``FACTCHECK_LLM_MAX_OUTPUT_TOKENS``."""
    options: dict[str, Any] = {
        "max_completion_tokens": prompt.sampling.output_tokens(input_chars, settings.llm_max_output_tokens)
    }
    if prompt.sampling.temperature is not None and supports_temperature(settings.model):
        options["temperature"] = prompt.sampling.temperature
    return options


def response_format(prompt: Prompt) -> dict[str, Any] | None:
    """The prompt's schema as a strict ``json_schema`` response format (None without a schema)."""
    if prompt.schema is None:
        return None
    return {"type": "json_schema", "json_schema": {"name": prompt.name, "strict": True, "schema": prompt.schema}}


class _RedactURLs(logging.Filter):
    """httpx(2) logs each request's URL at INFO ("HTTP Request: POST http://user:pass@host/v1/..."):
    show it as ``redact_url`` does, so credentials in OPENAI_BASE_URL never reach the logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(
                redact_url(str(arg)) if type(arg).__name__ == "URL" or _looks_like_url(arg) else arg
                for arg in record.args
            )
        return True


def _looks_like_url(value: object) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://"))


for _name in ("httpx", "httpx2"):  # the HTTP library the openai client uses (httpx2 since openai 3)
    logging.getLogger(_name).addFilter(_RedactURLs())

_reported_models: set[tuple[str, str]] = set()
_reported_lock = threading.Lock()


def note_answered_model(settings: Settings, answered: str | None) -> None:
    """Warn once per process when the server answers as another model than the one configured
    (llama.cpp, for one, ignores the requested name and answers with whatever it loaded)."""
    if not answered or same_model(settings.model, answered):
        return
    with _reported_lock:
        if (settings.model, answered) in _reported_models:
            return
        _reported_models.add((settings.model, answered))
    log.warning(
        "%s answered as model %r, not the configured %r (FACTCHECK_MODEL): checklists record the model that "
        "answered",
        endpoint_label(settings),
        answered,
        settings.model,
    )


def same_model(configured: str, answered: str) -> bool:
    """OpenAI answers ``gpt-4o-mini`` with a dated snapshot (``gpt-4o-mini-2024-07-18``): the same model."""
    configured, answered = configured.lower(), answered.lower()
    return answered == configured or answered.startswith(configured + "-")


def supports_temperature(model: str) -> bool:
    """Reasoning models (o-series, gpt-5) reject any temperature but the default."""
    bare = model.rsplit("/", 1)[-1]
    return not bare.startswith(("o1", "o3", "o4", "gpt-5"))


def usage_from_raw(raw: Any) -> tuple[int, int]:
    """(prompt, completion) tokens from a raw HTTP response, even when its content is unusable."""
    try:
        usage = raw.http_response.json().get("usage") or {}
        return int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0)
    except (ValueError, AttributeError, TypeError):
        return 0, 0


def model_from_raw(raw: Any) -> str | None:
    """The model a raw HTTP response says answered (``model``), even when its content is unusable."""
    try:
        model = raw.http_response.json().get("model")
    except (ValueError, AttributeError, TypeError):
        return None
    return model if isinstance(model, str) and model else None


# --- classification ---------------------------------------------------------------------------


def _insufficient_quota(exc: openai.RateLimitError) -> bool:
    # A 429 for an exhausted account is not a rate limit: waiting does not help.
    return exc.code == "insufficient_quota" or exc.type == "insufficient_quota"


def is_retryable(exc: BaseException) -> bool:
    if isinstance(exc, OutputError):
        return exc.kind == "malformed"
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


def status_text(exc: openai.APIStatusError) -> str:
    # The API's own error message, without the SDK's "Error code: 401 - " prefix.
    body = exc.body if isinstance(exc.body, dict) else {}
    detail = body.get("message") if isinstance(body.get("message"), str) else exc.message
    return f"HTTP {exc.status_code}" + (f" ({detail[:160]})" if detail else "")


def _model_not_found(exc: openai.NotFoundError, settings: Settings) -> bool:
    # OpenAI says code "model_not_found"; other servers name the model in the message. A 404 that
    # says neither is the URL's fault (llama.cpp: "File Not Found").
    body = exc.body if isinstance(exc.body, dict) else {}
    code = str(body.get("code") or exc.code or "")
    message = str(body.get("message") or "")
    return "model" in code or settings.model.lower() in message.lower() or "model" in message.lower()


def to_analyzer_error(exc: BaseException, *, attempts: int, settings: Settings) -> AnalyzerError:
    """One clear sentence for the final failure of a call."""
    error = _to_analyzer_error(exc, attempts=attempts, settings=settings)
    scrubbed = scrub(str(error), settings)
    if scrubbed != str(error):
        error.args = (scrubbed,)
    return error


def _to_analyzer_error(exc: BaseException, *, attempts: int, settings: Settings) -> AnalyzerError:
    tries = f"{attempts} attempt{'s' if attempts != 1 else ''}"
    where = endpoint_label(settings) if settings.openai_base_url else "the OpenAI API"
    if isinstance(exc, AnalyzerError):
        return exc
    if isinstance(exc, OutputError):
        return AnalyzerError(exc.kind, f"{exc} (after {tries}).", retryable=False)
    if isinstance(exc, openai.LengthFinishReasonError):
        return AnalyzerError("truncated", f"The model's answer hit its length limit ({tries}).")
    if isinstance(exc, openai.ContentFilterFinishReasonError):
        return AnalyzerError("refusal", "The provider's content filter blocked the answer.")
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return AnalyzerError("auth", f"{where} refused the credentials: {status_text(exc)}; check OPENAI_API_KEY.")
    if isinstance(exc, openai.NotFoundError):
        if _model_not_found(exc, settings):
            return AnalyzerError(
                "config", f"{where} does not offer model {settings.model!r} to this key: {status_text(exc)}."
            )
        return AnalyzerError(
            "config",
            f"{where} answered HTTP 404 for /chat/completions: the base URL is wrong; set OPENAI_BASE_URL to the "
            "server's OpenAI-compatible root (usually ending in /v1).",
        )
    if isinstance(exc, openai.RateLimitError):
        if _insufficient_quota(exc):
            return AnalyzerError("rate_limit", f"The OpenAI account has run out of quota: {status_text(exc)}.")
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
                "server", f"{where} kept failing: {status_text(exc)} on the last of {tries}.", retryable=True
            )
        # 400/413/422...: the request itself was rejected (schema, size, parameters).
        return AnalyzerError("config", f"{where} rejected the request: {status_text(exc)}.")
    if isinstance(exc, openai.OpenAIError):
        return AnalyzerError("connection", f"The OpenAI client failed: {exc}")
    raise exc  # a bug, not an LLM failure: let it surface


# --- the policy ---------------------------------------------------------------------------------


def attempt_timeout(settings: Settings, control: Control | None) -> float:
    """The per-request timeout: ``FACTCHECK_LLM_TIMEOUT``, or less when the check's deadline is nearer."""
    left = control.remaining() if control is not None else None
    return settings.llm_timeout_seconds if left is None else max(0.1, min(settings.llm_timeout_seconds, left))


def call_with_retries(
    settings: Settings, attempt: Callable[[], T], *, what: str = "LLM request", control: Control | None = None
) -> T:
    """Run ``attempt`` under the shared policy; raise AnalyzerError once it gives up.

    ``attempt`` raises openai errors or ``OutputError``; anything else propagates unchanged. With a
    ``control``, no attempt starts after it is cancelled or past its deadline, and waits end early.
    """
    scale = float(settings.extra.get("llm_backoff_scale", backoff_scale))
    attempts = 0
    stopped = control.stopped if control is not None else (lambda: False)

    def should_retry(exc: BaseException) -> bool:
        return is_retryable(exc)

    def stop(state: RetryCallState) -> bool:
        return stop_after_attempt(settings.llm_max_attempts)(state) or stopped()

    def pause(seconds: float) -> None:
        if control is None:
            sleep(seconds)
        elif control.cancel.wait(min(seconds, max(0.0, control.remaining() or seconds))):
            return  # cancelled while waiting: the next stop() check ends the call

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        return backoff_seconds(state.attempt_number, exc, scale)

    def before_sleep(state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        # INFO, not WARNING: an attempt that is retried is not yet a failure; the final one is
        # reported once, by whoever decides what happens next (the engine, the thread answer).
        log.info(
            "%s failed (attempt %d of %d): %s: %s; retrying in %.2f s",
            what,
            state.attempt_number,
            settings.llm_max_attempts,
            type(exc).__name__,
            scrub(str(exc), settings)[:300],
            state.upcoming_sleep,
        )

    def counted() -> T:
        nonlocal attempts
        if stopped():
            raise _stopped_error(control, settings)
        attempts += 1
        return attempt()

    retrying = Retrying(
        stop=stop,
        wait=wait,
        retry=retry_if_exception(should_retry),
        before_sleep=before_sleep,
        sleep=pause,
        reraise=True,
    )
    try:
        return retrying(counted)
    except (openai.OpenAIError, OutputError) as exc:
        if stopped() and is_retryable(exc):
            raise _stopped_error(control, settings) from exc  # it would have been retried but for the check's end
        error = to_analyzer_error(exc, attempts=attempts, settings=settings)
        log.debug("%s gave up after %d attempt(s): %s", what, attempts, error)
        raise error from exc


def _stopped_error(control: Control | None, settings: Settings) -> AnalyzerError:
    if control is not None and control.cancel.is_set():
        return AnalyzerError("cancelled", "The check stopped asking the LLM (another request already failed).")
    return AnalyzerError(
        "deadline",
        f"The LLM did not finish within {settings.llm_deadline_seconds:g} s (FACTCHECK_LLM_DEADLINE).",
        retryable=True,
    )
