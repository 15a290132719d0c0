"""Source detection and typing on short fictional wire-style sentences."""

from __future__ import annotations

import pytest

from bot.analyzers.offline.attribution import find_attributions, self_outlets


def _sources(text: str) -> list[tuple[str, str, str]]:
    return [
        (text[a.start : a.end], text[a.src_start : a.src_end], a.source_type) for a in find_attributions(text)
    ]


@pytest.mark.parametrize(
    ("text", "quote", "phrase", "stype"),
    [
        ("Two senior officials told Reuters the convoy had left.", "Two senior officials told Reuters",
         "Two senior officials", "anonymous"),
        ("The port was closed, according to the Daily Ledger.", "according to the Daily Ledger",
         "the Daily Ledger", "second_hand"),
        ("The port was closed, according to Mayor Ines Duarte.", "according to Mayor Ines Duarte",
         "Mayor Ines Duarte", "named_on_record"),
        ("The port was closed, according to Bloomberg.", "according to Bloomberg", "Bloomberg", "second_hand"),
        ("The mine reopened, citing unnamed regional officials.", "citing unnamed regional officials",
         "unnamed regional officials", "anonymous"),
        ("An aide in Lisbon said the vote would slip.", "An aide in Lisbon said", "An aide in Lisbon",
         "anonymous"),
        ("Energy analysts have said prices could fall.", "Energy analysts have said", "Energy analysts",
         "vague_group"),
        ("Critics say the plan is rushed.", "Critics say", "Critics", "vague_group"),
        ("Prices fell sharply, per reports.", "per reports", "reports", "second_hand"),
        ("Maria Ostrova, the port director, said the cranes were idle.",
         "Maria Ostrova, the port director, said", "Maria Ostrova", "named_on_record"),
        ('"We are ready," said Tomas Weller.', "said Tomas Weller", "Tomas Weller", "named_on_record"),
        ("Housing advocates say the plan will not stop rents rising.", "Housing advocates say",
         "Housing advocates", "vague_group"),
        # After a vague group, "described"/"called" are the group's verdict, not a participle.
        ("The vote followed a session that critics described as rushed.", "critics described", "critics",
         "vague_group"),
        ("Critics called the ferry contract a giveaway.", "Critics called", "Critics", "vague_group"),
        # Unnamed people known only by their role: counted or singular are anonymous, a bare plural vague.
        ("Two unnamed traders said exports fell.", "Two unnamed traders said", "Two unnamed traders", "anonymous"),
        ("One nurse told reporters the ward was full.", "One nurse told reporters", "One nurse", "anonymous"),
        ("A local trader said prices rose.", "A local trader said", "A local trader", "anonymous"),
        ("Dockworkers said the cranes were idle.", "Dockworkers said", "Dockworkers", "vague_group"),
    ],
)
def test_source_types(text: str, quote: str, phrase: str, stype: str) -> None:
    assert (quote, phrase, stype) in _sources(text)


@pytest.mark.parametrize(
    "text",
    [
        "Velmora launched a counter-offensive across the river last week.",
        "The council signed the harbour lease on Tuesday.",
    ],
)
def test_actors_are_not_sources(text: str) -> None:
    assert _sources(text) == []


def test_self_citation_and_explicitly_unverified_use_the_outlets_own_name() -> None:
    text = (
        "The Harbor Courier could not independently verify the footage. "
        "HC previously reported that the ferry was delayed."
    )
    assert self_outlets(text) >= {"harbor courier", "hc"}
    found = _sources(text)
    assert ("The Harbor Courier could not independently verify", "The Harbor Courier",
            "explicitly_unverified") in found
    assert ("HC previously reported", "HC", "self_citation") in found


@pytest.mark.parametrize(
    "dateline", ["RIVERTON (Meridian Wire) - ", "RIVERTON, May 2 (Meridian Wire) — ", "SANTA ROSA (Meridian Wire) – "]
)
def test_the_datelines_agency_is_the_pieces_own_name(dateline: str) -> None:
    text = f"{dateline}The council met on Thursday.\n\nMeridian Wire has reported that the city's debt rose by a third."
    assert "meridian wire" in self_outlets(text)
    assert ("Meridian Wire has reported", "Meridian Wire", "self_citation") in _sources(text)


def test_an_agency_dateline_far_into_the_text_is_not_the_pieces_name() -> None:
    text = "The council met on Thursday. " * 120 + "\n\nRIVERTON (Meridian Wire) - Meridian Wire reported the vote."
    assert "meridian wire" not in self_outlets(text)


@pytest.mark.parametrize(
    "text",
    [
        "An annual planning report, published in March, counted 1,150 new homes.",
        "The council's planning report counted 1,150 new homes.",
    ],
)
def test_report_after_a_singular_noun_is_a_noun_not_a_verb(text: str) -> None:
    # not "officials report": the source is never the phrase before "report"
    assert not any(phrase.endswith("planning") for _, phrase, _ in _sources(text))


def test_outlet_recipient_makes_a_named_source_second_hand() -> None:
    found = _sources("Governor Ana Ruiz told the Wall Street Journal that talks had stalled.")
    assert ("Governor Ana Ruiz told the Wall Street Journal", "Governor Ana Ruiz", "second_hand") in found


def test_pronoun_speakers_are_found_but_first_person_opinions_are_not() -> None:
    found = _sources('"It will pass," he said. "I think it is fine," Lee added.')
    phrases = [p for _, p, _ in found]
    assert "he" in phrases and "Lee" in phrases
    assert "I" not in phrases


def test_no_sources_in_plain_prose() -> None:
    assert _sources("The river flooded the lower town in spring.") == []


def _phrases(text: str) -> list[str]:
    return [p for _, p, _ in _sources(text)]


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        # Pronoun speakers with reporting, argument and criticism verbs.
        ("The vote was rigged, she argued on Tuesday.", "she"),
        ("He mocked the plan as a fantasy.", "He"),
        ("They warned that the bridge could fail.", "They"),
        # A long tail of verbs and multiword cues after a name.
        ("Sanders slammed the ruling as a giveaway.", "Sanders"),
        ("Mayor Lena Ortiz vowed to appeal.", "Mayor Lena Ortiz"),
        ("Kasich went after Rubio on immigration.", "Kasich"),
        ("Governor Hale has long insisted the audit was fair.", "Governor Hale"),
        # Possessives, prepositional phrases, shares of a poll.
        ("Trump’s campaign said the figures were wrong.", "Trump’s campaign"),
        ("Supporters of the mayor said the fines were unfair.", "Supporters of the mayor"),
        ("About 52 percent of voters said the economy was weak.", "52 percent of voters"),
        # Sources after a quote.
        ('"We will win this," said Alma Reyes.', "Alma Reyes"),
        ('"We will win this," Alma Reyes said.', "Alma Reyes"),
        # Appositives with commas inside, and a name right after a sentence end.
        ("Rachel Berg, a teacher from Monsey, New York, said the speeches helped.", "Rachel Berg"),
        ("They met in Square Park.  Song said the crowd was calm.", "Song"),
        # The sentence's subject for a trailing verb.
        ("Carly Fiorina backed Sen. Ted Cruz on Wednesday, saying it was time to unite.", "Carly Fiorina"),
        # A source noun with no verb: "Democratic strategist Joe Trippi".
        ("The deal, Democratic strategist Joe Trippi noted in an email, was rushed.", "Joe Trippi"),
    ],
)
def test_attributions_found_by_the_cue_scan(text: str, phrase: str) -> None:
    assert any(phrase in p for p in _phrases(text)), _sources(text)


@pytest.mark.parametrize(
    "text",
    [
        "The Trump campaign rally drew a large crowd in the United States.",
        "She joined a group called Hope for Tomorrow.",
        "The Fox Business Debate Was Long",
        "Prices per capita rose in the county.",
        "The bridge was closed in March after the storm.",
    ],
)
def test_nouns_and_names_that_look_like_cues_are_not_sources(text: str) -> None:
    assert _sources(text) == []


def test_every_attribution_is_an_exact_span_of_the_text() -> None:
    text = (
        '"It will pass," he said. Critics, including two former aides, have argued otherwise. '
        "According to a poll by the Coastal Herald, 40 percent of residents disagree, "
        "the Herald reported on Monday, citing unnamed officials.\n"
        "Graham: the plan is dead.\n"
        "The Harbor Courier could not independently verify the claims."
    )
    found = find_attributions(text)
    assert found
    for a in found:
        assert 0 <= a.start <= a.src_start < a.src_end <= a.end <= len(text)
        assert text[a.src_start : a.src_end].strip() == text[a.src_start : a.src_end]
        assert a.cue in text


def test_cue_scan_stays_linear_on_long_inputs() -> None:
    import time

    text = ("Officials said the river rose, he argued, and Mayor Dunn, a former judge, has said so. " * 3000
            + "said " * 20_000 + ", " * 20_000 + "The Ministry Of The Interior " * 5000)
    t = time.perf_counter()
    find_attributions(text)
    assert time.perf_counter() - t < 3
