"""OfflineAnalyzer contract: verbatim quotes with exact offsets, sensible ranking, robust input."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.analyzers.offline import OfflineAnalyzer
from bot.models import AnalysisResult, Finding, Usage, source_findings

# Fictional wire copy written for these tests.
WIRE = """Port strike spreads to northern terminals, per reports
- Dockworkers walked out at three more terminals on Monday.
- Union officials told the Harbor Courier the strike could last weeks.
Dockworkers at three northern terminals joined the strike on Monday, the Coastal Times reported, \
citing unnamed union officials.
Union officials told the Courier that about 4,000 workers had walked out, nearly twice as many as in \
the 2019 dispute.
Shipping analysts have said the stoppage could cost exporters $30 million a day. \
The Harbor Courier could not independently verify that figure.
"We will not accept a pay freeze," said Lena Varga, the union's chair. \
Port director Omar Haddad said talks would resume on Thursday.
A person familiar with the talks said the government may intervene, HC previously reported.
"""

TEXTS = [
    WIRE,
    "Mr. Dunn said the U.S. plan cost $4.5 billion. It is widely believed to be the largest ever.",
    "No attribution here at all",
    "Critics say the mayor, who took office in 2021, has doubled spending. He denies it.",
    "",
]


def _check_grounded(text: str, findings: list[Finding]) -> None:
    for f in findings:
        assert f.offset_hint is not None
        assert text[f.offset_hint : f.offset_hint + len(f.quote)] == f.quote
        assert f.quote.strip()
        if f.source_phrase is not None:
            assert f.source_phrase in f.quote or f.source_phrase in text
        for cue in f.hedge_cues:
            assert cue in text


@pytest.mark.parametrize("text", TEXTS)
def test_every_quote_is_verbatim_at_its_offset(text: str) -> None:
    result = OfflineAnalyzer().analyze(text)
    assert isinstance(result, AnalysisResult)
    assert result.usage == Usage()
    _check_grounded(text, result.findings)


def test_identity() -> None:
    a = OfflineAnalyzer()
    assert a.name == "offline"
    assert a.cache_identity == f"offline:{OfflineAnalyzer.RULES_VERSION}"
    assert a.model is None and a.prompt_version is None


def test_wire_story_sources_and_claims() -> None:
    findings = OfflineAnalyzer().analyze(WIRE).findings
    sources = {f.quote: f for f in source_findings(findings)}
    assert sources["per reports"].source_type == "second_hand"
    # the outlet and the people it cites are one attribution, typed by the weaker of the two
    citing = next(f for q, f in sources.items() if q.endswith("citing unnamed union officials"))
    assert citing.quote == "the Coastal Times reported, citing unnamed union officials"
    assert citing.source_type == "anonymous" and citing.priority == "high"
    assert sources["Shipping analysts have said"].source_type == "vague_group"
    assert sources["The Harbor Courier could not independently verify"].source_type == "explicitly_unverified"
    assert sources["HC previously reported"].source_type == "self_citation"
    assert any(f.source_phrase == "A person familiar with the talks" and f.source_type == "anonymous"
               for f in sources.values())
    assert sources["Omar Haddad said"].priority == "low"
    assert sources["Union officials told the Harbor Courier"].source_type == "anonymous"
    assert any("Coastal Times reported" in f.quote for f in sources.values())  # merged with what it cites
    for f in sources.values():
        assert f.why and f.how_to_verify

    claims = [f for f in findings if f.kind == "claim"]
    figure = next(f for f in claims if "4,000 workers" in f.quote)
    assert figure.priority == "high"
    assert "about" in figure.hedge_cues and "nearly" not in figure.claim.split()[:1]
    cost = next(f for f in claims if "$30 million" in f.quote)
    assert cost.basis in ("characterisation", "not_independently_verified", "disputed_figure")
    # A named person's quoted opinion is a source, not a high-priority claim.
    assert not any("pay freeze" in f.quote and f.priority == "high" for f in claims)
    # Summary bullets are read like body sentences: the reader takes each away as a claim.
    assert any(f.quote.startswith("- Dockworkers") for f in claims)


def test_checklist_size_is_editor_sized() -> None:
    findings = OfflineAnalyzer().analyze(WIRE).findings
    assert 8 <= len(findings) <= 30
    assert len([f for f in findings if f.priority != "low"]) <= 25


@pytest.mark.parametrize(
    "text",
    [
        "a" * 1_000_000,
        ("word " * 200_000),
        "\x00" * 10_000 + "Officials said\x00 it\x00 rose.",
        "🙂 Officials said 🚀 the price rose 5% 🙂. " * 2000,
        "قال مسؤولون إن الأسعار ارتفعت. " * 2000 + "Officials said so.",
        "<p>Officials <b>said</b> the deal was done.</p><script>alert(1)</script>\n" * 2000,
        "." * 200_000 + " " + "," * 200_000,
        "Mr. " * 50_000,
        '"' * 100_000,
        ("The Ministry Of The Interior Of The Republic Of " * 5000),
        "\ud800 Officials said \udfff prices rose 5% \ud83d. " * 2000,
        "more than " * 100_000 + "$%?" * 10_000,
        "- Officials said it rose.\n" * 20_000,
        "İ" * 50_000 + " Officials said costs rose 40 percent in 2019 — far more than expected; allegedly.",
    ],
    ids=["one-char", "no-punct", "nul", "emoji", "rtl", "html", "dots", "titles", "quotes", "capitals",
         "surrogates", "phrases", "bullets", "growing-lowercase"],
)
def test_adversarial_input_is_fast_and_grounded(text: str) -> None:
    t = time.perf_counter()
    findings = OfflineAnalyzer().analyze(text).findings
    assert time.perf_counter() - t < 5
    _check_grounded(text, findings[:500])


def test_seed_article_acceptance(shared_data: Path) -> None:
    """Every anonymous, vague and second-hand source and the main unverified claims are listed."""
    text = (shared_data / "seed-article-kursk.txt").read_text(encoding="utf-8")
    findings = OfflineAnalyzer().analyze(text).findings
    _check_grounded(text, findings)
    sources = source_findings(findings)
    claims = [f for f in findings if f.kind == "claim"]

    def source(fragment: str, *types: str) -> Finding:
        hits = [f for f in sources if fragment in f.quote and f.source_type in types]
        assert hits, f"no {types} source containing {fragment!r}"
        return hits[0]

    unsure = ("anonymous", "second_hand", "vague_group", "self_citation", "explicitly_unverified")
    source("US officials told the Wall Street Journal", "anonymous", "second_hand")
    source("citing unnamed US officials", "anonymous")
    source("an official in Kyiv said", "anonymous")
    source("according to Politico Europe", "second_hand")
    source("military analysts have said", "vague_group")
    source("BI previously reported", "self_citation")
    source("military analysts previously told BI", *unsure)
    source("the Journal reported", "second_hand")
    source("per reports", "second_hand")
    source("could not independently verify", "explicitly_unverified")
    assert text.index("per reports") < text.index("\n")  # the headline's "per reports"
    for f in sources:
        if f.source_type in ("anonymous", "second_hand", "explicitly_unverified"):
            assert f.priority == "high"

    def claim(fragment: str) -> Finding:
        hits = [f for f in claims if fragment in f.quote]
        assert hits, f"no claim containing {fragment!r}"
        return hits[0]

    withdrawal = claim("withdrawing")
    assert withdrawal.basis in ("anonymous_source", "second_hand") and withdrawal.priority == "high"
    area = claim("nearly 400 square miles")
    assert "nearly" in area.hedge_cues and area.priority == "high"
    comparison = claim("almost as much as")
    assert comparison.basis in ("comparison", "not_independently_verified")
    aims = claim("negotiation leverage")
    assert aims.basis in ("characterisation", "second_hand", "prediction")
    # A named official's quoted words are not high-priority claims.
    assert not any("get the hell out" in f.quote and f.priority == "high" for f in claims)
    assert len([f for f in findings if f.priority != "low"]) <= 25


def test_claim_text_drops_the_attribution_and_non_responses_are_not_claims() -> None:
    text = (
        "Grain exports fell 40 percent in March, the Harbor Courier reported, citing two unnamed traders. "
        "The ministry did not respond to requests for comment on the export figures for 2023."
    )
    claims = [f for f in OfflineAnalyzer().analyze(text).findings if f.kind == "claim"]
    assert len(claims) == 1
    assert claims[0].claim == "Grain exports fell 40 percent in March"
    assert claims[0].basis == "anonymous_source" and claims[0].priority == "high"


@pytest.mark.parametrize(("mark", "close"), [('"', '"'), ("“", "”")])
def test_claim_text_ending_in_a_quotation_keeps_its_closing_quote_mark(mark: str, close: str) -> None:
    text = (
        f"The mayor called the closure of the harbour a {mark}temporary setback for 400 workers,{close} "
        "the Harbor Courier reported on Monday."
    )
    claims = [f for f in OfflineAnalyzer().analyze(text).findings if f.kind == "claim"]
    assert [c.claim for c in claims] == [
        f"The mayor called the closure of the harbour a {mark}temporary setback for 400 workers{close}"
    ]


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        ("RIVERTON (Meridian Wire) - Riverton's council on Thursday approved a $1.2 billion budget.",
         "Riverton's council on Thursday approved a $1.2 billion budget"),
        ("Two unnamed traders said exports fell 40 percent in March, although the ministry data do not show it.",
         "exports fell 40 percent in March, although the ministry data do not show it"),
        ("The Harbor Courier has reported previously that the city's debt rose by a third.",
         "the city's debt rose by a third"),
        ("The Harbor Courier reported last week that the city's debt rose by a third.",
         "the city's debt rose by a third"),
    ],
)
def test_claim_text_is_the_assertion_alone(text: str, claim: str) -> None:
    claims = [f.claim for f in OfflineAnalyzer().analyze(text).findings if f.kind == "claim"]
    assert claims == [claim]


def test_fast_constructed_findings_equal_validated_ones() -> None:
    """Findings skip pydantic validation; they must be exactly what validation would produce."""
    findings = OfflineAnalyzer().analyze(WIRE).findings
    assert findings
    for f in findings:
        again = Finding.model_validate(f.model_dump())
        assert again == f and again.model_dump_json() == f.model_dump_json()
        assert f.model_fields_set == set(Finding.model_fields)


def test_findings_sharing_a_fields_set_stay_independent() -> None:
    """Fast-built findings share one fields-set: copying or assigning must not leak into the others."""
    first, second, *_ = OfflineAnalyzer().analyze(WIRE).findings
    copy = first.model_copy(update={"quote": "x", "offset_hint": 0})
    first.why = "changed"
    assert copy.quote == "x" and second.why != "changed"
    for f in (first, second, copy):
        assert f.model_fields_set == set(Finding.model_fields)


def test_rules_version_is_in_the_cache_identity() -> None:
    assert OfflineAnalyzer().cache_identity == "offline:rules-8"


def test_hedged_first_person_opinion_is_not_a_weasel_claim() -> None:
    """A speaker hedging their own view is opinion; a third-person weasel is an unsourced claim."""
    text = "I think we could perhaps do better.\nIt is widely believed that the treaty was a failure."
    claims = [f.quote for f in OfflineAnalyzer().analyze(text).findings if f.kind == "claim"]
    assert claims == ["It is widely believed that the treaty was a failure."]


def test_a_non_response_clause_does_not_hide_the_claim_beside_it() -> None:
    text = (
        "Grain exports to the region fell 40 percent in 2023 — the ministry did not respond to "
        "requests for comment on the export figures."
    )
    claims = [f for f in OfflineAnalyzer().analyze(text).findings if f.kind == "claim"]
    assert [f.quote for f in claims] == ["Grain exports to the region fell 40 percent in 2023"]


def test_a_claim_carries_the_attribution_it_rests_on() -> None:
    text = ("The agency will close 14 regional offices by March, two officials briefed on the plan said.\n"
            "The bridge reopened in May.")
    findings = OfflineAnalyzer().analyze(text).findings
    claims = [f for f in findings if f.kind == "claim" and "14 regional offices" in f.quote]
    assert len(claims) == 1 and claims[0].attribution is not None
    a = claims[0].attribution
    assert a.source_type == "anonymous" and "two officials briefed on the plan" in a.quote
    assert text[a.offset_hint : a.offset_hint + len(a.quote)] == a.quote
    # one item per thing to check: no separate source item for the attribution the claim carries
    assert not [f for f in findings if f.kind == "source" and "briefed" in f.quote]


def test_a_document_that_finds_a_figure_is_its_source() -> None:
    text = "The council's own planning report counted 1,150 homes approved since 2022."
    findings = OfflineAnalyzer().analyze(text).findings
    assert [f.kind for f in findings] == ["source"]
    report = findings[0]
    assert report.source_phrase == "The council's own planning report" and report.source_type == "named_on_record"
    assert "1,150 homes" in report.how_to_verify and "no source" not in report.why
