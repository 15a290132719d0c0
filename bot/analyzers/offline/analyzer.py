"""OfflineAnalyzer: rules and lexicons only, no network, no models.

Pipeline: segment sentences; run each rule family once over the whole text (compiled regexes are far
faster than per-sentence calls); bucket matches into sentences; emit one source finding per
attribution and at most one claim finding per sentence or clause, ranked for an editor.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from bot.analyzers.offline import claims
from bot.analyzers.offline.attribution import Attribution, find_attributions
from bot.analyzers.offline.hedges import find_hedges
from bot.analyzers.offline.lexicons import ATTRIBUTIVE_WEASELS
from bot.analyzers.offline.sentences import split_sentences
from bot.models import AnalysisResult, Finding, Priority, SourceType, Usage

_SOURCE_PRIORITY: dict[SourceType, Priority] = {
    "anonymous": "high",
    "second_hand": "high",
    "explicitly_unverified": "high",
    "self_citation": "medium",
    "vague_group": "medium",
    "named_on_record": "low",
}
_SOURCE_WHY: dict[SourceType, str] = {
    "anonymous": "The source is not named, so readers cannot judge their access or motives.",
    "second_hand": "The information comes from another outlet's reporting, not our own.",
    "self_citation": "The piece leans on our own earlier reporting instead of a primary source.",
    "vague_group": "A vague group is cited without names, so the claim cannot be traced to anyone.",
    "explicitly_unverified": "The piece itself says this could not be verified.",
    "named_on_record": "A named source on the record; check the words and the attribution are accurate.",
}
_SOURCE_HOW: dict[SourceType, str] = {
    "anonymous": "Ask the reporter who the sources are, how they know, and whether a second source confirms.",
    "second_hand": "Read the original report, confirm it says this, link and credit it, or confirm it ourselves.",
    "self_citation": "Find the earlier story, check it still stands (no corrections), and link it.",
    "vague_group": "Ask which analysts or experts said this and name at least one, or cut the generalisation.",
    "explicitly_unverified": "Keep the caveat prominent; try official data or a second independent source.",
    "named_on_record": "Check the quote or paraphrase against the recording, transcript or statement.",
}
_BASIS_WHY = {
    "unsourced": "Asserted as fact with no attribution.",
    "anonymous_source": "Rests on unnamed sources.",
    "second_hand": "Rests on another outlet's reporting.",
    "disputed_figure": "A specific figure that is not sourced in the sentence.",
    "comparison": "A comparison or ranking that depends on figures not given here.",
    "prediction": "A statement about the future or about intentions that cannot yet be checked.",
    "characterisation": "An interpretation or label rather than an established fact.",
    "not_independently_verified": "The piece says this could not be independently verified.",
}
_BASIS_HOW = {
    "unsourced": "Find a primary source (document, data, on-record official) or attribute it.",
    "anonymous_source": "Confirm with a named or second independent source, or keep it clearly attributed.",
    "second_hand": "Check the original report and whether anyone has confirmed it independently.",
    "disputed_figure": "Trace the number to its original source and check units, dates and rounding.",
    "comparison": "Get both figures from the same source and period and recompute the comparison.",
    "prediction": "Attribute it to whoever predicts it, or soften it to what is known now.",
    "characterisation": "Check who makes this reading; attribute it or back it with evidence.",
    "not_independently_verified": "Look for official data or an independent source; keep the caveat.",
}
_BULLET = re.compile(r"[-•*–]\s")
_CONTENT = re.compile(r"[A-Za-z]{4,}")
_CLAUSE_SPLIT = re.compile(r"\s+[—–]\s+|\s+--\s+|;\s+")
_TRAIL_DET = re.compile(r"\s+(?:[Tt]he|[Aa]n?)\s*$")  # "..., the" left when a name rule skipped "the"
_LEAD_THAT = re.compile(r"^(?:that|,)\s+")
_SPACES = re.compile(r"\s+")
_NON_RESPONSE = re.compile(
    r"(?i)\b(?:did\s+not|didn['’]t|has\s+not|have\s+not|hasn['’]t|haven['’]t)\s+(?:immediately\s+)?"
    r"(?:respond|reply|return)|\bdeclined\s+to\s+comment|\bcould\s+not\s+be\s+reached"
)
_PRONOUNS = frozenset({"he", "she", "they", "i", "we", "you", "it", "who", "which"})


class OfflineAnalyzer:
    name = "offline"
    RULES_VERSION = "rules-1"

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


def analyze_text(text: str) -> list[Finding]:
    sentences = split_sentences(text)
    if not sentences:
        return []
    starts = [s for s, _ in sentences]

    def sentence_of(pos: int) -> int:
        return max(0, bisect_right(starts, pos) - 1)

    attributions = _dedupe_attributions(find_attributions(text))
    low = claims.lowered(text)
    hedges = find_hedges(text, low)
    by_sentence_attr: dict[int, list[Attribution]] = {}
    for a in attributions:
        by_sentence_attr.setdefault(sentence_of(a.start), []).append(a)
    by_sentence_hedge: dict[int, list[tuple[int, int, bool]]] = {}
    for h in hedges:
        by_sentence_hedge.setdefault(sentence_of(h[0]), []).append(h)

    findings = [
        _source_finding(text, a, by_sentence_hedge.get(sentence_of(a.start), [])) for a in attributions
    ]

    body_words = _body_words(text, sentences)
    units: list[tuple[int, int, int]] = []  # (start, end, sentence index)
    for i, (s, e) in enumerate(sentences):
        heading = i == 0 or _BULLET.match(text, s) is not None
        if heading and _repeats(text, s, e, body_words):
            continue
        units.extend((cs, ce, i) for cs, ce in _clauses(text, s, e))
    hits = claims.feature_hits(text, [(s, e) for s, e, _ in units], low)
    for (s, e, i), h in zip(units, hits, strict=True):
        sc = claims.score_unit(text, s, e, h)
        f = _claim_finding(
            text, s, e, sc, by_sentence_attr.get(i, []), by_sentence_hedge.get(i, []), i, by_sentence_attr
        )
        if f is not None:
            findings.append(f)
    findings.sort(key=lambda f: f.offset_hint or 0)
    return findings


def _dedupe_attributions(attrs: list[Attribution]) -> list[Attribution]:
    """One attribution per source span: rules overlap ("X said" inside "X, who said ..., said")."""
    attrs.sort(key=lambda a: (a.start, -(a.end - a.start)))
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


def _source_finding(text: str, a: Attribution, hedges: list[tuple[int, int, bool]]) -> Finding:
    phrase = text[a.src_start : a.src_end]
    cues = _cues(text, hedges, a.start, a.end)
    why = _SOURCE_WHY[a.source_type]
    if a.via and a.source_type != "second_hand":
        why += f" It reached us via {a.via}."
    if a.source_type == "named_on_record" and phrase.lower() in _PRONOUNS:
        why = "A pronoun stands for a source named earlier; make sure it is clear who is speaking."
    return Finding(
        kind="source",
        quote=text[a.start : a.end],
        source_type=a.source_type,
        source_phrase=phrase,
        hedge_cues=cues,
        why=why,
        how_to_verify=_SOURCE_HOW[a.source_type],
        priority=_SOURCE_PRIORITY[a.source_type],
        offset_hint=a.start,
    )


def _within(hedges: list[tuple[int, int, bool]], start: int, end: int) -> list[tuple[int, int, bool]]:
    return [h for h in hedges if h[0] >= start and h[1] <= end]


_FIGURE_AFTER = re.compile(r"\s{1,3}[$£€]?\d")


def _cues(text: str, hedges: list[tuple[int, int, bool]], start: int, end: int) -> list[str]:
    """Cue strings to show: strong hedges, and approximators right before a figure ("nearly 400").

    Other weak cues ("often", "could") are everywhere in plain prose; listing them is noise."""
    return [
        text[h[0] : h[1]]
        for h in _within(hedges, start, end)
        if h[2] or _FIGURE_AFTER.match(text, h[1])
    ]


def _body_words(text: str, sentences: list[tuple[int, int]]) -> set[str]:
    words: set[str] = set()
    for i, (s, e) in enumerate(sentences):
        if i == 0 or _BULLET.match(text, s):
            continue
        words.update(w.lower() for w in _CONTENT.findall(text, s, e))
    return words


def _repeats(text: str, s: int, e: int, body_words: set[str]) -> bool:
    """A headline or summary bullet that only restates the body adds no claim of its own."""
    words = {w.lower() for w in _CONTENT.findall(text, s, e)}
    return bool(words) and len(words & body_words) >= 0.6 * len(words)


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
    s: int,
    e: int,
    sc: claims.ClaimScore,
    attrs: list[Attribution],
    hedges: list[tuple[int, int, bool]],
    index: int,
    by_sentence_attr: dict[int, list[Attribution]],
) -> Finding | None:
    inside = [a for a in attrs if a.start >= s and a.end <= e]
    types: set[str] = {a.source_type for a in inside}
    named_only = bool(inside) and types == {"named_on_record"}
    if _NON_RESPONSE.search(text, s, e):
        return None  # "did not respond to requests for comment" is process, not a claim to check
    if any(a.source_type == "explicitly_unverified" and a.start - s <= 4 for a in inside):
        return None  # "We could not verify X": the source item says it; the claim is the sentence before
    quoted = claims.quoted_share(text, s, e)
    # A named person's own words in quotation marks: the source item covers it.
    if named_only and quoted > 0.4:
        return None
    bonus = 0.8 if types - {"named_on_record"} else 0.0
    cues = _cues(text, hedges, s, e)
    strong = [_SPACES.sub(" ", text[h[0] : h[1]].lower()) for h in _within(hedges, s, e) if h[2]]
    attributive = bool(types & {"vague_group", "anonymous"}) or any(c in ATTRIBUTIVE_WEASELS for c in strong)
    # Weasel-worded statements ("it is widely believed", "critics say") are unverified claims even
    # with no figure in them; quantifier weasels ("many", "some") need a fairly specific sentence.
    floor = claims.ATTRIBUTIVE_FLOOR if attributive else claims.WEASEL_FLOOR
    below = sc.score + bonus < claims.THRESHOLD
    if below and (not (strong or attributive) or sc.score <= floor):
        return None
    basis = claims.basis_for(sc.features, types)
    nxt = by_sentence_attr.get(index + 1, [])
    unverified_next = any(a.source_type == "explicitly_unverified" for a in nxt)
    if unverified_next and basis in ("disputed_figure", "comparison", "unsourced"):
        basis = "not_independently_verified"
    total = sc.score + bonus + 0.3 * len(cues)
    priority: Priority
    if basis in ("anonymous_source", "not_independently_verified"):
        priority = "high"
    elif named_only:  # the piece gives a named source on the record: lower priority
        priority = "low" if total < claims.HIGH + 1 else "medium"
    elif total >= claims.HIGH:
        priority = "high"
    else:
        priority = "medium"
    why = _BASIS_WHY[basis]
    if cues:
        why += " Hedged: " + ", ".join(f"“{c}”" for c in dict.fromkeys(cues)) + "."
    return Finding(
        kind="claim",
        quote=text[s:e],
        claim=_claim_text(text, s, e, inside),
        basis=basis,
        hedge_cues=cues,
        why=why,
        how_to_verify=_BASIS_HOW[basis],
        priority=priority,
        offset_hint=s,
    )


def _claim_text(text: str, s: int, e: int, inside: list[Attribution]) -> str:
    """The assertion without its attribution: for each attribution keep the longer side of it
    ("X, the Journal reported" → X; "officials told the Journal that X" → X)."""
    cs, ce = s, e
    for a in sorted(inside, key=lambda a: a.start):
        if a.start < cs or a.end > ce:
            continue
        if a.start - cs >= ce - a.end:
            ce = a.start
        else:
            cs = a.end
    body = _TRAIL_DET.sub("", text[cs:ce]).strip(" ,;:.\"“”'")
    body = _LEAD_THAT.sub("", body)
    if len(body) < 15:
        body = text[s:e].strip()
    if len(body) > 200:
        body = body[:197].rsplit(" ", 1)[0] + "…"
    return body
