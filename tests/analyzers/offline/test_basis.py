"""Why a claim needs checking: the source first, then the claim's own shape (invented sentences)."""

from __future__ import annotations

import pytest

from bot.analyzers.offline import OfflineAnalyzer
from bot.analyzers.offline.basis import claim_basis


@pytest.mark.parametrize(
    ("claim", "types", "basis"),
    [
        ("The mill will close 3 plants, two people familiar with the plan said.", {"anonymous"}, "anonymous_source"),
        ("The mill shut 3 plants, the Valley Post reported.", {"second_hand"}, "second_hand"),
        ("Critics say the levy will push 5,000 families into debt.", {"vague_group"}, "prediction"),
        ("Critics say the council wasted money.", {"vague_group"}, "anonymous_source"),
        ("Sales fell 12%, the steepest drop since 2008.", set(), "comparison"),
        ("The plant makes more steel than any other site in the region.", set(), "comparison"),
        ("The regulator is likely to fine the bank.", set(), "prediction"),
        ("Profits fell, as shoppers cut back on holidays.", set(), "characterisation"),
        ("The plant employs about 40% of the town's workers.", set(), "unsourced"),
        ("The levy would raise the rate from 2% to 3% by 2030.", set(), "unsourced"),  # describing a bill
        ("The firm said it would close 3 plants.", {"named_on_record"}, "prediction"),
        ("More than 2,000 people died in the floods.", set(), "unsourced"),  # "more than N" is no comparison
    ],
)
def test_basis(claim: str, types: set[str], basis: str) -> None:
    assert claim_basis(claim, types) == basis


def test_a_figure_with_a_dispute_beside_it() -> None:
    text = ("The fire destroyed 300 homes, the county said on Monday.\n"
            "The flood destroyed 120 homes, the agency said. Residents' groups put the figure at closer to 400.")
    claims = {f.quote: f.basis for f in OfflineAnalyzer().analyze(text).findings if f.kind == "claim"}
    assert claims["The flood destroyed 120 homes, the agency said."] == "disputed_figure"
    # a plain figure a named source gives on the record: its source item says what to check
    assert claims.get("The fire destroyed 300 homes, the county said on Monday.") is None


def test_a_quotation_continues_its_speakers_sourcing() -> None:
    text = ('A senior police officer, speaking on condition of anonymity, said the raid was planned for weeks. '
            '"They moved the cash out. They kept the guns. We saw trucks leave at night," the officer said.')
    claims = [f for f in OfflineAnalyzer().analyze(text).findings if f.kind == "claim"]
    kept = next(f for f in claims if "They kept the guns" in f.quote)
    assert kept.basis == "anonymous_source"


@pytest.mark.parametrize(
    ("claim", "basis"),
    [
        ("The clinic closed two wards because it could not staff them.", "unsourced"),  # past inability
        ("Some patients have waited more than two years for surgery.", "unsourced"),  # "more than N" again
    ],
)
def test_not_forecasts_nor_comparisons(claim: str, basis: str) -> None:
    assert claim_basis(claim, set()) == basis
