"""Structured logs: one JSON object per line, with the request id of whatever is being handled.

    configure_logging("INFO")                 # once, at process start (serve, worker)
    with request_context("job-1f3a"):         # or set_request_id(...) in a listener or a job
        log.info("check done", extra={"items": 12})
    -> {"ts": "2026-11-25T05:30:01.123Z", "level": "INFO", "logger": "bot.x", "message": "check done",
        "request_id": "job-1f3a", "items": 12}

Article text never goes into a log at INFO or above: log lengths, ids and counts; quotes only at DEBUG.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import sys
import time
import uuid
from collections.abc import Iterator
from typing import Any, TextIO

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("factcheck_request_id", default=None)

# Attributes every LogRecord has: whatever else a record carries came from ``extra=`` and is logged.
_STANDARD = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime", "taskName"}


def new_request_id() -> str:
    return uuid.uuid4().hex[:12]


def get_request_id() -> str | None:
    return _request_id.get()


def set_request_id(request_id: str | None) -> contextvars.Token[str | None]:
    """Set the id for this thread or task; keep the token to ``reset_request_id`` it later."""
    return _request_id.set(request_id)


def reset_request_id(token: contextvars.Token[str | None]) -> None:
    _request_id.reset(token)


@contextlib.contextmanager
def request_context(request_id: str | None = None) -> Iterator[str]:
    """Every record logged inside carries ``request_id`` (a new one when none is given)."""
    rid = request_id or new_request_id()
    token = _request_id.set(rid)
    try:
        yield rid
    finally:
        _request_id.reset(token)


def _install_record_factory() -> None:
    """Stamp every record with the request id current where it was logged (any handler, any thread)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "_factcheck", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        rec = previous(*args, **kwargs)
        rec.request_id = _request_id.get()
        return rec

    factory._factcheck = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


_install_record_factory()


class RequestIdFilter(logging.Filter):
    """Copies the context's request id onto each record (``record.request_id``; None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = _request_id.get()
        return True


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts (UTC, ms), level, logger, message, request_id, then any extras."""

    def format(self, record: logging.LogRecord) -> str:
        created = time.gmtime(record.created)
        entry: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", created) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or _request_id.get(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in entry and not key.startswith("_"):
                entry[key] = "[redacted]" if key in REDACTED_EXTRAS else _jsonable(value)
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)


# Extras never written: RQ attaches a failed job's call arguments (the article) to its error record.
REDACTED_EXTRAS = frozenset({"arguments", "kwargs", "args_repr", "text", "article"})

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"


def configure_logging(level: int | str = "INFO", json: bool = True, stream: TextIO | None = None) -> None:
    """Replace the root logger's handlers with one on ``stream`` (stderr), JSON or plain text.

    RQ's loggers are routed through the root handler too (RQ adds its own coloured handler only
    when none is found up the hierarchy).
    """
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if json else logging.Formatter(TEXT_FORMAT))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
        with contextlib.suppress(Exception):
            old.close()
    root.addHandler(handler)
    root.setLevel(level.upper() if isinstance(level, str) else level)
    for name in ("rq", "rq.worker", "rq.queue", "rq.job", "rq.scheduler"):
        logger = logging.getLogger(name)
        logger.propagate = True
        for old in list(logger.handlers):
            logger.removeHandler(old)
        # RQ's worker reports every registry sweep and dequeue at INFO: keep it to warnings unless debugging.
        quiet = name in ("rq", "rq.worker", "rq.scheduler") and root.level > logging.DEBUG
        logger.setLevel(max(logging.WARNING, root.level) if quiet else root.level)
