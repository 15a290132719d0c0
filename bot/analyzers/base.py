"""The one interface both analyzers implement."""

from __future__ import annotations

import threading
import time
from typing import Literal, Protocol

from bot.models import AnalysisResult, Usage

FailureKind = Literal[
    "auth", "config", "rate_limit", "timeout", "server", "connection", "malformed", "refusal", "truncated", "budget",
    "ungrounded", "deadline", "cancelled",
]  # fmt: skip


class AnalyzerError(Exception):
    """An analyzer gave up on a text. ``kind`` says why, ``retryable`` whether another try may help."""

    def __init__(self, kind: FailureKind, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.kind: FailureKind = kind
        self.retryable = retryable
        self.usage = Usage()  # what the failed attempts cost: every attempt is billed
        self.model: str | None = None  # the model the server said answered, if one did


class Control:
    """Limits shared by every request of one check: an overall deadline and a cancel switch.

    The engine sets ``cancel`` once it gives up on the primary analyzer, so retries still in flight
    in other threads stop at their next check instead of running on after the check moved on.
    """

    def __init__(self, deadline_seconds: float | None = None) -> None:
        self.cancel = threading.Event()
        self.deadline = time.monotonic() + deadline_seconds if deadline_seconds else None

    def remaining(self) -> float | None:
        return None if self.deadline is None else self.deadline - time.monotonic()

    def expired(self) -> bool:
        left = self.remaining()
        return left is not None and left <= 0

    def stopped(self) -> bool:
        return self.cancel.is_set() or self.expired()


class Analyzer(Protocol):
    name: str  # "llm" or "offline"

    @property
    def cache_identity(self) -> str:
        """Everything that changes results: analyzer, model, prompt or rules version."""
        ...

    @property
    def model(self) -> str | None: ...

    @property
    def prompt_version(self) -> str | None: ...

    def analyze(self, text: str) -> AnalysisResult:
        """Find claims and sources in ``text``. Quotes must be verbatim substrings of ``text``.

        Raises ``AnalyzerError`` when it cannot produce a result (after its own retries). An analyzer
        that calls a service also takes ``control: Control`` (the LLM does): the engine passes it to
        any primary analyzer that is not the offline one. An analyzer that writes its notes in a chosen
        language also takes ``notes_language: str`` (the LLM does); the engine passes it only when one
        is set, and keeps it in the cache identity.
        """
        ...
