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


def test_units_are_scored_separately_and_offsets_are_kept() -> None:
    text = "Sales rose 5 percent in 2019. I hope so, thank you."
    p = claims.prepare(text)
    assert len(p.norm) == len(p.case) == len(text)
    (first, second), (hint1, hint2) = claims.score_units(p, [(0, 29), (30, len(text))])
    assert first >= claims.THRESHOLD > second
    assert "figure" in claims.hint_names(hint1) and "figure" not in claims.hint_names(hint2)


@pytest.mark.parametrize(
    "sentence",
    [
        "Unemployment fell to 4.1 percent last year, the lowest rate since 2001.",
        "Thank you very much, it is great to be here tonight?",
        "We’ve cut taxes by $1,000 — more than   they did — and I voted for it.",
        "İstanbul’s mayor said “no” to 20% more spending… 🙂",
        "",
    ],
)
def test_fast_score_equals_the_regression_on_the_features(sentence: str) -> None:
    """``score_units`` folds the weights; it must equal intercept + weights · ``unit_features``."""
    p = claims.prepare(sentence)
    feats = claims.unit_features(p, 0, len(sentence))
    expected = claims.BIAS + sum(claims.WEIGHTS[k] * v for k, v in feats.items())
    assert claims.score_units(p, [(0, len(sentence))])[0][0] == pytest.approx(expected)


def test_phrases_are_fused_and_numbers_normalised() -> None:
    p = claims.prepare("It cost more than 1,250 dollars in 2019.")
    assert "more_than" in p.norm.split() and "0000" in p.norm.split() and "000" in p.norm.split()


def test_weights_are_compact_and_cross_validated() -> None:
    assert len(claims.WEIGHTS) <= 60
    assert set(claims.WEIGHTS) == {*claims.GROUPS, *claims.SHAPES}
    assert claims.CV_NOTE[-1].startswith("pooled")


def test_basis() -> None:
    assert claims.basis_for(["figure"], set()) == "disputed_figure"
    assert claims.basis_for(["figure", "comparison"], set()) == "comparison"
    assert claims.basis_for(["figure"], {"anonymous"}) == "anonymous_source"
    assert claims.basis_for([], {"explicitly_unverified", "anonymous"}) == "not_independently_verified"
    assert claims.basis_for(["prediction"], set()) == "prediction"
    assert claims.basis_for([], set()) == "unsourced"
