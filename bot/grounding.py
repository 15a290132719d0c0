"""Locate an analyzer's quote in the text: exact, then normalized, then a tight fuzzy match.

Quotes are found by their text alone; the only positional input is an optional hint from analyzers
that computed exact offsets themselves. A quote that cannot be located is not shown.
"""

from __future__ import annotations

import bisect
import difflib
from dataclasses import dataclass

from bot.text import QUOTE_FOLD, SPACES, normalize

MIN_QUOTE_CHARS = 4  # shorter "quotes" ("the", "he") would match almost anywhere
FUZZY_MIN_CHARS = 24  # below this a near-miss is too likely to be a different phrase
FUZZY_MIN_RATIO = 0.92
ANCHOR_CHARS = 12


@dataclass(frozen=True)
class Located:
    start: int
    end: int


class Grounder:
    """Finds quotes in one text. Build one per text: the normalized copy is made once, on demand."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._folded: str | None = None
        self._index: list[int] = []  # folded position -> original position

    def locate(self, quote: str, hint: int | None = None, within: tuple[int, int] | None = None) -> Located | None:
        quote = quote.strip()
        if len(quote) < MIN_QUOTE_CHARS:
            return None
        lo, hi = within or (0, len(self.text))
        if hint is not None and lo <= hint and self.text.startswith(quote, hint) and hint + len(quote) <= hi:
            return Located(hint, hint + len(quote))
        exact = self._nearest(self._occurrences(self.text, quote, lo, hi), hint)
        if exact is not None:
            return Located(exact, exact + len(quote))
        return self._locate_folded(quote, hint, lo, hi)

    @staticmethod
    def _occurrences(haystack: str, needle: str, lo: int, hi: int) -> list[int]:
        found: list[int] = []
        position = haystack.find(needle, lo, hi)
        while position != -1 and len(found) < 1000:
            found.append(position)
            position = haystack.find(needle, position + 1, hi)
        return found

    @staticmethod
    def _nearest(positions: list[int], hint: int | None) -> int | None:
        if not positions:
            return None
        if hint is None:
            return positions[0]
        return min(positions, key=lambda p: abs(p - hint))

    def _fold(self) -> str:
        """Lower-case, fold quotes and dashes, collapse whitespace; keep a map back to the text."""
        if self._folded is None:
            translated = self.text.translate(QUOTE_FOLD)
            lowered = translated.lower()
            if len(lowered) != len(translated):  # a few characters lower-case to two; keep them as they are
                lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in translated)
            pieces: list[str] = []
            index: list[int] = []
            position = 0
            for match in SPACES.finditer(lowered):
                pieces.append(lowered[position : match.start()])
                index.extend(range(position, match.start()))
                if match.start() > 0 and match.end() < len(lowered):
                    pieces.append(" ")
                    index.append(match.start())
                position = match.end()
            pieces.append(lowered[position:])
            index.extend(range(position, len(lowered)))
            index.append(len(self.text))
            self._folded, self._index = "".join(pieces), index
        return self._folded

    def _to_original(self, folded_start: int, folded_end: int) -> Located:
        start = self._index[folded_start]
        end = self._index[folded_end - 1] + 1
        return Located(start, end)

    def _folded_bounds(self, lo: int, hi: int) -> tuple[int, int]:
        return bisect.bisect_left(self._index, lo), bisect.bisect_left(self._index, hi)

    def _locate_folded(self, quote: str, hint: int | None, lo: int, hi: int) -> Located | None:
        folded_text = self._fold()
        folded_quote = normalize(quote).lower()
        if len(folded_quote) < MIN_QUOTE_CHARS:
            return None
        flo, fhi = self._folded_bounds(lo, hi)
        positions = self._occurrences(folded_text, folded_quote, flo, fhi)
        if positions:
            folded_hint = self._folded_bounds(hint, hint)[0] if hint is not None else None
            start = self._nearest(positions, folded_hint)
            assert start is not None
            return self._to_original(start, start + len(folded_quote))
        return self._locate_fuzzy(folded_text, folded_quote, flo, fhi)

    def _locate_fuzzy(self, folded_text: str, folded_quote: str, flo: int, fhi: int) -> Located | None:
        """Anchor on the quote's first and last characters; accept a span that is nearly identical.

        This forgives a dropped comma or a changed apostrophe, not a paraphrase.
        """
        if len(folded_quote) < FUZZY_MIN_CHARS:
            return None
        head, tail = folded_quote[:ANCHOR_CHARS], folded_quote[-ANCHOR_CHARS:]
        slack = max(3, len(folded_quote) // 10)
        best: tuple[float, int, int] | None = None
        for start in self._occurrences(folded_text, head, flo, fhi)[:50]:
            window_end = min(fhi, start + len(folded_quote) + slack)
            tail_at = folded_text.rfind(tail, start + len(head), window_end)
            if tail_at == -1:
                continue
            end = tail_at + len(tail)
            if abs((end - start) - len(folded_quote)) > slack:
                continue
            ratio = difflib.SequenceMatcher(None, folded_text[start:end], folded_quote, autojunk=False).ratio()
            if ratio >= FUZZY_MIN_RATIO and (best is None or ratio > best[0]):
                best = (ratio, start, end)
        if best is None:
            return None
        return self._to_original(best[1], best[2])
