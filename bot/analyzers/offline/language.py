"""Is this English? The offline analyzer's rules and lexicons read English only: say so, once.

A cheap test per paragraph: the share of letters outside the Latin script (Arabic, Hebrew,
Cyrillic, CJK ...), then for Latin text the share of common English function words (about 40% of
running English text; under 12% means another language).
"""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[a-z’']+")
_ENGLISH = frozenset(
    """the of and to a in is that for on was with said it as at by from he she have has be are were not this but
    or an their his her its they which will would who had been after over than more about also there when""".split()  # noqa: SIM905
)
_MIN_LETTERS = 20
_LATIN_SHARE = 0.7
_ENGLISH_SHARE = 0.12
_SAMPLE = 200  # paragraphs looked at: a long text is judged on its first ones


def _script(paragraph: str) -> str | None:
    """The main non-Latin script of a paragraph, or None if it is mostly Latin letters."""
    letters = [c for c in paragraph if c.isalpha()]
    if len(letters) < _MIN_LETTERS:
        return None
    other = [c for c in letters if c > "\u024f"]  # beyond Latin Extended-B
    if len(other) <= (1 - _LATIN_SHARE) * len(letters):
        return None
    name = unicodedata.name(other[len(other) // 2], "")
    return name.split()[0].title() if name else "non-Latin"


def _english(paragraph: str) -> bool:
    words = _WORD.findall(paragraph.lower())
    if len(words) < 15:
        return True  # too short to judge: a headline, a byline, a caption
    return sum(w in _ENGLISH for w in words) >= _ENGLISH_SHARE * len(words)


def language_note(text: str) -> str | None:
    """One line for the reader when some or all of the text is not English, else None."""
    paragraphs = [p for p in text.splitlines() if sum(c.isalpha() for c in p) >= _MIN_LETTERS][:_SAMPLE]
    if not paragraphs:
        return None
    foreign: list[str] = []
    for p in paragraphs:
        script = _script(p)
        if script is not None:
            foreign.append(f"{script} script")
        elif not _english(p):
            foreign.append("a language other than English")
    if not foreign:
        return None
    what = max(set(foreign), key=foreign.count)
    if len(foreign) == len(paragraphs):
        return (f"The text is in {what}: the offline analyzer reads English only, so this checklist is "
                "likely to miss its claims and sources.")
    return (f"{len(foreign)} of {len(paragraphs)} paragraphs are in {what}: the offline analyzer reads English "
            "only and may miss claims and sources there.")
