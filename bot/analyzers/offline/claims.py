"""Check-worthiness of a sentence or clause: a logistic regression over interpretable feature groups.

A claim is check-worthy when it asserts something specific that can be checked: figures, money,
dates, comparisons, records, votes and laws, events with concrete actors. Opinions, questions,
thanks and pleasantries score low.

Features. Each group of ``GROUPS`` is a word list (words and two-word phrases: figures, years,
percentages, money, dates, comparatives, superlatives, quantities, legislative and voting words,
events, past tense, "I voted"-style first-person records, reported speech, predictions and modals,
first/second person, opinion markers, value words, thanks ...); its feature value is how many of its
entries occur in the unit. ``SHAPES`` are the non-lexical features: a currency sign, a percent sign,
a final question mark, capitalised words inside the unit (names-ish, up to 3), length, a pleasantry
opening ("Well, ...", "Thank you"), and words ending in "-ed".

Speed. Phrases are fused into single tokens ("more than" → "more_than") and the text is normalised
(lowercase ASCII, digits as 0, punctuation as spaces) in a few C-level passes that keep offsets, so a
unit's tokens are just ``norm[s:e].split()``. Each entry's weight is folded in advance over its
groups (``ENTRY_WEIGHT``), so a unit's lexical score is one ``sum(map(...))``; the shapes are
``str.count`` calls on the normalised and the letter-case copies. No per-unit regex loops.

Fitting. ``WEIGHTS`` (one per group or shape, ~35 in all: too few to memorise sentences), ``BIAS``
and ``THRESHOLD`` come from ``python -m bench.fit_claims --data ../shared/data --write``: an
L2-regularised logistic regression on the ClaimBuster training sentences; the threshold is the
F1-best cut on pooled out-of-fold scores. 5-fold cross-validation (fit on 4/5, score the other 1/5):
F1 0.750 (P 0.752, R 0.749), per fold 0.737-0.774, recorded in ``CV_NOTE``. Bag-of-words regressions
with up to 3,000 free word weights cross-validate no better (0.74-0.75), so the grouped model loses
nothing by staying readable.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from itertools import repeat

from bot.analyzers.offline.patterns import trie
from bot.models import ClaimBasis

# Feature group → entries. An entry is a word or a two-word phrase, lowercased, with digits written
# as 0 ("0000" is a four-digit number such as a year) and straight apostrophes.
_NUMBER_WORDS = (
    "hundred", "hundreds", "thousand", "thousands", "million", "millions", "billion", "billions",
    "trillion", "trillions", "dozen", "dozens", "half", "twice", "double", "triple", "quarter",
    "third", "thirds", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "fifteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy",
    "eighty", "ninety",
)
GROUPS: dict[str, tuple[str, ...]] = {
    "digits": ("0", "00", "000"),
    "year": ("0000",),
    "number_word": _NUMBER_WORDS,
    "percent": ("percent", "per cent", "percentage", "percentage points"),
    "money": ("dollars", "dollar", "cents", "budget", "deficit", "debt", "cost",
              "costs", "spent", "spending", "paid", "pay", "tax", "taxes", "income", "wages"),
    "date": (
        "january", "february", "march", "april", "june", "july", "august", "september", "october",
        "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
        "sunday", "last year", "this year", "last week", "this week", "last month", "decade",
        "decades", "years ago", "since", "ago", "century"),
    "comparison": (
        "more than", "less than", "fewer than", "greater than", "higher than", "lower than",
        "larger than", "smaller than", "bigger than", "faster than", "slower than", "worse than",
        "better than", "cheaper than", "as much", "as many", "doubled", "tripled", "halved",
        "increased", "decreased", "rose", "risen", "fell", "fallen", "dropped", "grew", "grown",
        "declined", "surged", "soared", "plunged", "cut", "raised", "lowered", "reduced",
        "quadrupled", "up from", "down from", "compared"),
    "superlative": (
        "most", "least", "largest", "biggest", "highest", "lowest", "first", "only", "record",
        "worst", "fastest", "slowest", "greatest", "smallest", "longest", "shortest", "richest",
        "poorest", "oldest", "newest", "every", "never", "no one", "nobody", "none"),
    "policy": (
        "vote", "voted", "votes", "voting", "bill", "bills", "law", "laws", "legislation", "passed",
        "signed", "vetoed", "veto", "taxed", "jobs", "unemployment", "unemployed", "economy",
        "program", "programs", "healthcare", "health care", "insurance", "medicare", "medicaid",
        "social security", "senate", "congress", "amendment", "treaty", "sanction", "sanctions",
        "tariff", "tariffs", "trade", "inflation", "interest rate", "interest rates", "military",
        "troops", "nuclear", "weapon", "weapons", "war", "invasion", "invaded", "killed", "died",
        "death", "deaths", "crime", "oil", "energy", "coal", "gas", "school", "schools", "teacher",
        "teachers", "students", "college", "loan", "loans", "poverty", "welfare", "pension",
        "salary", "salaries", "gdp", "growth", "recession", "export", "exports", "import", "imports",
        "deported", "immigrant", "immigrants", "border", "territory", "elected", "election",
        "governor", "senator", "administration", "percent", "million", "billion", "trillion"),
    "event": (
        "launched", "withdrawing", "withdrew", "withdrawn", "attacked", "captured", "seized", "taken",
        "took", "pulled", "pulling", "sent", "sending", "fired", "arrested", "charged", "convicted",
        "sued", "announced", "created", "closed", "opened", "built", "destroyed", "banned",
        "approved", "rejected", "appointed", "resigned", "hired", "eliminated", "introduced",
        "proposed", "sponsored", "supported", "opposed", "cosponsored", "balanced", "lost", "won",
        "gained", "received", "borrowed", "owed", "shipped", "produced", "imported", "exported",
        "negotiated", "ended", "started", "began", "founded", "established", "added"),
    "past": ("was", "were", "had", "did", "has been", "have been", "has had", "have had", "used to",
             "didn't", "wasn't", "hasn't", "haven't", "went", "came", "gone", "took", "gave",
             "brought", "became", "ran", "turned", "moved", "made", "got"),
    "quantity": ("by", "than", "over", "under", "years", "year", "months", "weeks", "last", "times",
                 "per", "average", "total", "number", "rate", "rates", "amount", "majority", "within",
                 "during", "previous", "earlier", "among", "including", "worth", "additional",
                 "increase", "reduction", "all", "out of"),
    "third_party": ("he", "she", "his", "her", "him", "they", "their", "my opponent", "senator",
                    "governor", "president", "the administration", "congressman", "secretary"),
    "i_did": ("i voted", "i signed", "i cut", "i passed", "i balanced", "i sponsored", "i introduced",
              "i proposed", "i was", "we passed", "we cut", "we created", "we have", "we had",
              "we've had", "we lost", "we spent"),
    "reported_speech": ("said", "says", "told", "voted for", "voted against", "called for"),
    "existence": ("there are", "there is", "there were", "there was", "they have", "it has",
                  "it is", "it was"),
    "fact_words": ("fact", "facts", "record", "history", "report", "study", "according to",
                   "statistics", "data", "numbers", "per year", "a year", "each year", "every year"),
    "negation": ("not", "no", "nothing", "didn't", "doesn't", "don't", "isn't"),
    "prediction": ("will", "would", "could", "might", "may", "going to", "expected to", "likely to",
                   "plan to", "plans to", "set to", "aim to", "aims to", "trying to", "intend to",
                   "intends to", "i'll", "we'll", "gonna", "i'd", "we'd"),
    "talk": ("let", "say", "talk", "talking", "mean", "know", "look", "thing", "things", "something",
             "folks", "everybody", "kind of", "sort of", "lot of", "really", "just", "you know",
             "i mean", "well", "yes", "okay", "ok", "oh", "sure", "right", "question", "answer"),
    "first_person": ("i", "we", "my", "our", "me", "us", "i'm", "we're", "i've", "we've"),
    "second_person": ("you", "your", "you're", "you've"),
    "opinion": (
        "i think", "i believe", "i feel", "i hope", "i want", "i would", "i will", "we need",
        "we must", "we should", "we've got", "got to", "we can", "let me", "let's", "don't think",
        "my opinion", "my view", "be going", "we will", "i'm going", "we're going", "i know"),
    "modal": ("should", "must", "ought", "need", "needs", "want", "wants", "can", "cannot", "can't",
              "won't", "hope", "wish", "believe", "think", "feel"),
    "value": (
        "deserve", "wrong", "great", "good", "bad", "important", "strong", "terrible", "wonderful",
        "ridiculous", "outrageous", "respect", "love", "proud", "honor", "honored", "privilege",
        "people want", "american people", "best", "issue", "issues", "tonight", "freedom",
        "opportunity", "tough", "strength", "somebody", "anybody", "responsibility", "values",
        "necessary", "difficult", "certainly", "experience", "possible", "agree", "disagree",
        "hopefully", "together", "future", "vision", "leadership", "stand for", "fair", "unfair",
        "dangerous", "failed", "failure", "disaster", "crisis"),
    "thanks": ("thank", "thanks", "appreciate", "congratulate", "congratulations", "pleasure",
               "delighted", "welcome", "glad"),
    "characterisation": ("called", "described", "labeled", "labelled", "branded", "dubbed", "image",
                         "strongman", "shock", "aggressive", "extremist", "terrorist", "radical",
                         "brutal", "corrupt", "embarrass", "embarrassed", "embarrassing", "dent",
                         "leverage", "relief"),
}

# --- fitted by bench/fit_claims.py (paste its output here) ---------------------------------------
BIAS = -2.02
WEIGHTS: dict[str, float] = {
    'digits': 1.21,
    'year': 1.07,
    'number_word': 0.79,
    'percent': 1.59,
    'money': 0.34,
    'date': 0.45,
    'comparison': 0.90,
    'superlative': 0.50,
    'policy': 0.56,
    'event': 0.95,
    'past': 0.49,
    'quantity': 0.39,
    'third_party': 0.11,
    'i_did': 0.13,
    'reported_speech': 0.94,
    'existence': 0.22,
    'fact_words': 0.70,
    'negation': -0.10,
    'prediction': -0.75,
    'talk': -0.26,
    'first_person': -0.19,
    'second_person': -0.11,
    'opinion': -1.29,
    'modal': -0.81,
    'value': -0.74,
    'thanks': -2.12,
    'characterisation': 0.24,
    'currency': 0.34,
    'percent_sign': 2.92,
    'question': -2.24,
    'caps': 0.31,
    'long': 0.20,
    'short': -0.06,
    'pleasantry': 0.04,
    'past_ed': 0.37,
}
THRESHOLD = -0.65
CV_NOTE = (  # python -m bench.fit_claims --data ../shared/data: 5-fold CV on ClaimBuster
    'fold 1: P 0.759 R 0.736 F1 0.747',
    'fold 2: P 0.741 R 0.750 F1 0.745',
    'fold 3: P 0.759 R 0.790 F1 0.774',
    'fold 4: P 0.745 R 0.729 F1 0.737',
    'fold 5: P 0.758 R 0.737 F1 0.747',
    'pooled: P 0.752 R 0.749 F1 0.750 at threshold -0.65',
)
# -------------------------------------------------------------------------------------------------

WEASEL_FLOOR = THRESHOLD - 3.0  # a hedged sentence above this (not a question or pleasantry) is listed
ATTRIBUTIVE_FLOOR = THRESHOLD - 4.0  # ... and one with a source-like weasel ("it is believed")
HIGH = THRESHOLD + 1.5  # score at which it is high priority (before source adjustments)

# Normalised text: ASCII letters lowercased, digits as 0, the apostrophe kept, everything else a
# space (one character for one, so offsets are unchanged). Non-ASCII characters become "?" on the
# way through ASCII bytes and then a space: a C-level pass whatever the text.
_KEEP = b"abcdefghijklmnopqrstuvwxyz'"
_NORM_BYTES = bytes(
    c if c in _KEEP else ord("0") if chr(c).isdigit() else c + 32 if 65 <= c <= 90 else 32
    for c in range(256)
)
# Letter case shape: "A" for a capital, "a" for a small letter, a space otherwise. " Aa" marks a
# capitalised word that does not start the unit (names, places, institutions).
# Currency and percent signs are kept ("£" and "€" arrive as "$").
_CASE_BYTES = bytes(65 if 65 <= c <= 90 else 97 if 97 <= c <= 122 else c if c in b"$%" else 32 for c in range(256))
_PLEASANTRY = re.compile(
    r"\W*(?:thank|thanks|good\s+(?:evening|morning|night)|well|yes|no|okay|ok|oh|sure|of\s+course|"
    r"absolutely|right|please|excuse|sorry|hello|hi)\b",
    re.IGNORECASE,
)
_DIRECT_QUOTE = re.compile(r"[\"“”][^\"“”]{1,600}[\"“”]|''[^\"“”']{1,600}[\"”]")


def _fused(entry: str) -> str:
    return entry.replace(" ", "_")


def _entry_groups() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, entries in GROUPS.items():
        for e in entries:
            out.setdefault(_fused(e), []).append(name)
    return out


ENTRY_GROUPS = _entry_groups()
ENTRY_WEIGHT: dict[str, float] = {e: sum(WEIGHTS[g] for g in gs) for e, gs in ENTRY_GROUPS.items()}
# The normalised text has only [a-z0'] and spaces, so a phrase starts after a space: matching that
# space (instead of a look-behind at every position) makes the pass several times faster.
_PHRASES = re.compile(" " + trie(e for e in ENTRY_GROUPS if "_" in e).replace("_", " ") + r"(?![a-z0'])")
# Features that are not words: a currency sign, a percent sign, a question mark at the end, capitalised
# words inside the unit (up to 3), length, a pleasantry opening, words ending in "-ed".
SHAPES = ("currency", "percent_sign", "question", "caps", "long", "short", "pleasantry", "past_ed")

_BASIS_NAMES = ((1, "figure"), (2, "comparison"), (4, "prediction"), (8, "characterisation"))
_BASIS_BITS: dict[str, int] = {}
for _bit, _group in ((1, "digits"), (1, "year"), (1, "number_word"), (1, "percent"), (2, "comparison"),
                     (4, "prediction"), (8, "characterisation")):
    for _entry in GROUPS[_group]:
        _BASIS_BITS[_fused(_entry)] = _BASIS_BITS.get(_fused(_entry), 0) | _bit

_HINTED = frozenset(_BASIS_BITS)


@dataclass
class ClaimScore:
    score: float
    features: list[str] = field(default_factory=list)


def lowered(text: str) -> str:
    """Lowercased text with the same offsets. A few characters ("İ") grow when lowercased; those are
    left as they are, and everything between them is lowercased in bulk (no per-character loop)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    grow = "".join(c for c in set(text) if len(c.lower()) != 1)
    parts = re.split(f"([{re.escape(grow)}])", text)
    return "".join(p if i % 2 else p.lower() for i, p in enumerate(parts))


@dataclass
class Prepared:
    """The derived texts every unit is scored from, all with the offsets of the original."""

    text: str
    norm: str  # letters lowercased, digits as 0, phrases fused with "_", the rest spaces
    case: str  # "A" capital, "a" small letter, "$" any currency sign, "%", else " "


def _fuse(m: re.Match[str]) -> str:
    return " " + m.group()[1:].replace(" ", "_")


def prepare(text: str) -> Prepared:
    ascii_text = text.replace("’", "'").replace("£", "$").replace("€", "$").encode("ascii", "replace")
    norm = _PHRASES.sub(_fuse, " " + ascii_text.translate(_NORM_BYTES).decode("ascii"))[1:]
    return Prepared(text, norm, ascii_text.translate(_CASE_BYTES).decode("ascii"))


def _shapes(p: Prepared, s: int, e: int, n_tokens: int) -> list[tuple[str, float]]:
    """The shape features of ``text[s:e]`` (``score_units`` inlines the same tests)."""
    case = p.case
    out: list[tuple[str, float]] = []
    if case.count("$", s, e):
        out.append(("currency", 1.0))
    if case.count("%", s, e):
        out.append(("percent_sign", 1.0))
    if p.text.find("?", max(s, e - 3), e) >= 0:
        out.append(("question", 1.0))
    caps = case.count(" Aa", s, e)
    if caps:
        out.append(("caps", float(min(caps, 3))))
    if n_tokens >= 20:
        out.append(("long", 1.0))
    elif n_tokens < 5:
        out.append(("short", 1.0))
    if _PLEASANTRY.match(p.text, s, e):
        out.append(("pleasantry", 1.0))
    ed = p.norm.count("ed ", s, e)
    if ed:
        out.append(("past_ed", float(ed)))
    return out


def unit_features(p: Prepared, s: int, e: int) -> dict[str, float]:
    """The regression's input for ``text[s:e]``: occurrences of each group's entries, and shapes.
    ``score_units`` computes the same sum without building this dict (a test keeps them equal)."""
    toks = p.norm[s:e].split()
    out: dict[str, float] = {}
    for t in toks:
        for g in ENTRY_GROUPS.get(t, ()):
            out[g] = out.get(g, 0.0) + 1.0
    out.update(_shapes(p, s, e, len(toks)))
    return out


def score_units(p: Prepared, units: list[tuple[int, int]]) -> tuple[list[float], list[int]]:
    """Check-worthiness logit of each unit (sentence or clause): the intercept plus the folded weight
    of every token (a C-level ``sum(map(...))``) plus the shape features; and for each unit a bit
    mask of the basis hints (see ``hint_names``)."""
    get, bits, hinted = ENTRY_WEIGHT.get, _BASIS_BITS, _HINTED.intersection
    w = WEIGHTS
    w_cur, w_pct, w_q, w_caps = w["currency"], w["percent_sign"], w["question"], w["caps"]
    w_long, w_short, w_pl, w_ed = w["long"], w["short"], w["pleasantry"], w["past_ed"]
    norm_count, case_count, find = p.norm.count, p.case.count, p.text.find
    norm, text, pleasantry = p.norm, p.text, _PLEASANTRY.match
    zero = repeat(0.0)
    scores: list[float] = []
    masks: list[int] = []
    for s, e in units:
        toks = norm[s:e].split()
        n = len(toks)
        sc = BIAS + sum(map(get, toks, zero))
        mask = 0
        for t in hinted(toks):  # usually none or a few: far cheaper than a lookup per token
            mask |= bits[t]
        if case_count("$", s, e):
            sc += w_cur
            mask |= 1
        if case_count("%", s, e):
            sc += w_pct
            mask |= 1
        if find("?", max(s, e - 3), e) >= 0:
            sc += w_q
        caps = case_count(" Aa", s, e)
        if caps:
            sc += w_caps * (caps if caps < 3 else 3)
        if n >= 20:
            sc += w_long
        elif n < 5:
            sc += w_short
        if pleasantry(text, s, e):
            sc += w_pl
        ed = norm_count("ed ", s, e)
        if ed:
            sc += w_ed * ed
        scores.append(sc)
        masks.append(mask)
    return scores, masks


def hint_names(mask: int) -> list[str]:
    """The basis-relevant groups ("figure", "comparison", "prediction", "characterisation") in a mask."""
    return [name for bit, name in _BASIS_NAMES if mask & bit]


def score(text: str, start: int = 0, end: int | None = None) -> ClaimScore:
    """Check-worthiness of ``text[start:end]`` alone (for tests and tuning)."""
    stop = len(text) if end is None else end
    (sc,), (mask,) = score_units(prepare(text), [(start, stop)])
    return ClaimScore(sc, hint_names(mask))


def quoted_share(text: str, start: int, end: int) -> float:
    """How much of the span is inside direct quotation marks."""
    n = sum(m.end() - m.start() for m in _DIRECT_QUOTE.finditer(text, start, end))
    return n / max(1, end - start)


def basis_for(features: list[str], source_types: AbstractSet[str]) -> ClaimBasis:
    if "explicitly_unverified" in source_types:
        return "not_independently_verified"
    if "anonymous" in source_types:
        return "anonymous_source"
    if "second_hand" in source_types or "self_citation" in source_types:
        return "second_hand"
    if "vague_group" in source_types:
        return "characterisation"
    figure = "figure" in features
    if "comparison" in features and figure:
        return "comparison"
    if figure:
        return "disputed_figure"
    if "comparison" in features:
        return "comparison"
    if "prediction" in features and "characterisation" not in features:
        return "prediction"
    if "characterisation" in features:
        return "characterisation"
    return "unsourced"
