"""Right labels and nothing wrong: the attribution rules on invented wire-style sentences."""

from __future__ import annotations

import pytest

from bot.analyzers.offline import OfflineAnalyzer
from bot.models import Finding, source_findings


def _sources(text: str) -> list[Finding]:
    findings = OfflineAnalyzer().analyze(text).findings
    for f in findings:
        assert text[f.offset_hint : f.offset_hint + len(f.quote)] == f.quote
        assert "\n" not in f.quote
    return source_findings(findings)


def _typed(text: str) -> dict[str, str]:
    return {f.quote: f.source_type for f in _sources(text)}


def _one(text: str, fragment: str) -> Finding:
    hits = [f for f in _sources(text) if fragment in f.quote]
    assert len(hits) == 1, [(f.quote, f.source_type) for f in _sources(text)]
    return hits[0]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (
            "A dock foreman, who asked not to be named because he feared losing his job, said the cranes stood idle "
            "for 11 days.",
            "A dock foreman",
        ),
        (
            "Two of the traders said, speaking on condition of anonymity, that the fund had sold 8 million shares.",
            "Two of the traders",
        ),
        (
            "A local baker, who did not want to be identified, said the mill had raised flour prices by 30%.",
            "A local baker",
        ),
        ("One large shareholder said the board would reject the $2 billion offer.", "One large shareholder"),
        ("A person briefed on the talks said the lender would cut 400 jobs.", "A person briefed on the talks"),
        ("People close to the mayor said she would not seek a second term in 2027.", "People close to the mayor"),
        ("One shipping executive told the Harbour Gazette that freight rates had doubled.", "One shipping executive"),
        (
            "An engineer who spoke on condition of anonymity because he was not authorised to comment said the dam "
            "had leaked for 3 years.",
            "An engineer",
        ),
    ],
)
def test_anonymity_in_all_its_forms(text: str, fragment: str) -> None:
    assert _one(text, fragment).source_type == "anonymous"


def test_the_official_stays_anonymous_when_never_named() -> None:
    text = (
        "A senior port official, speaking on condition of anonymity, said 40 ships were waiting.\n"
        '"We have never seen a queue like this," the official said.'
    )
    assert _one(text, "the official said").source_type == "anonymous"


def test_the_official_named_earlier_stays_named() -> None:
    text = (
        "Port official Mara Lind said 40 ships were waiting.\n"
        '"We have never seen a queue like this," the official said.'
    )
    assert _one(text, "the official said").source_type == "named_on_record"


@pytest.mark.parametrize(
    ("text", "fragment", "stype"),
    [
        (
            "According to reports in the local press, the plant shed 200 workers last year.",
            "According to reports in the local press",
            "second_hand",
        ),
        (
            "A group calling itself Grey Heron posted files it said came from 3 million accounts.",
            "A group calling itself Grey Heron",
            "anonymous",
        ),
        ("Neighbours described the owner as a careful man who paid his 12 staff on time.", "Neighbours", "vague_group"),
        (
            "Some tenants who spoke at the hearing said rents had risen 20% in a year.",
            "Some tenants who spoke at the hearing said",
            "vague_group",
        ),
        ("It is understood that the ministry will sell its 30% stake next year.", "It is understood that", "anonymous"),
        ("The fund is understood to have bought 5% of the shares.", "is understood to", "anonymous"),
    ],
)
def test_types_from_the_phrase_and_its_sentence(text: str, fragment: str, stype: str) -> None:
    assert _one(text, fragment).source_type == stype


@pytest.mark.parametrize(
    "text",
    [
        "The ministry has not said how many inspectors it sent to the 14 sites.",
        "The court will hear from witnesses who will say they were paid in cash.",
        "The levy will add about $80 a year to a typical household bill.",
        "The study adds to evidence that night shifts raise the risk of injury.",
        "The company posted a net loss of $12 million for the quarter.",
        "Velmar Foods declined to comment on what it called market rumours.",
        "Park said she backed most of the plan.",
        "The council voted 7-2 to approve the plan, and several members opposed the tax rise.",
        "The findings are encouraging, the minister said.",
    ],
)
def test_non_sources_are_not_listed(text: str) -> None:
    bad = [f.quote for f in _sources(text) if f.quote not in ("Park said", "the minister said")]
    assert bad == []


def test_a_headline_subject_is_not_a_source_but_its_weak_sourcing_is() -> None:
    text = (
        "Mill to close two plants, company says\n"
        "Harbour strike to widen, sources say\n"
        "The mill will close two plants in May, its chief executive said on Tuesday."
    )
    quotes = [f.quote for f in _sources(text)]
    assert "company says" not in quotes
    assert any("sources say" in q for q in quotes)


def test_a_dateline_is_not_a_source() -> None:
    text = "PORT ELLIS (Coast Wire) - The mill will close two plants in May, its chief executive said on Tuesday."
    assert not any("PORT ELLIS" in f.quote for f in _sources(text))


def test_speakers_inside_a_quotation() -> None:
    text = (
        '"The rebels told the envoys on Friday that they want a truce by June. The republic agrees with us," '
        "Foreign Minister Ana Ruiz said."
    )
    typed = _typed(text)
    relayed = [stype for quote, stype in typed.items() if quote.startswith("The rebels told")]
    assert relayed == ["second_hand"]  # hearsay relayed by the quoted speaker
    assert not any("republic" in q for q in typed)  # a belief inside the quotation is no source
    assert typed.get("Foreign Minister Ana Ruiz said") == "named_on_record"


def test_no_span_across_a_sentence_or_a_line() -> None:
    text = (
        "The agency will close 14 offices by March, two officials briefed on the plan said.\n"
        "The mayor, Ines Okafor, said the bridge would reopen in May. Okafor said the cost was $3 million."
    )
    for f in _sources(text):
        assert "\n" not in f.quote and ". " not in f.quote.rstrip(".")


def test_names_are_kept_whole() -> None:
    text = (
        "The reply was short, with Jon Harte, the city's chief planning officer, saying on Monday: "
        '"The tower will not be built."'
    )
    assert not any(f.quote.startswith("chief planning officer") for f in _sources(text))
    assert any("Jon Harte" in f.quote for f in _sources(text))


def test_citing_takes_its_whole_noun_phrase() -> None:
    text = "The Valley Times reported in 2023, citing court filings, that the hospital had paid $1.1 million."
    assert any(f.quote == "citing court filings" for f in _sources(text))


@pytest.mark.parametrize(
    ("text", "fragment", "stype"),
    [
        ('Traders are reportedly moving grain to Halden, which one freight broker described as "the last open port."',
         "one freight broker described", "anonymous"),
        ("The drug cut relapses by 40%, doctors said on Monday, a result experts called a breakthrough.",
         "experts called", "vague_group"),
        ("About 9,000 people died of the fever last year, according to widely cited figures.",
         "according to widely cited figures", "vague_group"),
    ],
)
def test_more_types_from_the_sentence(text: str, fragment: str, stype: str) -> None:
    hit = _one(text, fragment)
    assert hit.source_type == stype and hit.quote == fragment


def test_an_attribution_in_a_relative_clause_is_not_the_claims_source() -> None:
    text = ("The council approved a $2 billion budget, its largest ever, after a session that critics described "
            "as rushed.")
    findings = OfflineAnalyzer().analyze(text).findings
    claim = next(f for f in findings if f.kind == "claim")
    assert claim.attribution is None and claim.basis == "comparison"
    assert claim.claim.endswith("that critics described as rushed")  # whole, not cut at "that"
    assert [f.quote for f in findings if f.kind == "source"] == ["critics described"]


def test_hearsay_with_no_source_is_second_hand() -> None:
    text = "Shippers are reportedly diverting 40% of their cargo to the northern terminals."
    claim = next(f for f in OfflineAnalyzer().analyze(text).findings if f.kind == "claim")
    assert claim.basis == "second_hand" and claim.priority == "high"
    assert "no source named" in claim.why


def test_counted_unnamed_people_are_anonymous_and_one_of_them_too() -> None:
    text = ("Two senior nurses at the clinic, who declined to be named, said the ward had shut in May.\n"
            '"We turn people away every night," one of them said.')
    typed = _typed(text)
    assert [t for q, t in typed.items() if q.startswith("Two senior nurses")] == ["anonymous"]
    assert typed.get("one of them said") == "anonymous"


def test_a_non_response_is_no_source_and_a_title_takes_its_name() -> None:
    text = ("A spokeswoman for the airport did not respond to requests for comment.\n"
            "A spokesman for the port, Ivo Brandt, confirmed the closure and said it would last a week.")
    quotes = [f.quote for f in _sources(text)]
    assert not any(q.startswith("A spokeswoman") for q in quotes)
    assert any("Ivo Brandt" in q for q in quotes)


@pytest.mark.parametrize(
    ("text", "fragment", "stype"),
    [
        ("The club agreed a fee of 80 million, a person with knowledge of the talks told the Herald.",
         "a person with knowledge of the talks told", "anonymous"),
        ("The deal was first reported by the Evening Ledger on Sunday.", "was first reported by the Evening Ledger",
         "second_hand"),
        ("According to rumours in the local press, the mill will close in June.",
         "According to rumours in the local press", "second_hand"),
    ],
)
def test_newsroom_formulas(text: str, fragment: str, stype: str) -> None:
    assert _one(text, fragment).source_type == stype


def test_that_after_a_reporting_verb_is_not_a_relative_clause() -> None:
    text = 'The Ledger reported on Monday that an aide in the capital said a "small" number of staff had quit.'
    claim = next(f for f in OfflineAnalyzer().analyze(text).findings if f.kind == "claim")
    assert claim.attribution is not None and claim.attribution.quote == "an aide in the capital said"
    assert claim.attribution.source_type == "anonymous"


def test_a_relative_clause_after_a_reported_noun_is_still_one() -> None:
    text = "A port official said management had offered a 6% raise that the union rejected."
    assert [f.quote for f in _sources(text)] == ["A port official said"]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("Officials speaking on background said the strikes killed 12 people.",
         "Officials speaking on background said"),
        ("Aides speaking privately said the budget had a $3 billion hole.", "Aides speaking privately said"),
        ("Sources close to the company say 300 jobs will go.", "Sources close to the company say"),
        ("A source who requested anonymity said the merger would be announced on Monday.",
         "A source who requested anonymity said"),
    ],
)
def test_more_anonymity_formulas(text: str, fragment: str) -> None:
    hit = _one(text, fragment)
    assert hit.source_type == "anonymous" and hit.quote == fragment


def test_a_subject_with_a_relative_clause_is_one_anonymous_speaker() -> None:
    text = "One person who attended the meeting said the mayor threatened to resign."
    assert _typed(text)["One person who attended the meeting said"] == "anonymous"
