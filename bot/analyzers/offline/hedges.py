"""Hedge and weasel cues ("reportedly", "nearly", "it is believed", "could not independently verify")."""

from __future__ import annotations

import re

from bot.analyzers.offline.claims import lowered
from bot.analyzers.offline.lexicons import HEDGE_PHRASES, HEDGE_WORDS, WEAK_HEDGES
from bot.analyzers.offline.patterns import trie

# Run on lowercased text (see claims.lowered): a case-insensitive trie is several times slower.
# The character before a cue is matched rather than looked behind at every position (faster); the
# text is searched with a space in front, so offsets are one less than the match's.
_HEDGE = re.compile(r"[^\w\-](" + trie(w.lower() for w in HEDGE_WORDS + HEDGE_PHRASES) + r")(?![\w\-])")
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
    out = []
    weak = WEAK_CUES
    for m in _HEDGE.finditer(" " + low):
        key = m.group(1)
        if key not in weak and not key.isalpha():
            key = " ".join(key.split())  # a phrase across a line break or several spaces
        s, e = m.span(1)
        out.append((s - 1, e - 1, key))
    return out
