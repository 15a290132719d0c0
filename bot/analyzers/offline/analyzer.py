"""OfflineAnalyzer: rules and lexicons only, no network, no models.

Pipeline: segment sentences; run each rule family once over the whole text (compiled regexes and
``str.find``/``str.count`` are far faster than per-sentence calls); bucket matches into sentences
with ``bisect``; emit one source finding per attribution and at most one claim finding per sentence
or clause, ranked for an editor. Findings are built without pydantic validation (``_construct``):
every value comes from fixed tables or exact slices of the text.

Claims and hedges. A sentence is a claim when its check-worthiness score (``claims``) clears the
threshold. A hedged sentence below it is still listed when the hedge stands in for a missing source
("it is widely believed", "critics say": ``ATTRIBUTIVE_FLOOR``) or is another strong hedge on a
sentence with some substance (``WEASEL_FLOOR``) - but not when the speaker hedges their own view in
the first or second person ("I think we could perhaps ..."): that is opinion, not an unsourced claim.
This keeps Wikipedia-style weasel claims (and their cues) on the checklist without turning every
hedged line of debate talk into a claim.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from operator import attrgetter
from typing import NamedTuple, NoReturn, TypeVar

from bot.analyzers.offline import claims, describe
from bot.analyzers.offline.attribution import Attribution, classify, find_attributions
from bot.analyzers.offline.basis import DISPUTE, claim_basis, hedged_basis
from bot.analyzers.offline.hedges import WEAK_CUES, hedge_cues
from bot.analyzers.offline.lexicons import ATTRIBUTIVE_WEASELS
from bot.analyzers.offline.patterns import DATELINE
from bot.analyzers.offline.refine import closed, in_relative_clause, quote_spans, refine
from bot.analyzers.offline.sentences import split_sentences
from bot.models import AnalysisResult, Finding, FoundAttribution, SourceType, Usage

_BULLET = re.compile(r"[-•*–]\s")
_CONTENT = re.compile(r"[a-z]{4,}")
_MAX_HEADINGS = 40
_CLAUSE_MARKS = ("—", "–", ";", "--")
_CLAUSE_SPLIT = re.compile(r"\s+[—–]\s+|\s+--\s+|;\s+")
_DETERMINERS = frozenset({"the", "The", "a", "A", "an", "An"})
Hedge = tuple[int, int, bool, bool, bool]  # start, end, strong, shown to the editor, attributive weasel
AttrSpan = tuple[int, int, SourceType, int]  # an attribution's start, end, source type and index
# The attribution a claim carries when several share its sentence: the one most in need of checking.
_ATTRIBUTION_ORDER: tuple[SourceType, ...] = (
    "anonymous", "second_hand", "vague_group", "explicitly_unverified", "self_citation", "named_on_record"
)
_T = TypeVar("_T")
# str.find first: the phrases are rare. "has not said how many" is the absence of a statement too.
_NR_ANCHORS = ("respond", "reply", "return", "comment", "reached", "not said", "not say", "to say", "not disclose")
_NON_RESPONSE = re.compile(
    r"\b(?:did\s+not|didn['’]t|has\s+not|have\s+not|hasn['’]t|haven['’]t)\s+(?:immediately\s+)?"
    r"(?:respond|reply|return)|\bdeclined\s+to\s+comment|\bcould\s+not\s+be\s+reached"
    r"|\b(?:has|have|had|did|does|would)\s+not\s+(?:yet\s+)?(?:said|say|disclosed|disclose)\b"
    r"|\b(?:declined|refused)\s+to\s+(?:say|disclose)\b"
)
_PERSONAL = re.compile(r"\b(?:i|we|you|my|our|your|us|me)\b")
_NO_TYPES: frozenset[str] = frozenset()
_NAMED = frozenset({"named_on_record"})
_UNNAMED = frozenset({"vague_group", "anonymous"})
_MAX_BONUS = 0.8  # added to a claim's score when it rests on unnamed, vague or second-hand sources
# The scoring cut-offs, read once per claim unit: module globals are cheaper than attributes.
_THRESHOLD = claims.THRESHOLD
_ATTRIBUTIVE_FLOOR, _WEASEL_FLOOR = claims.ATTRIBUTIVE_FLOOR, claims.WEASEL_FLOOR
_ALL_FIELDS = set(Finding.model_fields)
_OFFSET = attrgetter("offset_hint")
_START, _END = attrgetter("start"), attrgetter("end")
_new = object.__new__
_set = object.__setattr__
assert not Finding.__pydantic_post_init__ and Finding.model_config.get("extra") != "allow"


def _construct(values: dict[str, object]) -> Finding:
    """``Finding.model_construct`` for values that are already valid and complete (every field
    given, literal types from fixed tables), without its per-field alias and default handling:
    the analyzer builds tens of thousands of these per megabyte.

    Every finding has every field set, so all share one fields-set: a set per finding would be
    a third of the findings' memory. Sharing is safe because pydantic only ever adds a field
    name to it (on assignment: already there) or copies it (``model_copy``)."""
    f = _new(Finding)
    _set(f, "__dict__", values)
    _set(f, "__pydantic_fields_set__", _ALL_FIELDS)
    _set(f, "__pydantic_extra__", None)
    _set(f, "__pydantic_private__", None)
    return f


class _NoCues(list[str]):
    """The empty ``hedge_cues`` that most findings share. A list of its own per finding would be a
    third of the objects the cyclic garbage collector tracks (and re-scans) on a large text; sharing
    one is safe because it refuses every in-place change. Pydantic serializes it as a plain list."""

    __slots__ = ()

    def _shared(self, *args: object, **kwargs: object) -> NoReturn:
        raise TypeError("the shared empty hedge_cues cannot be changed; assign a new list instead")

    append = extend = insert = remove = pop = clear = sort = reverse = _shared  # type: ignore[assignment]
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _shared  # type: ignore[assignment]


_NO_CUES = _NoCues()
_PRONOUNS = frozenset({"he", "she", "they", "i", "we", "you", "it", "who", "which"})


class OfflineAnalyzer:
    name = "offline"
    RULES_VERSION = "rules-8"

    @property
    def cache_identity(self) -> str:
        return f"offline:{self.RULES_VERSION}"

    @property
    def model(self) -> str | None:
        return None

    @property
    def prompt_version(self) -> str | None:
        return None

    def analyze(self, text: str) -> AnalysisResult:
        return AnalysisResult(findings=analyze_text(text), usage=Usage())


def _classify(phrase: str) -> SourceType:
    return classify(phrase, self_names=set())


def analyze_text(text: str) -> list[Finding]:
    sentences = split_sentences(text)
    if not sentences:
        return []
    # Index of the sentence holding an offset: how many sentences after the first start at or
    # before it (offsets before the first sentence count as in it).
    sentence_of = partial(bisect_right, [s for s, _ in sentences[1:]])

    low = claims.lowered(text)
    attributions = _dedupe_attributions(refine(text, find_attributions(text, low=low), sentences, _classify))
    attr_sentence = list(map(sentence_of, [a.start for a in attributions]))  # in order: sorted by start
    by_sentence_hedge = _hedges_by_sentence(text, low, sentence_of)
    no_hedges: tuple[Hedge, ...] = ()

    findings = [
        _source_finding(text, a, by_sentence_hedge.get(i, no_hedges), sentences[i])
        for i, a in zip(attr_sentence, attributions, strict=True)
    ]
    # The claims need only each attribution's span and type: as plain tuples, which the garbage
    # collector stops tracking, instead of keeping 100k+ tracked objects alive (and re-scanned).
    by_sentence_attr = _by_sentence(
        attr_sentence, [(a.start, a.end, a.source_type, n) for n, a in enumerate(attributions)]
    )
    unverified_sentences = {
        i for i, a in zip(attr_sentence, attributions, strict=True) if a.source_type == "explicitly_unverified"
    }
    del attributions

    skip = _repeated_headings(text, low, sentences)
    disputed = _disputed_sentences(text, low, sentences, sentence_of)
    speaker_of = _quote_speakers(text, by_sentence_attr, sentence_of)
    # "did not respond to requests for comment" is process, not a claim to check: where it occurs.
    non_response = sorted(
        m.start()
        for word in _NR_ANCHORS
        for pos in _positions(low, word)
        if (m := _NON_RESPONSE.search(low, max(0, pos - 40), pos + 20)) is not None
    )
    clause_hint = {sentence_of(pos) for mark in _CLAUSE_MARKS for pos in _positions(text, mark)}
    units, unit_sentence = _units(text, sentences, skip, clause_hint)
    scores, hints = claims.score_units(claims.prepare(text), units)  # the prepared texts are freed at once
    threshold = claims.THRESHOLD
    lowest = min(threshold - _MAX_BONUS, claims.ATTRIBUTIVE_FLOOR, claims.WEASEL_FLOOR)
    get_attrs, get_hedges = by_sentence_attr.get, by_sentence_hedge.get
    source_list = findings

    def phrase_of(n: int) -> str | None:
        return source_list[n].source_phrase
    claim_findings: list[Finding] = []
    carried: set[int] = set()  # attributions a claim carries: no source item of their own
    for (s, e), i, sc, hint in zip(units, unit_sentence, scores, hints, strict=True):
        if sc < lowest:
            continue  # the common case: plainly not a claim, decided without building anything
        attrs = get_attrs(i)
        hs = get_hedges(i)
        if sc < threshold and not attrs and not hs and speaker_of(s, e) is None:
            continue
        if non_response and (j := bisect_left(non_response, s)) < len(non_response) and non_response[j] < e:
            continue
        unverified_next = i + 1 in unverified_sentences
        context = _ClaimContext(unverified_next, i in disputed, speaker_of(s, e) if not attrs else None, phrase_of)
        f = _claim_finding(text, low, s, e, sc, hint, attrs or (), hs or no_hedges, context)
        if f is not None:
            if attrs and (own := _own_attribution(_not_relative(low, attrs), s, e)) is not None:
                source = findings[own]  # the source finding of attribution n is findings[n]
                f.__dict__["attribution"] = _attribution_of(source)
                carried.add(own)
            claim_findings.append(f)
    headline = _headline_end(text)
    if carried or headline:
        # A headline's "X says" is no item of its own (the body carries it); weak sourcing there is.
        findings = [
            f for n, f in enumerate(findings)
            if n not in carried and not (f.offset_hint < headline and f.source_type == "named_on_record")
        ]
    findings += claim_findings
    findings.sort(key=_OFFSET)  # every finding has its offset_hint set
    return findings


_WEAKEST_FIRST = {t: n for n, t in enumerate(_ATTRIBUTION_ORDER)}
def _not_relative(low: str, attrs: Sequence[AttrSpan]) -> list[AttrSpan]:
    """The attributions not inside a relative clause ("a session that critics described"); "that" after a
    reporting verb introduces what was said ("reported on Tuesday that an official said")."""
    return [a for a in attrs if not in_relative_clause(low, a[0])]


def _headline_end(text: str) -> int:
    """End of the first line when it is a headline (no sentence punctuation at its end), else 0."""
    first = text.split("\n", 1)[0].rstrip()
    return len(first) if first and "\n" in text and first[-1] not in ".!?\"”'’)" else 0


def _own_attribution(attrs: Sequence[AttrSpan], s: int, e: int) -> int | None:
    """The attribution a claim in ``text[s:e]`` rests on (the weakest inside it), by index."""
    inside = [a for a in attrs if a[0] >= s and a[1] <= e]
    if not inside:
        return None
    return min(inside, key=lambda a: _WEAKEST_FIRST[a[2]])[3]


def _attribution_of(source: Finding) -> FoundAttribution:
    """A source finding as the nested attribution of the claim that rests on it."""
    return FoundAttribution.model_construct(
        quote=source.quote,
        source_type=source.source_type,
        source_phrase=source.source_phrase,
        hedge_cues=list(source.hedge_cues),
        offset_hint=source.offset_hint,
    )


class _ClaimContext(NamedTuple):
    """What a claim's neighbours say about it."""

    unverified_next: bool  # the next sentence says the piece could not verify it
    disputed: bool  # a dispute is stated in its sentence or the next one of its paragraph
    quoted_by: SourceType | None  # the speaker's type, for a sentence inside an attributed quotation
    source_phrase: Callable[[int], str | None]  # who an attribution cites, by its index


def _disputed_sentences(
    text: str, low: str, sentences: list[tuple[int, int]], sentence_of: Callable[[int], int]
) -> set[int]:
    """Sentences with a dispute cue, and those just before them in the same paragraph (``low``: the
    lowercased text)."""
    out: set[int] = set()
    for m in DISPUTE.finditer(low):
        i = sentence_of(m.start())
        out.add(i)
        if i and "\n" not in text[sentences[i - 1][1] : sentences[i][0]]:
            out.add(i - 1)
    return out


def _quote_speakers(
    text: str, by_sentence_attr: dict[int, tuple[AttrSpan, ...]], sentence_of: Callable[[int], int]
) -> Callable[[int, int], SourceType | None]:
    """For a span, the type of the speaker of the quotation holding it: the attribution right after
    the closing mark ('..., not emptied," the official said') or right before the opening one."""
    spans: list[tuple[int, int, SourceType]] = []
    for qs, qe in quote_spans(text):
        if not closed(text, (qs, qe)):
            qe = qs  # an unclosed quotation runs on to a later paragraph: only a speaker before it counts
        for pos in (qe, qs - 1):
            for a_start, a_end, a_type, _ in by_sentence_attr.get(sentence_of(pos), ()):
                if (pos == qe and 0 <= a_start - qe <= 5) or (pos == qs - 1 and 0 <= qs - 1 - a_end <= 3):
                    spans.append((qs - 1, qe + 1, a_type))
                    break
    starts = [q[0] for q in spans]

    def speaker(s: int, e: int) -> SourceType | None:
        j = bisect_right(starts, s) - 1
        return spans[j][2] if j >= 0 and e <= spans[j][1] + 1 else None

    return speaker


def _hedges_by_sentence(text: str, low: str, sentence_of: Callable[[int], int]) -> dict[int, tuple[Hedge, ...]]:
    """The hedge cues of each sentence, by sentence index. Shown cues are strong hedges and
    approximators right before a figure ("nearly 400"); other weak cues ("often", "could") are
    everywhere in plain prose."""
    fig_after = _FIGURE_AFTER.match
    weak = WEAK_CUES
    cues = hedge_cues(low)  # in order of start
    hedges: list[Hedge] = []
    for hs, he, key in cues:
        strong = key not in weak
        hedges.append(
            (hs, he, strong, strong or fig_after(text, he) is not None, strong and key in ATTRIBUTIVE_WEASELS)
        )
    return _by_sentence(list(map(sentence_of, [c[0] for c in cues])), hedges)


def _by_sentence(sentence: list[int], items: list[_T]) -> dict[int, tuple[_T, ...]]:
    """``items`` grouped by their sentence index, given in nondecreasing order. A tuple per sentence,
    not a list: a tuple of ints and strings leaves the garbage collector's tracking, a list never
    does, and a large text has one per sentence."""
    out: dict[int, tuple[_T, ...]] = {}
    lo = 0
    for i, count in Counter(sentence).items():  # first-seen order, which is sentence order
        out[i] = tuple(items[lo : lo + count])
        lo += count
    return out


def _positions(text: str, needle: str) -> Iterator[int]:
    """Every start of ``needle`` in ``text``: ``str.find`` is far faster than a regex for one literal."""
    pos = text.find(needle)
    while pos >= 0:
        yield pos
        pos = text.find(needle, pos + 1)


def _units(
    text: str, sentences: list[tuple[int, int]], skip: set[int], clause_hint: set[int]
) -> tuple[list[tuple[int, int]], Sequence[int]]:
    """Spans to score as claims (sentences, or clauses of long sentences with dashes or semicolons)
    and the sentence index of each."""
    if not (skip or clause_hint):
        return sentences, range(len(sentences))
    units: list[tuple[int, int]] = []
    unit_sentence: list[int] = []
    for i, (s, e) in enumerate(sentences):
        if i in skip:
            continue
        if i in clause_hint and e - s >= 55:
            for cs, ce in _clauses(text, s, e):
                units.append((cs, ce))
                unit_sentence.append(i)
        else:
            units.append((s, e))
            unit_sentence.append(i)
    return units, unit_sentence


def _dedupe_attributions(attrs: list[Attribution]) -> list[Attribution]:
    """One attribution per source span: rules overlap ("X said" inside "X, who said ..., said")."""
    # By start, then the longest first: two stable sorts on plain attributes (C-level keys) give
    # the order of the key (start, -(end - start)) without building a tuple per attribution.
    attrs.sort(key=_END, reverse=True)
    attrs.sort(key=_START)
    out: list[Attribution] = []
    seen: set[tuple[int, int]] = set()
    for a in attrs:
        if (a.src_start, a.src_end) in seen:
            continue
        if out and a.start >= out[-1].start and a.end <= out[-1].end and a.src_start < out[-1].src_end:
            continue  # nested in the previous one and about the same speaker
        seen.add((a.src_start, a.src_end))
        out.append(a)
    return out


def _source_finding(text: str, a: Attribution, hedges: Sequence[Hedge], sentence: tuple[int, int]) -> Finding:
    phrase = text[a.src_start : a.src_end]
    cues = (_cues(text, hedges, a.start, a.end) or _NO_CUES) if hedges else _NO_CUES
    around = text[sentence[0] : sentence[1]]
    why = describe.source_why(a.source_type, phrase, a.via)
    how = describe.source_how(a.source_type, phrase, around, a.via)
    # Every field is already valid (literal types from fixed tables): skip pydantic validation.
    return _construct(
        {
            "kind": "source",
            "quote": text[a.start : a.end],
            "claim": "",
            "basis": None,
            "source_type": a.source_type,
            "source_phrase": phrase,
            "hedge_cues": cues,
            "why": why,
            "how_to_verify": how,
            "priority": describe.source_priority(a.source_type),
            "offset_hint": a.start,
            "attribution": None,
        }
    )


_FIGURE_AFTER = re.compile(r"\s{1,3}[$£€]?\d")


def _cues(text: str, hedges: Sequence[Hedge], start: int, end: int) -> list[str]:
    """Cue strings to show inside ``text[start:end]``."""
    return [text[h[0] : h[1]] for h in hedges if h[3] and h[0] >= start and h[1] <= end]


def _repeated_headings(text: str, low: str, sentences: list[tuple[int, int]]) -> set[int]:
    """Headline and summary bullets that only restate the body add no claim of their own: indices
    of headings (the first line, bullets) whose content words mostly occur in the body too."""
    # A first line is a headline only when it does not end like a sentence; bullets always count.
    first_s, first_e = sentences[0]
    # Summary bullets are read like body sentences: each is a claim the reader takes away.
    heads = []
    if text[first_e - 1] not in ".!?\"”'’)" and not _BULLET.match(text, first_s):
        heads.append(0)
    if len(heads) > _MAX_HEADINGS:
        heads = heads[:_MAX_HEADINGS]
    spans = [sentences[i] for i in heads]
    head_starts = [s for s, _ in spans]

    def in_heading(pos: int) -> bool:
        j = bisect_right(head_starts, pos) - 1
        return j >= 0 and pos < spans[j][1]

    found: dict[str, bool] = {}

    def in_body(word: str) -> bool:
        if word not in found:
            found[word] = False
            pos = low.find(word)
            while pos >= 0:
                end = pos + len(word)
                whole = (pos == 0 or not low[pos - 1].isalpha()) and (end == len(low) or not low[end].isalpha())
                if whole and not in_heading(pos):
                    found[word] = True
                    break
                pos = low.find(word, end)
        return found[word]

    out = set()
    for i, (s, e) in zip(heads, spans, strict=True):
        words = set(_CONTENT.findall(low, s, e))
        if words and sum(1 for w in words if in_body(w)) >= 0.6 * len(words):
            out.add(i)
    return out


def _clauses(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """Split at dashes and semicolons when both sides are substantial ("X — that's almost as Y")."""
    out = []
    cur = s
    for m in _CLAUSE_SPLIT.finditer(text, s, e):
        if m.start() - cur >= 25 and e - m.end() >= 25:
            out.append((cur, m.start()))
            cur = m.end()
    out.append((cur, e))
    return out


def _claim_finding(
    text: str,
    low: str,
    s: int,
    e: int,
    score: float,
    hint: int,
    attrs: Sequence[AttrSpan],
    hedges: Sequence[Hedge],
    context: _ClaimContext,
) -> Finding | None:
    # An attribution inside a relative clause ("a session that critics described as rushed") is about a
    # noun of the claim, not the claim's own source: it stays a source item of its own.
    inside = [a for a in _not_relative(low, attrs) if a[0] >= s and a[1] <= e] if attrs else ()
    types: set[str] | frozenset[str] = {a[2] for a in inside} if inside else _NO_TYPES
    if not inside and context.quoted_by is not None:
        types = {context.quoted_by}  # a sentence of a quotation whose speaker is named after it
    named_only = False
    bonus = 0.0
    if types:
        if "explicitly_unverified" in types and any(
            a_type == "explicitly_unverified" and a_start - s <= 4 for a_start, _, a_type, _ in inside
        ):
            return None  # "We could not verify X": the source item says it; the claim is the sentence before
        named_only = types == _NAMED
        # A named person's own words in quotation marks: the source item covers it.
        if named_only and claims.quoted_share(text, s, e) > 0.3:
            return None
        bonus = 0.0 if types <= _NAMED else _MAX_BONUS
    # One pass over the sentence's cues: those inside the unit, whether any is strong or a weasel
    # standing in for a source, and the ones to show.
    strong = weasel = False
    cues: list[str] = []
    for hs, he, is_strong, shown, is_weasel in hedges:
        if hs >= s and he <= e:
            if is_strong:
                strong = True
                weasel = weasel or is_weasel
            if shown:
                cues.append(text[hs:he])
    attributive = weasel or not types.isdisjoint(_UNNAMED)
    # Weasel-worded statements ("it is widely believed", "critics say") are unverified claims even
    # with little else in them; other strong hedges ("probably") need a fairly specific sentence.
    floor = _ATTRIBUTIVE_FLOOR if attributive else _WEASEL_FLOOR
    if score + bonus < _THRESHOLD and (
        not (strong or attributive) or score <= floor or _PERSONAL.search(low, s, e)
    ):
        return None  # a speaker hedging their own view ("I think maybe we") is opinion, not a weasel
    claim = _claim_text(text, s, e, inside)
    basis = claim_basis(text[s:e], types, disputed=context.disputed, unverified_next=context.unverified_next)
    if named_only and basis == "unsourced":
        if not strong:
            return None  # a plain fact a named source states on the record: its source item says what to check
        basis = hedged_basis(text[s:e])  # attributed but hedged: never "no source"
    own = _own_attribution(inside, s, e) if inside else None
    own_type = own_phrase = own_src = None
    if own is not None:
        a_start, a_end, own_type, _ = next(a for a in inside if a[3] == own)
        own_phrase = text[a_start:a_end]
        own_src = context.source_phrase(own)
    sentence = text[s:e]
    quoted_by = context.quoted_by if not inside else None
    attribution = (own_type, own_phrase) if own_type is not None and own_phrase is not None else None
    why = describe.claim_why(basis, sentence, attribution, quoted_by)
    if cues:
        why += " Hedged: “" + "”, “".join(dict.fromkeys(cues)) + "”."
    how = describe.claim_how(basis, sentence, attribution, own_src)
    priority = describe.claim_priority(basis, sentence, own_type, quoted_by)
    return _construct(
        {
            "kind": "claim",
            "quote": text[s:e],
            "claim": claim,
            "basis": basis,
            "source_type": None,
            "source_phrase": None,
            "hedge_cues": cues or _NO_CUES,
            "why": why,
            "how_to_verify": how,
            "priority": priority,
            "offset_hint": s,
            "attribution": None,
        }
    )


def _claim_text(text: str, s: int, e: int, inside: Sequence[AttrSpan]) -> str:
    """The assertion without its attribution: for each attribution keep the longer side of it
    ("X, the Journal reported" → X; "officials told the Journal that X" → X). ``inside`` is in
    order of start, as the attributions are."""
    cs, ce = s, e
    cut: tuple[int, int] | None = None  # an attribution set off by commas inside the claim
    for a_start, a_end, _, _ in inside:
        if a_start < cs or a_end > ce or text.startswith(("'s ", "’s "), a_end):
            continue  # a possessive owner ("the council's own report found X") leaves the claim whole
        after = _ADVERBIAL_COMMA.match(text, a_end)
        if a_start - cs >= 25 and ce - a_end >= 25 and text[a_start - 2 : a_start] == ", " and after is not None:
            cut = (a_start - 2, after.end())  # "a raise that, union officials said (on Monday), was too low"
        elif a_start - cs >= ce - a_end:
            ce = a_start
        else:
            cs = a_end
    whole = cut is not None and cs <= cut[0] and cut[1] <= ce
    if cut is not None and whole and any(a_start >= cut[1] for a_start, _, _, _ in inside):
        ce = cut[0]  # "..., researchers said, a result experts called ...": the rest is another's comment
        whole = False
    if cut is not None and whole:
        left = text[cs : cut[0]]
        joint = "" if re.search(r"\b(?:that|which|who)$", left) else ","
        body = left + joint + text[cut[1] : ce]
    else:
        body = text[cs:ce]
    body = _DANGLING_APPOSITIVE.sub("", _trail_det(body)).strip(" ,;:.\"“”'")
    body = _close_quote(_lead_that(_DATELINE.sub("", _TRAIL_CONJUNCTION.sub("", _BULLET_LEAD.sub("", body)))))
    if len(body) < 15:
        body = _BULLET_LEAD.sub("", text[s:e].strip())
    if len(body) > 400:
        body = body[:397].rsplit(" ", 1)[0] + "…"
    return body


_BULLET_LEAD = re.compile(r"^[-•*–]\s+")
_DANGLING_APPOSITIVE = re.compile(r",\s+(?:a|an)\s+(?:charge|claim|figure|view|move|decision|step)\s*$")
_ADVERBIAL_COMMA = re.compile(r"(?:\s+(?:on|in|last|this|late|early)\s+[A-Za-z]+(?:\s+\d{1,2})?)?,")


def _close_quote(body: str) -> str:
    """Put back the closing quote mark that trimming took off a claim ending in a quotation
    ('called it a "security matter,"' → 'called it a "security matter"')."""
    if body.count('"') % 2:
        return body + '"'
    if body.count("“") > body.count("”"):
        return body + "”"
    return body


def _trail_det(body: str) -> str:
    """Drop a trailing article ("..., the") left when a name rule skipped "the"."""
    body = body.rstrip()
    cut = body.rfind(" ")
    if cut > 0 and body[cut + 1 :] in _DETERMINERS:
        return body[:cut].rstrip()
    return body


# Left over when an attribution is cut off a claim: a dangling conjunction at the end ("..., although"
# before "the documents do not list a rate"), an adverb before "that" at the start ("has reported
# previously that ..."), and a wire dateline ("RIVERTON (Meridian Wire) - ").
_TRAIL_CONJUNCTION = re.compile(
    r"[,;]?\s+(?:although|though|but|while|whereas|and|or|because|as|that|which|who)$", re.IGNORECASE
)
_LEAD_ADVERB_THAT = re.compile(
    r"(?:(?:[a-z]+ly|also|earlier|again|already|before|yesterday|today)"
    r"|(?:last|this|earlier\s+this|on)\s+(?:week|month|year|weekend|[A-Z][a-z]+day))\s+(?=that\s)"
)
_DATELINE = re.compile("^" + DATELINE)
_LEAD_MEDIUM_THAT = re.compile(
    r"(?:in|on|at|during)\s+(?:a|an|the|its|his|her|their)\s+(?:[\w\-]+\s+){0,3}?"
    r"(?:statement|interview|letter|post|video|briefing|call|speech|filing|report|email|note)"
    r"(?:\s+(?:on|last|this)\s+\w+)?\s+(?=that\s)"
)


def _lead_that(body: str) -> str:
    """Drop a leading "that " or ", " left after cutting the attribution off ("in a statement that")."""
    if (adverb := _LEAD_ADVERB_THAT.match(body)) is not None:
        body = body[adverb.end() :]
    if (medium := _LEAD_MEDIUM_THAT.match(body)) is not None:
        body = body[medium.end() :]
    if body[:4] == "that" and body[4:5].isspace():
        return body[4:].lstrip()
    if body[:1] == "," and body[1:2].isspace():
        return body[1:].lstrip()
    return body
