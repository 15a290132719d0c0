"""Thread replies as commands: "verified 2, 5 and 7 note", "flag 3 why", "recheck <text>", ...

Pure parsing. Anything that is not clearly a command returns ``None`` so that ordinary
conversation in the thread is ignored, never answered. Item numbers are returned as given; the
caller checks them against the checklist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from bot.slack.mrkdwn import decode_incoming

Action = Literal["verified", "flag", "reopen", "status", "recheck", "help"]

_VERBS: dict[str, Action] = {
    "verified": "verified",
    "verify": "verified",
    "flag": "flag",
    "flagged": "flag",
    "reopen": "reopen",
    "reopened": "reopen",
    "status": "status",
    "recheck": "recheck",
    "help": "help",
}
_NUMBERED: set[Action] = {"verified", "flag", "reopen"}
_ALONE: set[Action] = {"status", "help"}  # "status update: ..." is conversation, not a command

# Leading mentions of the bot, any number of them at once: raw (<@U123>, <@U123|name>) or decoded (@U123).
# A mention starts with "<" or "@", which the separators never contain, so this cannot backtrack.
_LEADING_MENTIONS = re.compile(r"\s*(?:(?:<@[A-Z0-9]+(?:\|[^>]*)?>|@[UW][A-Z0-9]{2,}\b)[\s:,]*)+")
_VERB = re.compile(r"^\s*([A-Za-z]+)\b")
# Matched at a position (``pattern.match(text, pos)``), never by slicing: slices copy, so a loop of
# them over a long reply costs its length squared.
_ITEM_WORD = re.compile(r"\s*(?:items?|nos?\.?|numbers?)\s+", re.IGNORECASE)
# One number or range, e.g. "5", "#5", "2-4", "2 – 4".
_NUMBER = re.compile(r"\s*#?(\d{1,6})(?:\s*[-–—]\s*#?(\d{1,6}))?(?!\d)")
_SEPARATOR = re.compile(r"(?:\s*,\s*(?:and\s+)?|\s*&\s*|\s+and\s+|\s+)(?=#?\d)", re.IGNORECASE)
_NOTE_LEAD = re.compile(r"^[\s:,;.\-–—]+")
# Bounds on one reply. Slack caps a message at 40,000 characters; entities (&amp;) lengthen the wire form.
MAX_TEXT_CHARS = 50_000  # longer is not a command
MAX_TERMS = 50  # numbers and ranges in one command ("verified 2, 5 and 7" is three)
MAX_NUMBERS = 1_000  # item numbers after ranges are expanded: far more than any checklist has


@dataclass
class ThreadCommand:
    action: Action
    numbers: list[int] = field(default_factory=list)
    note: str = ""
    revised_text: str = ""


def _strip_mention(text: str) -> str:
    match = _LEADING_MENTIONS.match(text)  # "<@Ubot> <@Ubot> verified 2" still counts
    return text[match.end() :] if match else text


def _parse_numbers(rest: str) -> tuple[list[int], str] | None:
    """Leading item numbers and ranges in ``rest``, and what follows them (the note).

    Linear in the length of ``rest``: at most MAX_TERMS terms are read, at most MAX_NUMBERS numbers
    are produced, and duplicates are found with a set. Past either bound it is not a command.
    """
    item_word = _ITEM_WORD.match(rest)
    pos = item_word.end() if item_word else 0  # _NUMBER skips leading whitespace itself
    numbers: list[int] = []
    seen: set[int] = set()
    for _ in range(MAX_TERMS):
        match = _NUMBER.match(rest, pos)
        if not match:
            break
        low = int(match.group(1))
        high = int(match.group(2)) if match.group(2) else low
        low, high = min(low, high), max(low, high)
        if len(numbers) + (high - low + 1) > MAX_NUMBERS:
            return None
        for n in range(low, high + 1):
            if n not in seen:
                seen.add(n)
                numbers.append(n)
        pos = match.end()
        sep = _SEPARATOR.match(rest, pos)
        if not sep:
            break
        pos = sep.end()
    else:
        if _NUMBER.match(rest, pos):  # one term more than MAX_TERMS
            return None
    if not numbers:
        return None
    return numbers, rest[pos:]


def parse_thread_command(text: str) -> ThreadCommand | None:
    """Parse a thread reply as Slack sends it (``event["text"]``); ``None`` when it is not a command."""
    if len(text) > MAX_TEXT_CHARS:
        return None
    # Entities are decoded once, up front, so "&amp;" separates numbers like "&" and notes read as typed.
    body = decode_incoming(_strip_mention(text))
    verb_match = _VERB.match(body)
    if not verb_match:
        return None
    action = _VERBS.get(verb_match.group(1).lower())
    if action is None:
        return None
    rest = body[verb_match.end() :]

    if action in _ALONE:
        return ThreadCommand(action) if not rest.strip(" \t\n?!.:") else None
    if action == "recheck":
        # The revised text keeps its line breaks: only the separator after the verb goes.
        revised = re.sub(r"^[ \t]*:?[ \t]*\n?", "", rest, count=1)
        return ThreadCommand("recheck", revised_text=revised.strip("\n").rstrip())

    parsed = _parse_numbers(rest)
    if parsed is None:
        return None
    numbers, after = parsed
    # A letter glued to the number ("2nd", "3pm") means this was a sentence, not a command.
    if after[:1].isalpha():
        return None
    note = _NOTE_LEAD.sub("", after).strip()
    return ThreadCommand(action, numbers=numbers, note=note)
