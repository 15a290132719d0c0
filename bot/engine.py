"""The engine: article text in, grounded ``Checklist`` out. It knows nothing of Slack or terminals.

1. Validate the text and split it into paragraph units (the unit of caching).
2. Serve what the cache holds; pack the other units into batches and analyze them with bounded
   concurrency. When the primary analyzer (the LLM) fails, the fallback (offline rules) takes that
   batch and every batch not yet started.
3. Ground every finding in its unit; drop and count what cannot be located.
4. Merge, de-duplicate, order by position and number from 1.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from bot.analyzers.base import Analyzer, AnalyzerError
from bot.cache import AnalysisCache, UnitResult
from bot.grounding import Grounder
from bot.models import Checklist, ChecklistStats, ClaimItem, Finding, Item, SourceItem, Span, Usage
from bot.text import Unit, fingerprint, pack, prepare_text, split_units, title_of

log = logging.getLogger(__name__)

BATCH_SEPARATOR = "\n\n"
PRIORITY_RANK = {"high": 0, "medium": 1, "low": 2}


@dataclass(frozen=True)
class Progress:
    done: int  # units analyzed or served from the cache
    total: int
    cached: int


ProgressCallback = Callable[[Progress], None]


class CheckFailed(Exception):
    """The analyzer failed and no fallback could stand in."""


class Engine:
    def __init__(
        self,
        analyzer: Analyzer,
        *,
        fallback: Analyzer | None = None,
        cache: AnalysisCache | None = None,
        concurrency: int = 4,
        batch_chars: int = 8_000,
        max_chars: int = 250_000,
    ) -> None:
        self.analyzer = analyzer
        self.fallback = fallback
        self.cache = cache
        self.concurrency = concurrency
        self.batch_chars = batch_chars
        self.max_chars = max_chars

    def check(self, text: str, progress: ProgressCallback | None = None) -> Checklist:
        started = time.monotonic()
        text = prepare_text(text, self.max_chars)
        identity = self.analyzer.cache_identity
        if self.cache and (hit := self.cache.get_article(identity, text)):
            hit.stats.article_cache_hit = True
            hit.stats.cache_hits = hit.stats.chunks
            hit.stats.llm_requests = hit.stats.prompt_tokens = hit.stats.completion_tokens = 0
            hit.stats.elapsed_ms = _elapsed_ms(started)
            return hit

        units = split_units(text, self.batch_chars)
        run = _Run(self, units, progress)
        results = run.execute()
        checklist = self._assemble(text, units, results, run)
        checklist.stats.elapsed_ms = _elapsed_ms(started)
        if self.cache and not run.fallback_units:
            self.cache.put_article(identity, text, checklist)
        return checklist

    def _assemble(self, text: str, units: list[Unit], results: list[UnitResult], run: _Run) -> Checklist:
        items: list[Item] = []
        dropped = 0
        for unit, result in zip(units, results, strict=True):
            dropped += result.dropped
            grounder = Grounder(unit.text)
            for finding in result.findings:
                item = ground_finding(finding, grounder, offset=unit.start)
                if item is None:
                    dropped += 1  # a cached quote no longer in an edited unit
                else:
                    items.append(item)
        items = _deduplicate(items)
        for number, item in enumerate(items, start=1):
            item.number = number
        claims = sum(1 for i in items if i.kind == "claim")
        stats = ChecklistStats(
            items=len(items),
            claims=claims,
            sources=len(items) - claims,
            dropped_ungrounded=dropped,
            chunks=len(units),
            cache_hits=run.cached_units,
            llm_requests=run.usage.requests if self.analyzer.name == "llm" else 0,
            prompt_tokens=run.usage.prompt_tokens,
            completion_tokens=run.usage.completion_tokens,
            analyzer=run.analyzer_label(),
            model=self.analyzer.model,
            prompt_version=self.analyzer.prompt_version,
            fallback_reason=run.fallback_reason,
        )
        return Checklist(
            article_id=fingerprint(text)[:16], title=title_of(text), text_length=len(text), items=items, stats=stats
        )


class _Run:
    """The state of one check: which units came from where, usage, and the fallback's circuit."""

    def __init__(self, engine: Engine, units: list[Unit], progress: ProgressCallback | None) -> None:
        self.engine = engine
        self.units = units
        self.progress = progress
        self.usage = Usage()
        self.cached_units = 0
        self.primary_units = 0
        self.fallback_units = 0
        self.fallback_reason: str | None = None
        self._failure: AnalyzerError | None = None  # once set, remaining batches skip the primary
        self._lock = threading.Lock()
        self._done = 0

    def execute(self) -> list[UnitResult]:
        engine = self.engine
        identity = engine.analyzer.cache_identity
        texts = [u.text for u in self.units]
        cached = engine.cache.get_units(identity, texts) if engine.cache else [None] * len(texts)
        results: list[UnitResult | None] = list(cached)
        self.cached_units = self._done = sum(r is not None for r in results)
        self._report()
        missing = [i for i, r in enumerate(results) if r is None]
        batches = pack(self.units, missing, engine.batch_chars)
        if len(batches) <= 1 or engine.concurrency <= 1:
            outcomes = [self._analyze_batch(batch) for batch in batches]
        else:
            with ThreadPoolExecutor(max_workers=min(engine.concurrency, len(batches))) as pool:
                outcomes = list(pool.map(self._analyze_batch, batches))
        for batch, outcome in zip(batches, outcomes, strict=True):
            for index, result in zip(batch, outcome, strict=True):
                results[index] = result
        return [r if r is not None else UnitResult([]) for r in results]

    def _analyze_batch(self, batch: list[int]) -> list[UnitResult]:
        engine = self.engine
        if self._failure is None:
            try:
                results, usage = analyze_units(engine.analyzer, [self.units[i] for i in batch])
            except AnalyzerError as exc:
                with self._lock:
                    self.usage.add(exc.usage)  # failed attempts were billed too
                    if self._failure is None:
                        self._failure = exc
                        # A refusal's text may quote the article: only its kind at WARNING.
                        shown = "the model refused" if exc.kind == "refusal" else exc
                        log.warning("analyzer %s failed (%s): %s", engine.analyzer.name, exc.kind, shown)
                if engine.fallback is None:
                    raise CheckFailed(str(exc)) from exc
            else:
                self._finish(batch, results, usage, engine.analyzer, primary=True)
                return results
        assert engine.fallback is not None and self._failure is not None
        results, usage = analyze_units(engine.fallback, [self.units[i] for i in batch])
        self._finish(batch, results, usage, engine.fallback, primary=False)
        return results

    def _finish(
        self, batch: list[int], results: list[UnitResult], usage: Usage, analyzer: Analyzer, *, primary: bool
    ) -> None:
        if self.engine.cache:
            self.engine.cache.put_units(
                analyzer.cache_identity, [(self.units[i].text, r) for i, r in zip(batch, results, strict=True)]
            )
        with self._lock:
            self.usage.add(usage)
            if primary:
                self.primary_units += len(batch)
            else:
                self.fallback_units += len(batch)
                if self.fallback_reason is None and self._failure is not None:
                    self.fallback_reason = f"{self._failure.kind}: {self._failure}"
            self._done += len(batch)
        self._report()

    def _report(self) -> None:
        if self.progress:
            self.progress(Progress(self._done, len(self.units), self.cached_units))

    def analyzer_label(self) -> str:
        primary, fallback = self.engine.analyzer.name, self.engine.fallback
        if self.fallback_units and fallback is not None:
            return fallback.name if not (self.primary_units or self.cached_units) else f"{primary}+{fallback.name}"
        return primary


def analyze_units(analyzer: Analyzer, units: list[Unit]) -> tuple[list[UnitResult], Usage]:
    """Analyze units as one text, then hand each finding to the unit its quote lies in.

    Findings are stored relative to their unit, with the quote as it stands in the text, so they
    can be cached per unit and reused when the unit reappears elsewhere.
    """
    batch_text = BATCH_SEPARATOR.join(u.text for u in units)
    starts: list[int] = []
    position = 0
    for unit in units:
        starts.append(position)
        position += len(unit.text) + len(BATCH_SEPARATOR)
    result = analyzer.analyze(batch_text)
    grounder = Grounder(batch_text)
    per_unit = [UnitResult([]) for _ in units]
    for finding in result.findings:
        located = grounder.locate(finding.quote, hint=finding.offset_hint)
        index = _unit_containing(starts, units, located.start, located.end) if located else None
        if located is None or index is None:
            per_unit[0].dropped += 1
            log.debug("dropped ungrounded quote %r", finding.quote[:80])
            continue
        relative = located.start - starts[index]
        per_unit[index].findings.append(
            finding.model_copy(update={"quote": batch_text[located.start : located.end], "offset_hint": relative})
        )
    return per_unit, result.usage


def _unit_containing(starts: list[int], units: list[Unit], start: int, end: int) -> int | None:
    for index in range(len(units) - 1, -1, -1):
        if starts[index] <= start:
            return index if end <= starts[index] + len(units[index].text) else None
    return None


def ground_finding(finding: Finding, grounder: Grounder, offset: int = 0) -> Item | None:
    """A finding located in ``grounder``'s text -> an item with offsets shifted by ``offset``."""
    located = grounder.locate(finding.quote, hint=finding.offset_hint)
    if located is None:
        return None
    text = grounder.text
    # Sub-spans are searched near the quote first (the same cue may occur elsewhere), then anywhere.
    near = (max(0, located.start - 300), min(len(text), located.end + 300))

    def span(phrase: str | None) -> Span | None:
        if not phrase:
            return None
        where = grounder.locate(phrase, hint=located.start, within=near) or grounder.locate(phrase, hint=located.start)
        if where is None:
            return None
        return Span(text=text[where.start : where.end], start=where.start + offset, end=where.end + offset)

    hedges = [s for s in (span(cue) for cue in dict.fromkeys(finding.hedge_cues)) if s is not None]
    common = {
        "number": 0,
        "quote": text[located.start : located.end],
        "start": located.start + offset,
        "end": located.end + offset,
        "why": finding.why,
        "how_to_verify": finding.how_to_verify,
        "priority": finding.priority,
        "hedges": hedges,
    }
    if finding.kind == "source":
        return SourceItem(**common, source_type=finding.source_type or "anonymous", source=span(finding.source_phrase))
    return ClaimItem(**common, claim=finding.claim or common["quote"], basis=finding.basis or "unsourced")


def _deduplicate(items: list[Item]) -> list[Item]:
    """Keep one item per place: of two same-kind items that mostly overlap, the higher priority one."""
    ordered = sorted(items, key=lambda i: (PRIORITY_RANK[i.priority], i.start))
    kept: list[Item] = []
    for item in ordered:
        if not any(other.kind == item.kind and _mostly_overlap(other, item) for other in kept):
            kept.append(item)
    return sorted(kept, key=lambda i: (i.start, i.end, i.kind))


def _mostly_overlap(a: Item, b: Item) -> bool:
    overlap = min(a.end, b.end) - max(a.start, b.start)
    return overlap > 0 and overlap >= 0.6 * min(a.end - a.start, b.end - b.start)


def _elapsed_ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
