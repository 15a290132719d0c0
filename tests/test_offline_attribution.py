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
    ],
)
def test_source_types(text: str, quote: str, phrase: str, stype: str) -> None:
    assert (quote, phrase, stype) in _sources(text)


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
