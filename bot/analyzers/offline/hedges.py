"""Hedge and weasel cues ("reportedly", "nearly", "it is believed", "could not independently verify")."""

from __future__ import annotations

import re

from bot.analyzers.offline.claims import lowered
from bot.analyzers.offline.lexicons import HEDGE_PHRASES, HEDGE_WORDS, WEAK_HEDGES
from bot.analyzers.offline.patterns import trie

# Run on lowercased text (see claims.lowered): a case-insensitive trie is several times slower.
_HEDGE = re.compile(r"(?<![\w\-])" + trie(w.lower() for w in HEDGE_WORDS + HEDGE_PHRASES) + r"(?![\w\-])")
_WEAK = frozenset(w.lower() for w in WEAK_HEDGES)
_SPACES = re.compile(r"\s+")


def find_hedges(text: str, low: str | None = None) -> list[tuple[int, int, bool]]:
    """``(start, end, strong)`` for each cue; ``strong`` cues alone make a sentence uncertain.

    ``low`` is ``text`` lowercased with unchanged offsets, when the caller already has it."""
    if low is None or len(low) != len(text):
        low = lowered(text)
    out = []
    for m in _HEDGE.finditer(low):
        key = _SPACES.sub(" ", m.group().lower())
        out.append((m.start(), m.end(), key not in _WEAK))
    return out
