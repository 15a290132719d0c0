"""Why, how to verify and priority, built from each item's own parts (invented sentences)."""

from __future__ import annotations

from bot.analyzers.offline import OfflineAnalyzer
from bot.models import Finding

TEXT = """Mill strike widens
The Valley Post reported on Tuesday that the mill had laid off 300 workers since March.
Two managers who asked not to be named said the owners would sell the mill for about $40 million.
Critics say the sale will push 2,000 families into debt.
Mayor Ines Okafor said the town would hold a hearing on June 12.
"It is a sad day for the valley," Okafor said.
The plant produced 40% of the region's paper last year, according to the industry association's annual report.
Output fell 12% in the quarter, the steepest fall since 2009.
"""


def _findings() -> list[Finding]:
    return OfflineAnalyzer().analyze(TEXT).findings


def _item(fragment: str) -> Finding:
    hits = [f for f in _findings() if fragment in f.quote]
    assert hits, fragment
    return hits[0]


def test_an_attributed_claim_is_never_called_unsourced() -> None:
    for f in _findings():
        if f.kind == "claim" and f.attribution is not None:
            assert "no source" not in f.why.lower() and "without a source" not in f.why.lower(), f.why
            assert f.basis != "unsourced"


def test_how_to_verify_names_the_outlet_and_its_date() -> None:
    f = _item("The Valley Post reported")
    assert "Valley Post" in f.how_to_verify and "on Tuesday" in f.how_to_verify


def test_how_to_verify_names_the_unnamed_source_and_the_figure() -> None:
    f = _item("Two managers")
    assert f.basis == "anonymous_source" and f.priority == "high"
    assert "Two managers" in f.how_to_verify and "$40 million" in f.how_to_verify


def test_how_to_verify_names_the_document() -> None:
    f = _item("industry association")
    assert "annual report" in f.how_to_verify


def test_priority_follows_the_stakes() -> None:
    assert _item("Critics say").priority == "high"  # a specific, consequential forecast by a vague group
    assert _item("Mayor Ines Okafor said").priority == "low"  # routine, named, on the record
    assert _item("steepest fall").priority == "high"  # a specific unsourced ranking


def test_a_named_persons_own_quote_is_not_a_claim_without_source() -> None:
    assert not [f for f in _findings() if f.kind == "claim" and "sad day" in f.quote]


def test_a_document_seen_by_the_outlet_is_the_source_and_dates_are_no_figures() -> None:
    text = ("An internal memo seen by the Evening Ledger says the dam was never tested.\n"
            "The memo, dated March 3, found that 14 of the 40 gates had rusted.")
    sources = [f for f in OfflineAnalyzer().analyze(text).findings if f.kind == "source"]
    assert sources[0].source_phrase == "An internal memo seen by the Evening Ledger"
    assert sources[0].source_type == "named_on_record"
    assert "“14”" in sources[1].how_to_verify and "3," not in sources[1].how_to_verify
