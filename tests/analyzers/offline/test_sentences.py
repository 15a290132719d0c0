"""Sentence segmentation: offsets exact, abbreviations and decimals kept inside sentences."""

from __future__ import annotations

from bot.analyzers.offline.sentences import MAX_SENTENCE, split_sentences


def _texts(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


def test_abbreviations_decimals_and_quotes_do_not_split() -> None:
    text = (
        'Mr. Okafor met U.S. envoys in Geneva on Jan. 12. The fund grew 3.5 percent. '
        '"Is that final?" she asked. Dr. Lind disagreed.'
    )
    assert _texts(text) == [
        "Mr. Okafor met U.S. envoys in Geneva on Jan. 12.",
        "The fund grew 3.5 percent.",
        '"Is that final?" she asked.',
        "Dr. Lind disagreed.",
    ]


def test_abbreviation_at_sentence_end_splits_before_a_sentence_starter() -> None:
    assert _texts("The talks moved to the U.S. The ministry said so.") == [
        "The talks moved to the U.S.",
        "The ministry said so.",
    ]


def test_lines_are_sentences_and_offsets_are_exact() -> None:
    text = "Headline without a period\n- A bullet point.\n\n  Body text here.  "
    spans = split_sentences(text)
    assert _texts(text) == ["Headline without a period", "- A bullet point.", "Body text here."]
    for s, e in spans:
        assert text[s:e] == text[s:e].strip()


def test_lowercase_after_period_is_not_a_boundary() -> None:
    assert len(split_sentences("It cost approx. five dollars. Then it rose.")) == 2


def test_unpunctuated_megabyte_is_cut_into_bounded_pieces() -> None:
    text = "word " * 200_000
    spans = split_sentences(text)
    assert all(e - s <= MAX_SENTENCE for s, e in spans)
    assert spans[0][0] == 0 and spans[-1][1] == len(text.rstrip())


def test_empty_and_whitespace() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\t ") == []


def test_fast_paths_agree_with_the_abbreviation_rules() -> None:
    text = (
        "Prices rose in 2019. The Rev. Smith objected. It was approved (approx. 40 votes). "
        "Turnout was up. Ms. Okafor said so.\n“Really?” asked Gen. Lind. Sales fell everywhere. Then it ended."
    )
    assert _texts(text) == [
        "Prices rose in 2019.",
        "The Rev. Smith objected.",
        "It was approved (approx. 40 votes).",
        "Turnout was up.",
        "Ms. Okafor said so.",
        "“Really?” asked Gen. Lind.",
        "Sales fell everywhere.",
        "Then it ended.",
    ]
