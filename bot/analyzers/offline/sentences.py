"""Sentence segmentation with exact offsets.

One regex pass finds candidate boundaries (terminal punctuation followed by whitespace, or a line
break); a cheap check per candidate rejects abbreviations ("Mr.", "Jan.", "U.S.") and initials.
Decimals ("3.5") and URLs never match because the boundary needs whitespace after the period.
"""

from __future__ import annotations

import re

from bot.analyzers.offline.lexicons import ABBREVIATIONS, SENTENCE_STARTERS

# Terminal punctuation (with closing quotes/brackets) followed by whitespace, or a line break.
# Written to start with one character class so that the scanner skips ahead to candidates with a
# fast C loop (a leading lookbehind or alternation makes it try the whole pattern at every
# position). No lookbehind is needed to keep a match from starting inside a run of punctuation:
# a match at the run's start takes the whole run, and where that fails a later start fails too.
_BOUNDARY = re.compile(r"[.!?…\n](?:(?<=\n)|[.!?…]*+[\"'”’)\]]*(?=\s))")
_PREV_TOKEN = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")
_NEXT_WORD = re.compile(r"\s*([\"'“‘(\[]?)(\w*)")
_OPENERS = frozenset("\"'“‘([")
# Pathological inputs (a megabyte with no punctuation) are cut into bounded pieces so that no
# downstream step ever works on an unbounded "sentence".
MAX_SENTENCE = 1500
_SOFT_BREAK = re.compile(r"[,;:]\s|\s")


def _is_abbreviation(text: str, punct_start: int, punct: str) -> bool:
    if punct != ".":
        return False
    m = _PREV_TOKEN.search(text, max(0, punct_start - 16), punct_start + 1)
    if not m:
        return False
    token = m.group(1).lower()
    return token in ABBREVIATIONS or (len(token) == 1 and m.group(1).isupper())


def _split_long(text: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    while end - start > MAX_SENTENCE:
        cut = -1
        window_start = start + MAX_SENTENCE // 2
        for m in _SOFT_BREAK.finditer(text, window_start, start + MAX_SENTENCE):
            cut = m.end()
        if cut <= start:
            cut = start + MAX_SENTENCE
        out.append((start, cut))
        start = cut
    out.append((start, end))


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Spans ``(start, end)`` of sentences in ``text``, whitespace trimmed, in order."""
    spans: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    for m in _BOUNDARY.finditer(text):
        end = m.end()
        punct_start = m.start()
        last = text[punct_start]
        if last != "\n":
            # The next word, cheaply in the usual case (one space, then a letter).
            c = text[end + 1] if end + 1 < n else ""
            if c and (c.isspace() or c in _OPENERS):
                nxt = _NEXT_WORD.match(text, end)
                word = nxt.group(2) if nxt else ""
            else:
                word = c if c.isalnum() or c == "_" else ""
            # A lowercase continuation means the period was not a sentence end ("approx. five").
            if word and word[0].islower():
                continue
            # A period after seven letters or more (the usual case, tested here without a call) ends
            # a word longer than any abbreviation.
            if (
                last == "."
                and end - punct_start == 1
                and not (punct_start >= 7 and text[punct_start - 7 : punct_start].isalpha())
                and _maybe_abbreviation(text, punct_start)
            ):
                if word and c == word:  # only the first character was looked at: get the whole word
                    nxt = _NEXT_WORD.match(text, end)
                    word = nxt.group(2) if nxt else ""
                if word.lower() not in SENTENCE_STARTERS:
                    continue
        # Trim the whitespace left after the previous boundary; the rest only in the rare cases.
        while start < end and text[start].isspace():
            start += 1
        if end - start <= MAX_SENTENCE and not text[end - 1].isspace():
            spans.append((start, end))
        else:
            _emit(text, start, end, spans)
        start = end
    if start < n:
        _emit(text, start, n, spans)
    return spans


def _maybe_abbreviation(text: str, punct_start: int) -> bool:
    """``_is_abbreviation`` with fast exits: no letter before the period, or a plain word. The caller
    has already ruled out a word of seven letters or more (longer than any abbreviation)."""
    before = text[punct_start - 1] if punct_start else ""
    if not ("a" <= before <= "z" or "A" <= before <= "Z"):
        return before == "." and _is_abbreviation(text, punct_start, ".")
    # The usual case, a plain word after a space: that word is the token the regex would find.
    space = text.rfind(" ", max(0, punct_start - 16), punct_start)
    word = text[space + 1 : punct_start]
    if space >= 0 and word.isascii() and word.isalpha():
        return word.lower() in ABBREVIATIONS or (len(word) == 1 and word.isupper())
    return _is_abbreviation(text, punct_start, ".")


def _emit(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    # Trim surrounding whitespace without copying the slice.
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        if end - start > MAX_SENTENCE:
            _split_long(text, start, end, spans)
        else:
            spans.append((start, end))
