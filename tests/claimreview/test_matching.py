"""The matching rule on true matches and near misses."""

from __future__ import annotations

import pytest

from bot.claimreview.matching import MAX_PER_CLAIM, match, select
from bot.claimreview.query import extract_core
from standins.claimreview import fact_check

CLAIM = "Finance Minister Ana Ruiz said unemployment fell to 4.1 per cent last year."
STRIKE = "The dock strike cost the Port of Velmora 40 million euros in lost revenue."


def matches(claim: str, result: dict) -> bool:
    return match(extract_core(claim, "en"), result, "en") is not None


def test_true_match_reworded_with_claimant():
    result = fact_check("Unemployment dropped to 4.1% in 2025", claimant="Ana Ruiz", rating="Mostly false")
    assert matches(CLAIM, result)


def test_true_match_figure_written_differently():
    result = fact_check("A strike at Velmora's port cost it €40m in lost revenue")
    assert matches(STRIKE, result)


@pytest.mark.parametrize(
    ("why", "claim", "result"),
    [
        (
            "same person, different figure",
            CLAIM,
            fact_check("Unemployment fell to 6.3 per cent", claimant="Ana Ruiz"),
        ),
        (
            "same figure, different subject",
            STRIKE,
            fact_check("Floods cost the city of Velmora 40 million euros in repairs"),
        ),
        (
            "same topic and figure, different person",
            CLAIM,
            fact_check("Unemployment fell to 4.1 per cent", claimant="Pedro Gomez"),
        ),
        (
            "same person and topic, no figure stated",
            CLAIM,
            fact_check("Ana Ruiz says unemployment is falling"),
        ),
        (
            "same person, same year, unrelated claim",
            "Ana Ruiz said the 2024 budget cut hospital waiting lists by 4.1 per cent.",
            fact_check("Ana Ruiz claims unemployment fell 4.1 per cent in 2024"),
        ),
        (
            "shares one word only",
            "Vaccination rates among children rose sharply after the campaign.",
            fact_check("Children are being paid to join protests"),
        ),
    ],
)
def test_near_misses_are_rejected(why, claim, result):
    assert not matches(claim, result), why


def test_at_most_three_best_first_one_per_url():
    results = [
        fact_check("Velmora port strike cost 40 million euros", url=f"https://checker.example/{n}", publisher=f"P{n}")
        for n in range(5)
    ]
    results.insert(0, fact_check("Floods in Velmora cost 40 million euros", url="https://checker.example/flood"))
    results.append(fact_check("Velmora port strike cost 40 million euros", url="https://checker.example/0"))
    checks = select(extract_core(STRIKE, "en"), results, "en")
    assert [c.url for c in checks] == [f"https://checker.example/{n}" for n in range(MAX_PER_CLAIM)]
    first = checks[0]
    assert (first.publisher, first.rating, first.review_date) == ("P0", "False", "2024-08-12T00:00:00Z")
    assert first.claim_text == "Velmora port strike cost 40 million euros"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "", "https://x.example/a|b", "https://x.example/<b>"])
def test_reviews_without_a_clean_link_are_not_shown(url):
    result = fact_check("Velmora port strike cost 40 million euros", url=url)
    assert select(extract_core(STRIKE, "en"), [result], "en") == []


def test_third_party_text_is_one_bounded_line():
    result = fact_check("Velmora port strike cost 40 million euros\n" + "x" * 900, rating="False\n\nreally")
    [check] = select(extract_core(STRIKE, "en"), [result], "en")
    assert check.rating == "False really"
    assert "\n" not in check.claim_text and len(check.claim_text) == 500
