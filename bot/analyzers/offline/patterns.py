"""Regex building blocks shared by the attribution and hedge rules.

Every repetition is bounded and alternations are literal tries, so matching stays linear on any
input (no catastrophic backtracking on a megabyte without punctuation).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.analyzers.offline.lexicons import OUTLETS, SOURCE_NOUNS


def trie(words: Iterable[str]) -> str:
    """A regex alternation shaped as a prefix trie: fewer branch attempts than a flat list."""
    root: dict[str, dict] = {}
    for w in set(words):
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        ends = "" in node
        branches = [(ch, sub) for ch, sub in node.items() if ch != ""]
        if not branches:
            return ""
        parts = []
        for ch, sub in sorted(branches):
            esc = r"\s+" if ch == " " else re.escape(ch)
            parts.append(esc + build(sub))
        body = parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
        return f"(?:{body})?" if ends else body

    return build(root)


_W = r"[\w'’\-]"  # a word character, allowing hyphens and apostrophes inside names
CAP_WORD = rf"[A-Z]{_W}*+"
TITLE = r"(?:Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Gen|Lt|Col|Adm|Capt|Sgt|Rev|Pres|Sens|Reps)\.?"
# A proper name: up to five capitalised words, optionally with a title and particles
# ("Mr. Trump", "Heorhiy Tykhi", "Charles de Gaulle", "BI's Tom Porter").
NAME = (
    rf"(?:{CAP_WORD}(?:'s|’s)\s+)?(?:{TITLE}\s+)?{CAP_WORD}"
    rf"(?:\s+(?:(?:de|da|van|von|al|bin|der|la|du|del)\s+)?{CAP_WORD}|\s+[A-Z]\.){{0,4}}"
)
OUTLET = trie(OUTLETS)
SOURCE_NOUN = trie({v for s in SOURCE_NOUNS for v in (s.lower(), s.capitalize(), s.title())})
_DETS = [
    "the", "a", "an", "one", "two", "three", "four", "five", "six", "some", "many", "several", "other",
    "most", "few", "senior", "top", "former", "multiple", "numerous", "both", "all", "these", "those",
    "his", "her", "their", "its", "our",
]
# Lowercase and capitalised forms in one trie: much faster than a case-insensitive group.
DET = trie([*_DETS, *(d.capitalize() for d in _DETS)])
# A common noun phrase ending in a source noun, with up to four modifiers and an optional
# "in Kyiv" / "for the ministry" / "familiar with the matter" tail.
_FUNCTION_WORDS = (
    r"(?:on|in|at|to|of|for|from|by|with|that|this|which|who|and|or|but|though|although|as|if|"
    r"when|while|because|than|then|so|the|a|an|is|are|was|were|be|been|has|have|had|not|no|said|"
    r"says|told|also|according|citing|per)"
)
MODIFIER = rf"(?:{CAP_WORD}(?:\.[A-Z]\.?)?|(?!{_FUNCTION_WORDS}\b)[a-z][a-z\-]*+)"
COMMON_NP = (
    # Without a determiner, at most one lowercase modifier ("military analysts"): far less
    # backtracking at every word of the text, and longer bare phrases are rarely sources.
    rf"(?:{DET}\s+(?:{MODIFIER}\s+){{0,3}}|(?:{CAP_WORD}(?:\.[A-Z]\.?)?\s+){{0,3}}"
    rf"(?:(?!{_FUNCTION_WORDS}\b)[a-z][a-z\-]*+\s+)?){SOURCE_NOUN}\b"
    rf"(?:\s+(?:in|at|for|from|of|with|close\s+to|familiar\s+with)\s+(?:the\s+)?"
    rf"(?:{CAP_WORD}|[a-z]+)(?:\s+{CAP_WORD}|\s+(?:matter|talks|case|plan|issue|thinking|discussions)){{0,3}})?"
)
# Any determiner-led noun phrase ("the billionaire businessman"); only ever used right before a
# reporting verb, where nearly every such phrase is the speaker.
DET_NP = (
    rf"(?:[Tt]he|[Aa]n?|[Oo]ne|[Hh]is|[Hh]er|[Tt]heir|[Aa]nother)\s+"
    rf"(?:{MODIFIER}\s+){{0,4}}(?!{_FUNCTION_WORDS}\b)[a-z][a-z\-]{{2,}}"
)
# Explicitly unnamed people, whatever the noun: "two unnamed traders", "an anonymous donor".
ANON_NP = (
    rf"(?:{DET}\s+)?(?:[Uu]nnamed|[Aa]nonymous|[Uu]nidentified)\s+(?:{MODIFIER}\s+){{0,2}}"
    rf"(?!{_FUNCTION_WORDS}\b)[a-z][a-z\-]+"
)
# "Twenty-four percent", "47 percent of voters", "a majority of Republicans".
SHARE = (
    r"(?:\d[\d.,]*|[A-Z][a-z]+(?:-[a-z]+)?)\s+(?:percent|per\s+cent|%)(?:\s+of\s+(?:the\s+)?[\w\-]+(?:\s+[\w\-]+)?)?"
    r"|(?:[Aa]|[Tt]he)\s+(?:majority|minority|plurality)\s+of\s+[\w\-]+"
    r"|(?:(?:[Nn]early|[Aa]lmost|[Aa]bout|[Rr]oughly|[Mm]ore\s+than|[Ll]ess\s+than|[Ff]ewer\s+than)\s+)?"
    r"(?:[Hh]alf|[Tt]hree-quarters|[Tt]wo-thirds|[Aa]\s+third|[Aa]\s+quarter|\d+\s+in\s+\d+|[Mm]ajorities)"
)
# A wire dateline opening a story: "RIVERTON (Meridian Wire) - ", "LONDON, May 2 (Reuters) — ",
# "WASHINGTON — "; the agency, when given, is the piece's own name.
DATELINE = r"[A-Z][A-Z.'’\- ]{2,40}(?:,[^()\n]{1,30})?\s*(?:\((?P<agency>[A-Z][^()\n]{1,38})\)\s*)?[-–—]+\s+"
PRONOUN = r"(?:[Hh]e|[Ss]he|[Tt]hey|I|[Ww]e|[Yy]ou|[Ii]t|who|which)"
SUBJECT = (
    rf"(?:(?:[Tt]he\s+)?{OUTLET}\b|{SHARE}|{ANON_NP}|{COMMON_NP}|{DET_NP}"
    rf"|{NAME}(?:\s+\([^()\n]{{1,30}}\))?|{PRONOUN}\b)"
)


def compile_ci(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)
