"""Hedge cues: exact spans, strong versus weak cues."""

from __future__ import annotations

from bot.analyzers.offline.hedges import find_hedges


def _cues(text: str) -> dict[str, bool]:
    return {text[s:e]: strong for s, e, strong in find_hedges(text)}


def test_strong_weasels_and_weak_approximators() -> None:
    text = "It is widely believed that the bridge reportedly cost nearly 40 million."
    cues = _cues(text)
    assert cues["reportedly"] is True
    assert cues["nearly"] is False
    assert any("widely" in c for c in cues)


def test_phrases_match_across_whitespace_and_case() -> None:
    text = "The Courier Could not  independently verify the claim."
    assert "Could not  independently verify" in _cues(text)


def test_word_boundaries() -> None:
    # "Maybelline" and "someone" contain cue words but are not cues.
    assert _cues("Maybelline hired someone new.") == {}


def test_offsets_survive_characters_that_change_length_when_lowercased() -> None:
    text = "İstanbul officials reportedly agreed."
    (s, e, _), = [h for h in find_hedges(text) if text[h[0] : h[1]] == "reportedly"]
    assert text[s:e] == "reportedly"


def test_weak_phrases_stay_weak_across_line_breaks() -> None:
    text = "It cost more\nthan 40 million, and at  least 3 people reportedly left."
    cues = _cues(text)
    assert cues["more\nthan"] is False and cues["at  least"] is False
    assert cues["reportedly"] is True
