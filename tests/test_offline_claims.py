"""Check-worthiness scoring: specific factual statements score high, talk scores low."""

from __future__ import annotations

import pytest

from bot.analyzers.offline import claims


@pytest.mark.parametrize(
    "sentence",
    [
        "Unemployment fell to 4.1 percent last year, the lowest rate since 2001.",
        "The council spent $12 million on the stadium in 2019.",
        "My opponent voted against the farm bill three times.",
        "Exports to the region have doubled since the treaty was signed.",
    ],
)
def test_checkworthy(sentence: str) -> None:
    assert claims.score(sentence).score >= claims.THRESHOLD


@pytest.mark.parametrize(
    "sentence",
    [
        "Thank you very much, it is great to be here tonight.",
        "What are you going to do about it?",
        "I think we need to do better for our children.",
        "Well, let me just say this.",
    ],
)
def test_not_checkworthy(sentence: str) -> None:
    assert claims.score(sentence).score < claims.THRESHOLD


def test_feature_hits_are_bucketed_per_unit() -> None:
    text = "Sales rose 5 percent. I hope so."
    hits = claims.feature_hits(text, [(0, 21), (22, len(text))])
    assert hits[0].get("figure") and not hits[1].get("figure")


def test_basis() -> None:
    assert claims.basis_for(["figure"], set()) == "disputed_figure"
    assert claims.basis_for(["figure", "comparison"], set()) == "comparison"
    assert claims.basis_for(["figure"], {"anonymous"}) == "anonymous_source"
    assert claims.basis_for([], {"explicitly_unverified", "anonymous"}) == "not_independently_verified"
    assert claims.basis_for(["prediction"], set()) == "prediction"
    assert claims.basis_for([], set()) == "unsourced"
