"""The engine: article text in, grounded ``Checklist`` out. It knows nothing of Slack or terminals.

1. Validate the text and split it into paragraph units (the unit of caching).
2. Serve what the cache holds; pack the other units into sections of at most ``batch_chars`` and ask
   the primary analyzer (the LLM) for each, with bounded concurrency, under one ``Control`` (the
   check's LLM deadline and cancel switch).
3. Ground every finding in its unit; drop and count what cannot be located. A section whose answer
   is unusable is a failed answer: none of its items grounded while the model returned some, or more
   than ``max_dropped_share`` of them dropped (asked once more first), or an answer cut off at its
   output limit (its halves are asked first). The offline analyzer's items stand in for it.
4. A hard failure (auth, timeout after retries, the deadline) opens the circuit: ``control.cancel``
   stops retries in flight and every section not yet answered goes to the offline analyzer.
5. The offline analyzer always runs on its own fixed sections (``OFFLINE_SECTION_CHARS``) over the
   whole article, so its items never depend on the LLM's section size; a failed LLM section takes
   the offline items that start inside it.
6. Merge, de-duplicate, order by position and number from 1. Only a checklist with no failed section
   is cached as the article's.

``notes_language`` (a channel's "language for the bot's notes") asks the LLM for why/how_to_verify in
that language (default: the article's own) and is part of the LLM's cache identity; the offline
analyzer writes English only, and a checklist it made (wholly or partly) says so in ``stats.note``.
"""

from __future__ import annotations

import bisect
import logging
import math
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from bot.analyzers.base import Analyzer, AnalyzerError, Control
from bot.analyzers.offline.language import language_note
from bot.cache import AnalysisCache, UnitResult
from bot.grounding import Grounder
from bot.models import Attribution, Checklist, ChecklistStats, ClaimItem, Finding, Item, SourceItem, Span, Usage
from bot.text import (
    Unit,
    _cut_point,
    fingerprint,
    is_english,
    notes_language_label,
    pack,
    prepare_text,
    split_units,
    title_of,
)

log = logging.getLogger(__name__)

BATCH_SEPARATOR = "\n\n"
PRIORITY_RANK = {"high": 0, "medium": 1, "low": 2}
OFFLINE_SECTION_CHARS = 8_000  # the offline analyzer's own sections: fixed, whatever FACTCHECK_BATCH_CHARS says
ANSWER_ATTEMPTS = 2  # a failed (ungrounded) answer is asked once more before the offline analyzer stands in
TRUNCATION_SPLITS = 1  # a section cut off at its output limit is halved this many times before it falls back
MIN_SPLIT_CHARS = 200  # a shorter single paragraph is not split further


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
        concurrency: int = 2,
        batch_chars: int = 8_000,
        max_chars: int = 250_000,
        max_dropped_share: float = 0.5,
        deadline_seconds: float | None = None,
    ) -> None:
        self.analyzer = analyzer
        self.fallback = fallback
        self.cache = cache
        self.concurrency = concurrency
        self.batch_chars = batch_chars
        self.max_chars = max_chars
        self.max_dropped_share = max_dropped_share
        self.deadline_seconds = deadline_seconds

    @property
    def primary_is_offline(self) -> bool:
        return self.analyzer.name == "offline"

    def check(
        self, text: str, progress: ProgressCallback | None = None, *, notes_language: str | None = None
    ) -> Checklist:
        """``notes_language``: the language for why/how_to_verify (a language name; None or anything
        else: the article's own)."""
        started = time.monotonic()
        text = prepare_text(text, self.max_chars)
        language = notes_language_label(notes_language)
        identity = self.identity(language)
        if self.cache and (hit := self.cache.get_article(identity, text)):
            hit.stats.article_cache_hit = True
            hit.stats.cache_hits = hit.stats.chunks
            hit.stats.llm_requests = hit.stats.prompt_tokens = hit.stats.completion_tokens = 0
            hit.stats.elapsed_ms = _elapsed_ms(started)
            return _note_notes_language(hit, language)

        if self.primary_is_offline:
            checklist = self._offline_check(text, progress)
        else:
            checklist = self._llm_check(text, progress, language)
        checklist.stats.elapsed_ms = _elapsed_ms(started)
        if self.cache and not checklist.stats.fallback_sections:
            self.cache.put_article(identity, text, checklist)  # before the note: the offline entry serves any language
        return _note_notes_language(checklist, language)

    def identity(self, notes_language: str | None = None) -> str:
        """The primary analyzer's cache identity for notes in ``notes_language``: the LLM writes them in
        it, so each language has its own entries; the offline analyzer's notes are English whatever asked."""
        identity = self.analyzer.cache_identity
        if notes_language is None or self.primary_is_offline:
            return identity
        return f"{identity}:notes={notes_language}"

    # --- the offline analyzer: fixed sections over the whole article ----------------------------

    def _offline_check(self, text: str, progress: ProgressCallback | None) -> Checklist:
        offline = _offline_items(self.analyzer, self.cache, text, progress)
        stats = ChecklistStats(
            dropped_ungrounded=offline.dropped,
            chunks=offline.units,
            cache_hits=offline.cached,
            prompt_tokens=offline.usage.prompt_tokens,
            completion_tokens=offline.usage.completion_tokens,
            analyzer=self.analyzer.name,
            model=self.analyzer.model,
            prompt_version=self.analyzer.prompt_version,
        )
        return _checklist(text, offline.items, stats)

    # --- the LLM, with the offline analyzer standing in for failed sections ----------------------

    def _llm_check(self, text: str, progress: ProgressCallback | None, notes_language: str | None) -> Checklist:
        units = split_units(text, self.batch_chars)
        run = _Run(self, units, progress, notes_language)
        results = run.execute()
        items: list[Item] = []
        dropped = 0
        for unit, result in zip(units, results, strict=True):
            if result is None:
                continue
            dropped += result.dropped
            grounder = Grounder(unit.text)
            for finding in result.findings:
                item = ground_finding(finding, grounder, offset=unit.start)
                if item is None:
                    dropped += 1  # a cached quote no longer in an edited unit
                else:
                    items.append(item)
        failed = [unit for unit, result in zip(units, results, strict=True) if result is None]
        if failed:
            assert self.fallback is not None  # a failure without a fallback raised CheckFailed
            offline = _offline_items(self.fallback, self.cache, text, None)
            spans = [(unit.start, unit.end) for unit in failed]
            items.extend(item for item in offline.items if any(a <= item.start < b for a, b in spans))
        stats = ChecklistStats(
            dropped_ungrounded=dropped,
            chunks=len(units),
            cache_hits=run.cached_units,
            llm_requests=run.usage.requests if self.analyzer.name == "llm" else 0,
            prompt_tokens=run.usage.prompt_tokens,
            completion_tokens=run.usage.completion_tokens,
            analyzer=run.analyzer_label(),
            model=self.analyzer.model,
            prompt_version=self.analyzer.prompt_version,
            fallback_reason=run.fallback_reason(),
            model_answered=run.model_answered,
            fallback_sections=run.fallback_sections,
            split_sections=run.split_sections,
            llm_quotes=run.quotes_returned,
            llm_quotes_dropped=run.quotes_dropped,
        )
        return _checklist(text, items, stats)


def _note_notes_language(checklist: Checklist, notes_language: str | None) -> Checklist:
    """Say so when the offline analyzer wrote (some of) the notes in English though another language was asked."""
    stats = checklist.stats
    if is_english(notes_language) or "offline" not in stats.analyzer.split("+"):
        return checklist
    line = f"The notes are in English, not {notes_language}: the offline analyzer writes English only."
    stats.note = f"{stats.note} {line}" if stats.note else line
    return checklist


def _checklist(text: str, items: list[Item], stats: ChecklistStats) -> Checklist:
    items = _deduplicate(items)
    for number, item in enumerate(items, start=1):
        item.number = number
    stats.items = len(items)
    stats.claims = sum(1 for i in items if i.kind == "claim")
    stats.sources = stats.items - stats.claims
    if "offline" in stats.analyzer:
        stats.note = language_note(text)  # the offline rules read English only: say so, not "nothing found"
    return Checklist(
        article_id=fingerprint(text)[:16], title=title_of(text), text_length=len(text), items=items, stats=stats
    )


@dataclass
class _OfflineItems:
    items: list[Item] = field(default_factory=list)
    dropped: int = 0
    units: int = 0
    cached: int = 0
    usage: Usage = field(default_factory=Usage)


def _offline_items(
    analyzer: Analyzer, cache: AnalysisCache | None, text: str, progress: ProgressCallback | None
) -> _OfflineItems:
    """The offline analyzer's grounded items for the whole article, on its own fixed sections."""
    units = split_units(text, OFFLINE_SECTION_CHARS)
    identity = analyzer.cache_identity
    texts = [u.text for u in units]
    results: list[UnitResult | None] = list(cache.get_units(identity, texts) if cache else [None] * len(units))
    out = _OfflineItems(units=len(units), cached=sum(r is not None for r in results))
    done = out.cached
    if progress:
        progress(Progress(done, len(units), out.cached))
    for batch in pack(units, [i for i, r in enumerate(results) if r is None], OFFLINE_SECTION_CHARS):
        batch_results, usage, _ = analyze_units(analyzer, [units[i] for i in batch])
        out.usage.add(usage)
        for index, result in zip(batch, batch_results, strict=True):
            results[index] = result
        if cache:
            cache.put_units(identity, [(units[i].text, r) for i, r in zip(batch, batch_results, strict=True)])
        done += len(batch)
        if progress:
            progress(Progress(done, len(units), out.cached))
    for unit, result in zip(units, results, strict=True):
        assert result is not None
        out.dropped += result.dropped
        grounder = Grounder(unit.text)
        for finding in result.findings:
            item = ground_finding(finding, grounder, offset=unit.start)
            if item is None:
                out.dropped += 1
            else:
                out.items.append(item)
    return out


class _SectionFailed(Exception):
    """A section's answer was unusable; the offline analyzer takes it. Not a reason to stop asking."""

    def __init__(self, error: AnalyzerError) -> None:
        super().__init__(str(error))
        self.error = error


class _Run:
    """The state of one LLM check: which units came from where, usage, and the circuit."""

    def __init__(
        self, engine: Engine, units: list[Unit], progress: ProgressCallback | None, notes_language: str | None = None
    ) -> None:
        self.engine = engine
        self.units = units
        self.progress = progress
        self.notes_language = notes_language
        self.identity = engine.identity(notes_language)
        self.control = Control(engine.deadline_seconds)
        self.usage = Usage()
        self.cached_units = 0
        self.primary_units = 0
        self.fallback_units = 0
        self.fallback_sections = 0
        self.split_sections = 0
        self.model_answered: str | None = None
        self._reasons: dict[str, str] = {}  # failure kind -> its first message, in order of occurrence
        self._failure: AnalyzerError | None = None  # once set, remaining sections skip the primary
        self._truncation_error: AnalyzerError | None = None  # the first answer cut off even after halving
        self.quotes_returned = 0  # every quote of every LLM answer judged, failed answers included
        self.quotes_dropped = 0
        self._lock = threading.Lock()
        self._done = 0

    def execute(self) -> list[UnitResult | None]:
        """Per unit: its result, or None where the offline analyzer must stand in."""
        engine = self.engine
        identity = self.identity
        texts = [u.text for u in self.units]
        cached = engine.cache.get_units(identity, texts) if engine.cache else [None] * len(texts)
        results: list[UnitResult | None] = list(cached)
        self.cached_units = self._done = sum(r is not None for r in results)
        self._report()
        missing = [i for i, r in enumerate(results) if r is None]
        batches = pack(self.units, missing, engine.batch_chars)
        if len(batches) <= 1 or engine.concurrency <= 1:
            outcomes = [self._section(batch) for batch in batches]
        else:
            with ThreadPoolExecutor(max_workers=min(engine.concurrency, len(batches))) as pool:
                outcomes = list(pool.map(self._section, batches))
        for batch, outcome in zip(batches, outcomes, strict=True):
            for position, index in enumerate(batch):
                results[index] = outcome[position] if outcome is not None else None
            if outcome is not None and None in outcome:  # some halves were still cut off
                self._fell_back([i for i, r in zip(batch, outcome, strict=True) if r is None], self._truncation)
        return results

    def _section(self, batch: list[int]) -> list[UnitResult | None] | None:
        """One section: per unit the LLM's accepted result or None (the offline analyzer stands in)."""
        units = [self.units[i] for i in batch]
        try:
            if self._failure is not None:
                raise self._failure
            if self.control.expired():
                raise self._fail_hard(self._deadline_error())
            results = self._accepted(units)
        except _SectionFailed as failed:
            self._fell_back(batch, failed.error)
            return None
        except AnalyzerError as exc:
            if self._failure is None and exc.kind != "cancelled":
                self._fail_hard(exc)
            self._fell_back(batch, self._failure or exc)
            return None
        answered = [(u, r) for u, r in zip(units, results, strict=True) if r is not None]
        if self.engine.cache and answered:
            self.engine.cache.put_units(self.identity, [(u.text, r) for u, r in answered])
        with self._lock:
            self.primary_units += len(answered)
            self._done += len(answered)
        self._report()
        return results

    def _accepted(self, units: list[Unit]) -> list[UnitResult | None]:
        """The section's results once they pass the grounding test; asked again once if they do not."""
        problem = ""
        for _ in range(ANSWER_ATTEMPTS):
            results = self._ask(units, splits_left=TRUNCATION_SPLITS)
            if all(r is None for r in results):
                raise _SectionFailed(self._truncation)  # every piece was cut off: nothing to judge
            problem = self._judge([r for r in results if r is not None])
            if not problem:
                return results
            log.info("section of %d unit(s): %s", len(units), problem)
        raise _SectionFailed(AnalyzerError("ungrounded", problem))

    def _judge(self, results: list[UnitResult]) -> str:
        grounded = sum(len(r.findings) for r in results)
        dropped = sum(r.dropped for r in results)
        returned = grounded + dropped
        with self._lock:
            self.quotes_returned += returned
            self.quotes_dropped += dropped
        if not returned:
            return ""  # nothing to check is a valid answer
        share = self.engine.max_dropped_share
        if grounded == 0:
            return f"none of the {returned} quotes the model returned is in the article"
        if dropped / returned > share:
            return (
                f"{dropped} of the {returned} quotes the model returned are not in the article "
                f"(more than {share:.0%}: FACTCHECK_LLM_MAX_DROPPED_SHARE)"
            )
        return ""

    def _ask(self, units: list[Unit], splits_left: int) -> list[UnitResult | None]:
        """The LLM's results for ``units``. An answer cut off at its output limit is asked again as
        two halves; a unit whose piece is still cut off gets None (the offline analyzer takes it)."""
        try:
            results, usage, model = analyze_units(self.engine.analyzer, units, self.control, self.notes_language)
        except AnalyzerError as exc:
            self._add(exc.usage, getattr(exc, "model", None))  # failed attempts were billed too
            if exc.kind != "truncated":
                raise
            halves = _halves(units) if splits_left > 0 else None
            if halves is None:
                self._note_truncation(units, exc)
                return [None] * len(units)
            with self._lock:
                self.split_sections += 1
            log.info("section of %d chars was cut off at its output limit: asking for its halves", _chars(units))
            first, second = halves
            pieces = self._ask(first, splits_left - 1) + self._ask(second, splits_left - 1)
            return _merge_pieces(units, first + second, pieces)
        self._add(usage, model)
        return list(results)

    def _note_truncation(self, units: list[Unit], exc: AnalyzerError) -> None:
        with self._lock:
            if self._truncation_error is None:
                self._truncation_error = AnalyzerError(
                    "truncated",
                    f"The model's answer was cut off at its output limit, even for a section of {_chars(units):,} "
                    "characters (FACTCHECK_LLM_MAX_OUTPUT_TOKENS, FACTCHECK_BATCH_CHARS).",
                )

    @property
    def _truncation(self) -> AnalyzerError:
        return self._truncation_error or AnalyzerError("truncated", "The model's answer was cut off")

    def _add(self, usage: Usage, model: str | None) -> None:
        with self._lock:
            self.usage.add(usage)
            if model:
                self.model_answered = model

    def _deadline_error(self) -> AnalyzerError:
        seconds = self.engine.deadline_seconds or 0
        return AnalyzerError("deadline", f"The LLM did not finish within {seconds:g} s (FACTCHECK_LLM_DEADLINE).")

    def _fail_hard(self, exc: AnalyzerError) -> AnalyzerError:
        """Open the circuit: every later section goes to the fallback, retries in flight stop."""
        with self._lock:
            first = self._failure is None
            if first:
                self._failure = exc
        self.control.cancel.set()
        if self.engine.fallback is None:
            raise CheckFailed(str(exc)) from exc
        if first:  # the one log line for this failure (the client logs attempts below WARNING)
            shown = "the model refused" if exc.kind == "refusal" else exc  # a refusal may quote the article
            log.warning("analyzer %s failed (%s): %s", self.engine.analyzer.name, exc.kind, shown)
        return exc

    def _fell_back(self, batch: list[int], error: AnalyzerError) -> None:
        if self.engine.fallback is None:
            raise CheckFailed(str(error)) from error
        with self._lock:
            self.fallback_units += len(batch)
            self.fallback_sections += 1
            new = error.kind not in self._reasons
            self._reasons.setdefault(error.kind, str(error))
            self._done += len(batch)
        if new and error is not self._failure:  # a hard failure was logged when the circuit opened
            shown = "the model refused" if error.kind == "refusal" else error  # a refusal may quote the article
            log.warning("the offline analyzer stands in for a section (%s): %s", error.kind, shown)
        self._report()

    def fallback_reason(self) -> str | None:
        if not self._reasons:
            return None
        return "; ".join(f"{kind}: {message}" for kind, message in self._reasons.items())

    def _report(self) -> None:
        if self.progress:
            self.progress(Progress(self._done, len(self.units), self.cached_units))

    def analyzer_label(self) -> str:
        primary, fallback = self.engine.analyzer.name, self.engine.fallback
        if self.fallback_units and fallback is not None:
            return fallback.name if not (self.primary_units or self.cached_units) else f"{primary}+{fallback.name}"
        return primary


def _chars(units: list[Unit]) -> int:
    return sum(len(u.text) for u in units)


def _halves(units: list[Unit]) -> tuple[list[Unit], list[Unit]] | None:
    """Two smaller sections covering ``units``: split between units, or inside a lone long one."""
    if len(units) > 1:
        total, running = _chars(units), 0
        for index, unit in enumerate(units[:-1]):
            running += len(unit.text)
            if running >= total / 2:
                return units[: index + 1], units[index + 1 :]
        return units[:-1], units[-1:]
    unit = units[0]
    if len(unit.text) < MIN_SPLIT_CHARS:
        return None
    cut = _cut_point(unit.text, 0, math.ceil(len(unit.text) * 0.6))
    head, tail = unit.text[:cut].rstrip(), unit.text[cut:]
    skipped = len(tail) - len(tail.lstrip())
    tail = tail.lstrip()
    if not head or not tail:
        return None
    return [Unit(unit.start, unit.start + len(head), head)], [Unit(unit.start + cut + skipped, unit.end, tail)]


def _merge_pieces(
    units: list[Unit], pieces: list[Unit], results: list[UnitResult | None]
) -> list[UnitResult | None]:
    """Results for ``pieces`` (whole units, or parts of one unit) -> results for ``units``."""
    if len(pieces) == len(units):
        return results
    (unit,) = units  # pieces of one unit: shift each finding to the unit's own offsets
    if any(r is None for r in results):
        return [None]  # a unit is the LLM's whole or not at all
    merged = UnitResult([])
    for piece, result in zip(pieces, results, strict=True):
        assert result is not None
        shift = piece.start - unit.start
        merged.dropped += result.dropped
        for finding in result.findings:
            hint = finding.offset_hint + shift if finding.offset_hint is not None else None
            merged.findings.append(finding.model_copy(update={"offset_hint": hint}))
    return [merged]


def analyze_units(
    analyzer: Analyzer, units: list[Unit], control: Control | None = None, notes_language: str | None = None
) -> tuple[list[UnitResult], Usage, str | None]:
    """Analyze units as one text, then hand each finding to the unit its quote lies in.

    Findings are stored relative to their unit, with the quote as it stands in the text, so they
    can be cached per unit and reused when the unit reappears elsewhere. Returns the per-unit
    results, the usage and the model that answered (None from the offline analyzer).
    """
    batch_text = BATCH_SEPARATOR.join(u.text for u in units)
    starts: list[int] = []
    position = 0
    for unit in units:
        starts.append(position)
        position += len(unit.text) + len(BATCH_SEPARATOR)
    # Only what is set is passed: the offline analyzer takes neither (see ``Analyzer.analyze``).
    options = {"control": control} if control is not None else {}
    if notes_language is not None:
        options["notes_language"] = notes_language
    result = analyzer.analyze(batch_text, **options)
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
    return per_unit, result.usage, getattr(result, "model", None)


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

    def span(phrase: str | None, hint: int | None = None) -> Span | None:
        if not phrase:
            return None
        hint = located.start if hint is None else hint
        where = grounder.locate(phrase, hint=hint, within=near) or grounder.locate(phrase, hint=hint)
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
    attribution = None
    if finding.attribution is not None:
        found = finding.attribution
        # Within the claim's sentence first: the same phrase ("officials said") may recur nearby.
        where = grounder.locate(found.quote, hint=found.offset_hint, within=(located.start, located.end))
        where = where or grounder.locate(found.quote, hint=found.offset_hint or located.start, within=near)
        if where is not None:
            attribution = Attribution(
                text=text[where.start : where.end],
                start=where.start + offset,
                end=where.end + offset,
                source_type=found.source_type,
                hedges=[s for s in (span(c, where.start) for c in dict.fromkeys(found.hedge_cues)) if s is not None],
            )
    return ClaimItem(
        **common, claim=finding.claim or common["quote"], basis=finding.basis or "unsourced", attribution=attribution
    )


def _deduplicate(items: list[Item]) -> list[Item]:
    """Keep one item per place: of two same-kind items that mostly overlap, the higher priority one;
    and no source item for an attribution a claim already carries (one item per thing to check)."""
    ordered = sorted(items, key=lambda i: (PRIORITY_RANK[i.priority], i.start))
    kept: list[Item] = []
    for item in ordered:
        if not any(other.kind == item.kind and _mostly_overlap(other, item) for other in kept):
            kept.append(item)
    carried = sorted((i.attribution for i in kept if isinstance(i, ClaimItem) and i.attribution), key=lambda a: a.start)
    if carried:
        starts = [a.start for a in carried]
        longest = max(a.end - a.start for a in carried)

        def is_carried(item: Item) -> bool:
            lo = bisect.bisect_left(starts, item.start - longest)
            hi = bisect.bisect_left(starts, item.end)
            return any(_mostly_overlap(a, item) for a in carried[lo:hi])

        kept = [i for i in kept if i.kind == "claim" or not is_carried(i)]
    return sorted(kept, key=lambda i: (i.start, i.end, i.kind))


def _mostly_overlap(a: Item | Span, b: Item | Span) -> bool:
    overlap = min(a.end, b.end) - max(a.start, b.start)
    return overlap > 0 and overlap >= 0.6 * min(a.end - a.start, b.end - b.start)


def _elapsed_ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
