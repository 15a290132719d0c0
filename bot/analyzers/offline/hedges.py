"""Hedge and weasel cues ("reportedly", "nearly", "it is believed", "could not independently verify")."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import pairwise

from bot.analyzers.offline.claims import lowered
from bot.analyzers.offline.lexicons import HEDGE_PHRASES, HEDGE_WORDS, WEAK_HEDGES
from bot.analyzers.offline.patterns import trie

# Run on lowercased text (see claims.lowered): a case-insensitive trie is several times slower.
# The character before a cue is matched rather than looked behind at every position (faster); the
# text is searched with a space in front, so offsets are one less than the match's.
_CUES = trie(w.lower() for w in HEDGE_WORDS + HEDGE_PHRASES)
_HEDGE = re.compile(r"[^\w\-](" + _CUES + r")(?![\w\-])")
# ``_HEDGE`` as two faster scans: after a plain space (a literal the scanner skips to), and after
# the other characters, found by a cheap ASCII class and then checked against ``[^\w\-]``. The
# Unicode class of ``_HEDGE`` costs a category lookup at every character of the text.
_HEDGE_SPACE = re.compile(r" (" + _CUES + r")(?![\w\-])")
_HEDGE_OTHER = re.compile(r"[^a-z0-9 ](" + _CUES + r")(?![\w\-])")
WEAK_CUES = frozenset(w.lower() for w in WEAK_HEDGES)


def find_hedges(text: str, low: str | None = None) -> list[tuple[int, int, bool]]:
    """``(start, end, strong)`` for each cue; ``strong`` cues alone make a sentence uncertain.

    ``low`` is ``text`` lowercased with unchanged offsets, when the caller already has it."""
    if low is None or len(low) != len(text):
        low = lowered(text)
    weak = WEAK_CUES
    return [(s, e, key not in weak) for s, e, key in hedge_cues(low)]


def hedge_cues(low: str) -> list[tuple[int, int, str]]:
    """``(start, end, cue)`` for each cue in the lowercased text. A cue that is not a weak one as
    written has its whitespace runs collapsed ("is  believed\nto" → "is believed to")."""
    spaced = " " + low
    out = _cue_tuples(_HEDGE_SPACE.finditer(spaced))
    other = _cue_tuples(_other_matches(spaced))
    if other:
        out += other
        out.sort()  # two sorted runs, merged; no two cues start at the same offset
        # ``_HEDGE`` resumes after each match; the two scans only agree with it when no match of one
        # overlaps a match of the other (separator included). Otherwise, rarely, scan once.
        if any(b[0] <= a[1] for a, b in pairwise(out)):
            out = _cue_tuples(_HEDGE.finditer(spaced))
    return out


def _other_matches(spaced: str) -> Iterator[re.Match[str]]:
    """The matches of ``_HEDGE`` whose separator is not a space, leftmost first, each searched from
    the end of the one before (as ``finditer`` would)."""
    pos = 0
    search = _HEDGE_OTHER.search
    while (m := search(spaced, pos)) is not None:
        c = spaced[m.start()]
        if c == "-" or c == "_" or c.isalnum():  # a word character or a hyphen: not a separator
            pos = m.start() + 1
            continue
        yield m
        pos = m.end()


def _cue_tuples(matches: Iterable[re.Match[str]]) -> list[tuple[int, int, str]]:
    out = []
    weak = WEAK_CUES
    for m in matches:
        key = m.group(1)
        s = m.start()  # the cue starts one after the match, and ``spaced`` is one longer than the text
        e = s + len(key)
        if key not in weak and not key.isalpha():
            key = " ".join(key.split())  # a phrase across a line break or several spaces
        out.append((s, e, key))
    return out
