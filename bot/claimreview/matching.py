"""Which search results are really about the claim: one explicit rule, at most three checks per claim.

A search result (a fact-checked claim: its text, claimant and the reviews' titles) matches an
article claim when all four hold:

1. Figures: if the claim states figures (amounts other than years), the result states at least one
   of the same figures, normalized (1,200 = 1200; 1.2 million = 1200000; 5 per cent = 5%).
2. Names: if the claim names someone or something (capitalized words, acronyms), at least one of
   those names appears in the result.
3. Key terms: the result shares at least ``MIN_SHARED_TERMS`` stems of the claim's content words
   (one is enough when it also shares a figure and a name; all when the claim has fewer), and at
   least ``MIN_TERM_SHARE`` of the smaller of the two sets of terms.
4. Subject: when the claim has two key terms or more, the first key term (in reading order, most
   often the subject: "the *strike* could cost ...") of the claim or of the result is shared; a
   word that is one of the claim's names does not count as the result's first term.

So the same person with a different figure fails (1), the same figure about another subject fails
(3 or 4), the same topic about someone else fails (2). Matches are ranked by what they share (figures
count 3, names 2, terms 1); the first three reviews with a link are kept, one per URL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.claimreview.query import ClaimCore, extract_core, stem
from bot.models import PriorCheck

MAX_PER_CLAIM = 3
MIN_SHARED_TERMS = 2
MIN_TERM_SHARE = 0.4


@dataclass(frozen=True)
class Match:
    score: int
    shared_figures: frozenset[str]
    shared_names: frozenset[str]
    shared_terms: frozenset[str]


def _result_text(result: dict[str, Any]) -> str:
    parts = [str(result.get("text") or ""), str(result.get("claimant") or "")]
    parts += [str(r.get("title") or "") for r in _reviews(result)]
    return "\n".join(p for p in parts if p)


def _reviews(result: dict[str, Any]) -> list[dict[str, Any]]:
    reviews = result.get("claimReview") or []
    return [r for r in reviews if isinstance(r, dict)] if isinstance(reviews, list) else []


def _subjects(claim: ClaimCore, other: ClaimCore) -> set[str]:
    names = {stem(n) for n in claim.names}
    firsts = {claim.term_order[0]} if claim.term_order else set()
    other_first = next((t for t in other.term_order if t not in names), None)
    return firsts | ({other_first} if other_first else set())


def match(claim: ClaimCore, result: dict[str, Any], language: str | None = None) -> Match | None:
    """The rule above: a ``Match`` when ``result`` (one ``claims[]`` entry) is about ``claim``, else None."""
    if claim.empty:
        return None
    other = extract_core(_result_text(result), language)
    shared_figures = claim.figures & other.figures
    if claim.figures and not shared_figures:
        return None
    shared_names = claim.names & other.words
    if claim.names and not shared_names:
        return None
    shared_terms = claim.terms & other.terms
    needed = min(1 if shared_figures and shared_names else MIN_SHARED_TERMS, len(claim.terms))
    smaller = min(len(claim.terms), len(other.terms)) or 1
    if len(shared_terms) < needed or (claim.terms and len(shared_terms) / smaller < MIN_TERM_SHARE):
        return None
    if len(claim.terms) >= 2 and not shared_terms.intersection(_subjects(claim, other)):
        return None
    if not (shared_figures or shared_names or shared_terms):
        return None
    score = 3 * len(shared_figures) + 2 * len(shared_names) + len(shared_terms)
    return Match(score, shared_figures, shared_names, shared_terms)


_URL = re.compile(r"https?://[^\s<>|\"]+")  # nothing that could break a Slack link or a terminal line


def _clip(value: object, limit: int) -> str:
    text = " ".join(str(value or "").split())  # third-party text: one line, bounded
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _prior_check(result: dict[str, Any], review: dict[str, Any]) -> PriorCheck | None:
    url = str(review.get("url") or "").strip()
    if len(url) > 2000 or not _URL.fullmatch(url):
        return None
    publisher = review.get("publisher") if isinstance(review.get("publisher"), dict) else {}
    return PriorCheck(
        publisher=_clip(publisher.get("name") or publisher.get("site"), 100) or "unknown publisher",
        url=url,
        rating=_clip(review.get("textualRating"), 200) or "(no rating given)",
        review_date=_clip(review.get("reviewDate"), 40) or None,
        claim_text=_clip(result.get("text"), 500),
    )


def select(
    claim: ClaimCore, results: Iterable[dict[str, Any]], language: str | None = None, limit: int = MAX_PER_CLAIM
) -> list[PriorCheck]:
    """The matching reviews among ``results``, best first, at most ``limit``, one per URL."""
    scored = [(m.score, index, r) for index, r in enumerate(results) if (m := match(claim, r, language))]
    scored.sort(key=lambda s: (-s[0], s[1]))  # stable: the API's own order breaks ties
    checks: list[PriorCheck] = []
    seen: set[str] = set()
    for _, _, result in scored:
        for review in _reviews(result):
            check = _prior_check(result, review)
            if check and check.url not in seen:
                seen.add(check.url)
                checks.append(check)
            if len(checks) >= limit:
                return checks
    return checks

