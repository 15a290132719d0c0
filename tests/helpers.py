"""Test doubles that implement the engine's own interfaces (never a patched client)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from bot.analyzers.base import AnalyzerError, Control
from bot.models import AnalysisResult, Finding, Usage


def sentence_findings(text: str) -> list[Finding]:
    """A claim for every sentence with a digit, a source for every 'said'/'told': quotes verbatim."""
    findings: list[Finding] = []
    for sentence in (s.strip() for s in text.replace("\n", ". ").split(". ")):
        if len(sentence) < 8:
            continue
        if any(c.isdigit() for c in sentence):
            findings.append(Finding(kind="claim", quote=sentence, claim=sentence, basis="disputed_figure",
                                    why="A figure with no source.", how_to_verify="Ask for the data.", priority="high"))
        if " said" in sentence or " told" in sentence:
            findings.append(Finding(kind="source", quote=sentence, source_type="anonymous", why="Unnamed.",
                                    how_to_verify="Name them.", priority="medium"))
    return findings


class ScriptedAnalyzer:
    """An analyzer whose answers come from a function; records every text it is given."""

    name = "llm"

    def __init__(
        self,
        respond: Callable[[str], list[Finding]] = sentence_findings,
        *,
        identity: str = "scripted:v1",
        fail_with: AnalyzerError | None = None,
        delay: float = 0.0,
    ) -> None:
        self.respond = respond
        self.identity = identity
        self.fail_with = fail_with
        self.delay = delay
        self.calls: list[str] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()

    @property
    def cache_identity(self) -> str:
        return self.identity

    model = "scripted-model"
    prompt_version = "checklist-v2"

    def analyze(self, text: str, control: Control | None = None) -> AnalysisResult:
        with self._lock:
            self.calls.append(text)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.delay:
                time.sleep(self.delay)
            if self.fail_with is not None:
                raise self.fail_with
            return AnalysisResult(
                findings=self.respond(text),
                usage=Usage(requests=1, prompt_tokens=len(text) // 4, completion_tokens=10),
            )
        finally:
            with self._lock:
                self.in_flight -= 1
