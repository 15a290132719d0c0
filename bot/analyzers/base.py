"""The one interface both analyzers implement."""

from __future__ import annotations

from typing import Literal, Protocol

from bot.models import AnalysisResult, Usage

FailureKind = Literal[
    "auth", "config", "rate_limit", "timeout", "server", "connection", "malformed", "refusal", "truncated", "budget"
]


class AnalyzerError(Exception):
    """An analyzer gave up on a text. ``kind`` says why, ``retryable`` whether another try may help."""

    def __init__(self, kind: FailureKind, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.kind: FailureKind = kind
        self.retryable = retryable
        self.usage = Usage()  # what the failed attempts cost: every attempt is billed


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

        Raises ``AnalyzerError`` when it cannot produce a result (after its own retries).
        """
        ...
