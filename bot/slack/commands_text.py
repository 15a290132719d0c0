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

Action = Literal["verified", "flag", "reopen", "status", "recheck", "help", "assign", "unassign", "waive", "export"]

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
    "assign": "assign",
    "unassign": "unassign",
    "waive": "waive",
    "waived": "waive",
    "export": "export",
}
_NUMBERED: set[Action] = {"verified", "flag", "reopen", "assign", "unassign", "waive"}
_ALONE: set[Action] = {"status", "help", "export"}  # "status update: ..." is conversation, not a command

# Leading mentions of the bot: raw (<@U123>, <@U123|name>) or already decoded (@U123).
_LEADING_MENTION = re.compile(r"^\s*(?:<@[A-Z0-9]+(?:\|[^>]*)?>|@[UW][A-Z0-9]{2,}\b)[\s:,]*")
_VERB = re.compile(r"^\s*([A-Za-z]+)\b")
_ITEM_WORD = re.compile(r"^\s*(?:items?|nos?\.?|numbers?)\s+", re.IGNORECASE)
# One number or range, e.g. "5", "#5", "2-4", "2 – 4".
_NUMBER = re.compile(r"#?(\d{1,6})(?:\s*[-–—]\s*#?(\d{1,6}))?(?!\d)")
_SEPARATOR = re.compile(r"^(?:\s*,\s*(?:and\s+)?|\s*&\s*|\s+and\s+|\s+)(?=#?\d)", re.IGNORECASE)
_NOTE_LEAD = re.compile(r"^[\s:,;.\-–—]+")
_MAX_RANGE = 1000
# assign: "<@U123>" / "<@U123|name>" as Slack sends a mention, or "me"; optionally after "to".
_ASSIGNEE = re.compile(r"^\s*(?:to\s+)?(?:<@([UW][A-Z0-9]+)(?:\|[^>]*)?>|(me|myself))\s*[.!]?\s*$", re.IGNORECASE)
_RAW_NUMBERS = re.compile(
    r"^(.*?\d)(?=\s*(?:to\s+)?(?:<@|me\b|myself\b))", re.IGNORECASE | re.DOTALL
)  # "1-999999" is not a plausible command; do not expand it


@dataclass
class ThreadCommand:
    action: Action
    numbers: list[int] = field(default_factory=list)
    note: str = ""
    revised_text: str = ""
    assignee: str = ""  # assign: a Slack user id, or "me" (the sender)


def _strip_mention(text: str) -> str:
    previous = None
    while previous != text:  # "<@Ubot> <@Ubot> verified 2" still counts
        previous = text
        text = _LEADING_MENTION.sub("", text, count=1)
    return text


def _parse_numbers(rest: str) -> tuple[list[int], str] | None:
    """Leading item numbers and ranges in ``rest``, and what follows them (the note)."""
    rest = _ITEM_WORD.sub("", rest, count=1).lstrip()
    numbers: list[int] = []
    while True:
        match = _NUMBER.match(rest)
        if not match:
            break
        low = int(match.group(1))
        high = int(match.group(2)) if match.group(2) else low
        low, high = min(low, high), max(low, high)
        if high - low >= _MAX_RANGE:
            return None
        numbers.extend(n for n in range(low, high + 1) if n not in numbers)
        rest = rest[match.end() :]
        sep = _SEPARATOR.match(rest)
        if not sep:
            break
        rest = rest[sep.end() :]
    if not numbers:
        return None
    return numbers, rest


def parse_thread_command(text: str) -> ThreadCommand | None:
    """Parse a thread reply as Slack sends it (``event["text"]``); ``None`` when it is not a command."""
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

    if action == "assign":
        return _parse_assign(_strip_mention(text))
    parsed = _parse_numbers(rest)
    if parsed is None:
        return None
    numbers, after = parsed
    # A letter glued to the number ("2nd", "3pm") means this was a sentence, not a command.
    if after[:1].isalpha():
        return None
    note = _NOTE_LEAD.sub("", after).strip()
    return ThreadCommand(action, numbers=numbers, note=note)


def _parse_assign(raw: str) -> ThreadCommand | None:
    """``assign 2, 5 @someone`` / ``assign 3 to me``: the mention is read from the raw text, where it still
    carries the user id (decoding turns ``<@U123|name>`` into ``@name``)."""
    verb = _VERB.match(raw)
    if verb is None:
        return None
    head = _RAW_NUMBERS.match(raw[verb.end() :])
    if head is None:
        return None
    parsed = _parse_numbers(decode_incoming(head.group(1)))
    who = _ASSIGNEE.match(raw[verb.end() + head.end() :])
    if parsed is None or parsed[1].strip() or who is None:
        return None
    return ThreadCommand("assign", numbers=parsed[0], assignee=who.group(1) or "me")
