"""Slack mrkdwn text: escape what we post, decode what arrives, fit quotes into Slack's limits.

Slack parses ``<...>`` in posted text as mentions and links (``<!channel>`` pings a whole channel),
so every piece of text that did not come from our own templates goes through ``escape``. Lengths
are always measured on the escaped text, because that is what Slack counts.
"""

from __future__ import annotations

import re

from bot.text import decode_incoming  # noqa: F401  (the Slack face's name for it)

ELLIPSIS = "…"

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_USER_ID = re.compile(r"^[UW][A-Z0-9]{1,20}$")


def escape(text: str) -> str:
    """Neutralise Slack's control characters; ``&`` first so entities are not double-escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_truncate(text: str, limit: int) -> str:
    """Escape ``text`` and cut it (ending with "…") so the escaped result is at most ``limit`` chars.

    Cutting before escaping keeps entities whole: a cut never leaves a dangling ``&am``.
    """
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    if limit <= 0:
        return ""
    out: list[str] = []
    used = 0
    budget = limit - len(ELLIPSIS)
    for ch in text:
        piece = _ESCAPES.get(ch, ch)
        if used + len(piece) > budget:
            break
        out.append(piece)
        used += len(piece)
    return "".join(out).rstrip() + ELLIPSIS


def mention(user: str | None) -> str:
    """``<@U123>`` for a real Slack user id; anything else is shown escaped, never as markup."""
    if not user:
        return "someone"
    if _USER_ID.match(user):
        return f"<@{user}>"
    return escape(user)


def quote_block_shortened(text: str, limit: int) -> tuple[str, bool]:
    """Like ``quote_block`` and also whether the quote had to be cut."""
    lines = text.strip("\n").splitlines() or [""]
    out: list[str] = []
    used = 0
    for line in lines:
        sep = 1 if out else 0  # the "\n" joining this line to the previous one
        prefix = "> "
        rendered = prefix + escape(line)
        if used + sep + len(rendered) <= limit:
            out.append(rendered)
            used += sep + len(rendered)
            continue
        room = limit - used - sep - len(prefix)
        if room > len(ELLIPSIS):
            out.append(prefix + escape_truncate(line, room))
        elif out:  # no room for a new line: end the previous one with the ellipsis instead
            last = out[-1]
            out[-1] = last[: max(len(prefix), len(last) - len(ELLIPSIS))]
            # never leave half an entity behind
            amp = out[-1].rfind("&")
            if amp >= 0 and ";" not in out[-1][amp:]:
                out[-1] = out[-1][:amp]
            out[-1] += ELLIPSIS
        else:
            out.append((prefix + ELLIPSIS)[:limit])
        return "\n".join(out), True
    return "\n".join(out), False


def quote_block(text: str, limit: int) -> str:
    """A mrkdwn blockquote ("> " on every line) of ``text``, escaped, cut with "…" to ``limit`` chars."""
    return quote_block_shortened(text, limit)[0]
