"""Check-worthiness of a sentence or clause: weighted surface features, no model.

A claim is check-worthy when it asserts something specific that can be checked: figures, money,
dates, comparisons, records, votes and laws, events with concrete actors. Opinions, questions,
thanks and pleasantries score low. Features are word lists (one trie regex over the lowercased
text finds them all in a single pass) plus a few shape patterns for numbers and names.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from bot.analyzers.offline.patterns import trie
from bot.models import ClaimBasis

_NUMBER_WORDS = [
    "hundred", "hundreds", "thousand", "thousands", "million", "millions", "billion", "billions",
    "trillion", "trillions", "dozen", "dozens", "percent", "half", "twice", "double", "triple",
    "quarter", "one-third", "two-thirds", "two", "three", "four", "five", "six", "seven", "eight",
    "nine", "ten", "eleven", "twelve", "twenty", "thirty", "forty", "fifty", "sixty", "seventy",
    "eighty", "ninety",
]
# Feature → (weight, words or phrases). Phrases match across any whitespace.
LEXICON: dict[str, tuple[float, tuple[str, ...]]] = {
    "figure": (1.11, (*_NUMBER_WORDS, "per cent")),
    "date": (0.23, (
        "january", "february", "march", "april", "june", "july", "august", "september", "october",
        "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
        "sunday", "last year", "this year", "last week", "this week", "last month", "decade",
        "decades", "years ago", "since")),
    "comparison": (0.45, (
        "more than", "less than", "fewer than", "greater than", "higher than", "lower than",
        "larger than", "smaller than", "bigger than", "faster than", "slower than", "worse than",
        "better than", "cheaper than", "as much as", "as many as", "as big as", "as large as",
        "as high as", "as low as", "doubled", "tripled", "halved", "increased", "decreased", "rose",
        "risen", "fell", "fallen", "dropped", "grew", "grown", "declined", "surged", "soared",
        "plunged", "cut", "raised", "lowered", "reduced", "quadrupled", "up from", "down from")),
    "superlative": (0.44, (
        "most", "least", "largest", "biggest", "highest", "lowest", "first", "only", "record",
        "best", "worst", "fastest", "slowest", "greatest", "smallest", "longest", "shortest",
        "richest", "poorest", "oldest", "newest", "every", "never", "no one", "nobody", "none")),
    "policy": (0.57, (
        "vote", "voted", "votes", "voting", "bill", "bills", "law", "laws", "legislation", "passed",
        "signed", "vetoed", "tax", "taxes", "taxed", "budget", "deficit", "deficits", "debt", "jobs",
        "unemployment", "unemployed", "wage", "wages", "economy", "spending", "spent", "program",
        "programs", "healthcare", "health care", "insurance", "medicare", "medicaid",
        "social security", "senate", "congress", "amendment", "treaty", "sanction", "sanctions",
        "tariff", "tariffs", "trade", "income", "inflation", "interest rate", "interest rates",
        "military", "troops", "nuclear", "weapon", "weapons", "war", "invasion", "invaded", "killed",
        "died", "death", "deaths", "crime", "oil", "energy", "coal", "gas", "school", "schools",
        "teacher", "teachers", "students", "college", "loan", "loans", "poverty", "welfare",
        "pension", "salary", "salaries", "gdp", "growth", "recession", "export", "exports", "import",
        "imports", "deported", "immigrant", "immigrants", "border", "territory", "elected",
        "election", "governor", "senator", "administration", "percent", "million", "billion")),
    "event": (0.54, (
        "launched", "withdrawing", "withdrew", "withdrawn", "attacked", "captured", "seized", "taken",
        "took", "pulled", "pulling", "sent", "sending", "fired", "arrested", "charged", "convicted",
        "sued", "announced", "created", "closed", "opened", "built", "destroyed", "banned",
        "approved", "rejected", "appointed", "resigned", "hired", "eliminated", "introduced",
        "proposed", "sponsored", "supported", "opposed", "cosponsored", "balanced", "lost", "won",
        "gained", "paid", "received", "borrowed", "owed", "shipped", "produced", "imported",
        "exported", "negotiated", "ended", "started", "began", "founded", "established")),
    "prediction": (-0.41, (
        "will", "would", "could", "might", "may", "going to", "expected to", "likely to", "plan to",
        "plans to", "set to", "aim to", "aims to", "trying to", "intend to", "intends to")),
    "characterisation": (0.14, (
        "called", "described as", "labeled", "labelled", "branded", "dubbed", "image", "strongman",
        "shock", "fair", "unfair", "aggressive", "dangerous", "extremist", "terrorist", "terrorists",
        "radical", "brutal", "corrupt", "failed", "failure", "disaster", "crisis", "embarrass",
        "embarrassed", "embarrassing", "dent", "leverage", "relief")),
    "past": (0.5, ("was", "were", "had", "did", "has been", "have been", "has had", "have had",
                   "has gone", "have gone", "has done", "have done", "ago", "used to", "didn't",
                   "wasn't", "hasn't", "haven't", "went", "came", "gone", "took", "gave", "brought",
                   "became", "ran", "turned", "moved")),
    "quantity": (0.45, ("by", "than", "over", "under", "since", "years", "year", "months", "weeks",
                       "last", "times", "per", "average", "total", "number", "rate", "rates", "amount",
                       "percentage", "majority", "within", "during", "previous", "earlier", "among",
                       "including", "cost", "costs", "worth", "additional", "increase", "reduction")),
    "he": (0.1, ("he", "he's", "his", "him")),
    "reported_speech": (0.66, ("said", "says", "told", "voted for", "voted against", "called for",
                              "proposed", "opposed", "supported")),
    "existence": (0.26, ("we have", "there are", "there is", "there were", "there was", "we had",
                        "they have", "it has", "it is", "it was")),
    "negation": (-0.07, ("not", "never", "no", "nothing", "didn't", "doesn't", "don't", "isn't")),
    "future": (-0.36, ("will", "i'll", "we'll", "going to", "gonna", "would", "i'd", "we'd")),
    "talk": (-0.33, ("let", "say", "talk", "talking", "mean", "know", "look", "thing", "things",
                   "something", "folks", "everybody", "kind of", "sort of", "lot of", "really", "just")),
    "first_person": (-0.15, ("i", "we", "my", "our", "me", "us", "i'm", "we're", "i've", "we've")),
    "second_person": (-0.18, ("you", "your", "you're", "you've")),
    "third_party": (0.15, ("he", "she", "his", "her", "they", "their", "my opponent", "senator",
                          "governor", "president", "the administration", "congressman", "secretary")),
    "fact_words": (0.51, ("fact", "facts", "record", "history", "report", "study", "according to",
                         "statistics", "data", "numbers", "average", "rate", "per year", "a year",
                         "each year", "every year")),
    # Negative signals: opinions, exhortations, plans, pleasantries.
    "opinion": (-1.17, (
        "i think", "i believe", "i feel", "i hope", "i want", "i would", "i'd", "i will", "i'll",
        "we need", "we must", "we should", "we have to", "we've got to", "we can", "let me", "let's",
        "i don't think", "in my opinion", "my view", "i'm going to", "we're going to", "we will",
        "going to be")),
    "value": (-0.82, (
        "believe", "think", "feel", "hope", "wish", "should", "must", "ought", "deserve", "wrong",
        "right", "great", "good", "bad", "important", "strong", "terrible", "wonderful",
        "ridiculous", "outrageous", "respect", "love", "proud", "honor", "honored", "privilege",
        "people want", "american people", "want", "need", "question", "best", "issue", "issues",
        "tonight", "answer", "freedom", "opportunity", "tough", "strength", "cannot", "somebody",
        "anybody", "won't", "responsibility", "values", "makes", "necessary", "difficult",
        "certainly", "experience", "possible", "agree", "disagree", "hopefully", "together",
        "future", "vision", "leadership", "believe in", "stand for")),
}


def _variants(word: str) -> list[str]:
    # Lowercased input keeps typographic apostrophes: match "i'd" and "i’d" alike.
    return [word, word.replace("'", "’")] if "'" in word else [word]


_KIND: dict[str, list[str]] = {}
for _name, (_w, _words) in LEXICON.items():
    for _word in _words:
        for _v in _variants(_word):
            _KIND.setdefault(_v, []).append(_name)
_LEX_RX = re.compile(r"(?<![\w'’\-])" + trie(_KIND) + r"(?![\w\-])")
_SPACES = re.compile(r"\s+")
# Shape features that need the original case or are not words.
_DIGITS = re.compile(r"(?<![\w.])\d[\d,.]*|[%$£€]")
_PROPER = re.compile(r"(?<=[a-z,] )[A-Z][a-z]+")
_PAST_ED = re.compile(r"(?<![\w'’])[a-z]{3,}ed(?![\w'’])")
_PLEASANTRY = re.compile(
    r"\W*(?:thank|thanks|good\s+(?:evening|morning|night)|well|yes|no|okay|ok|oh|sure|of\s+course|"
    r"absolutely|right|please|excuse|sorry|hello|hi)\b",
    re.IGNORECASE,
)
_QUESTION = re.compile(r"\?[\"'”’)]*\s*$")
_DIRECT_QUOTE = re.compile(r"[\"“”][^\"“”]{1,600}[\"“”]|''[^\"“”']{1,600}[\"”]")
WEIGHTS: dict[str, float] = {name: w for name, (w, _) in LEXICON.items()} | {"proper": 0.3, "past_ed": 0.39}

# Weights are logistic-regression coefficients over these generic feature groups, fitted once on
# ClaimBuster debate sentences and rounded (feature counts capped at 3); THRESHOLD is the F1-best
# cut (intercept -2.09).
THRESHOLD = 1.4  # score at which a sentence becomes a claim item
WEASEL_FLOOR = -0.5  # a hedged sentence above this (not a question or pleasantry) is still listed
ATTRIBUTIVE_FLOOR = -1.5  # ... and a sentence with a source-like weasel ("it is believed") above this
HIGH = 3.0  # score at which it is high priority (before source adjustments)
POSITIVE = ("figure", "date", "comparison", "superlative", "policy", "event", "prediction",
            "characterisation", "proper")


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


def feature_hits(text: str, units: list[tuple[int, int]], low: str | None = None) -> list[dict[str, int]]:
    """Per unit (sentence or clause), how often each feature fired. A single trie pass over the
    lowercased text plus two shape patterns, hits bucketed by position: far faster than searching
    each sentence separately."""
    low = lowered(text) if low is None else low
    starts = [s for s, _ in units]
    out: list[dict[str, int]] = [{} for _ in units]

    def add(pos: int, end: int, names: list[str]) -> None:
        i = bisect_right(starts, pos) - 1
        if i >= 0 and end <= units[i][1]:
            d = out[i]
            for n in names:
                d[n] = d.get(n, 0) + 1

    for m in _LEX_RX.finditer(low):
        key = m.group()
        names = _KIND.get(key) or _KIND.get(_SPACES.sub(" ", key), [])
        add(m.start(), m.end(), names)
    for m in _DIGITS.finditer(text):
        add(m.start(), m.end(), ["figure"])
    for m in _PROPER.finditer(text):
        add(m.start(), m.end(), ["proper"])
    for m in _PAST_ED.finditer(low):
        add(m.start(), m.end(), ["past_ed"])
    return out


def score_unit(text: str, start: int, end: int, hits: dict[str, int]) -> ClaimScore:
    """Check-worthiness of ``text[start:end]`` from its precomputed feature hits."""
    s = ClaimScore(0.0)
    words = text.count(" ", start, end) + 1
    if words < 4:
        return s
    for name, n in hits.items():
        s.features.append(name)
        s.score += WEIGHTS[name] * min(n, 3)  # repeated evidence counts, up to a cap
    if _PLEASANTRY.match(text, start, end):
        s.features.append("pleasantry")
        s.score -= 0.13
    if _QUESTION.search(text, max(start, end - 4), end):
        s.features.append("question")
        s.score -= 0.51
    if words >= 12:
        s.score += 0.21
    return s


def score(text: str, start: int = 0, end: int | None = None) -> ClaimScore:
    """Check-worthiness of ``text[start:end]`` alone (for tests and tuning)."""
    stop = len(text) if end is None else end
    return score_unit(text, start, stop, feature_hits(text, [(start, stop)])[0])


def quoted_share(text: str, start: int, end: int) -> float:
    """How much of the span is inside direct quotation marks."""
    n = sum(m.end() - m.start() for m in _DIRECT_QUOTE.finditer(text, start, end))
    return n / max(1, end - start)


def basis_for(features: list[str], source_types: set[str]) -> ClaimBasis:
    if "explicitly_unverified" in source_types:
        return "not_independently_verified"
    if "anonymous" in source_types:
        return "anonymous_source"
    if "second_hand" in source_types or "self_citation" in source_types:
        return "second_hand"
    if "vague_group" in source_types:
        return "characterisation"
    if "comparison" in features and "figure" in features:
        return "comparison"
    if "figure" in features:
        return "disputed_figure"
    if "comparison" in features:
        return "comparison"
    if "prediction" in features and "characterisation" not in features:
        return "prediction"
    if "characterisation" in features:
        return "characterisation"
    return "unsourced"
