"""Slack mrkdwn text: escape what we post, decode what arrives, fit quotes into Slack's limits.

Slack parses ``<...>`` in posted text as mentions and links (``<!channel>`` pings a whole channel),
so every piece of text that did not come from our own templates goes through ``escape``. Lengths
are always measured on the escaped text, because that is what Slack counts.

Text from an article, an LLM or an editor's note also goes through ``neutral`` first, so that it cannot
fake a line of ours (a "✅ Verified by …" status, a bold label): line breaks become spaces, mrkdwn
markers (``* ~ ``` and ``_`` at a word's edge) become lookalikes Slack does not parse (mrkdwn has no
escape character), emoji
codes lose their colons' meaning, and bidi controls and zero-width characters are dropped.
"""

from __future__ import annotations

import re

ELLIPSIS = "…"

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_MARKUP = re.compile(r"<([^<>]*)>")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{1,20}$")


# Invisible characters that reorder or hide text: bidi embeddings, overrides and isolates, the Arabic
# letter mark, zero-width spaces/joiners and marks, word joiner, BOM; and C0 controls but tab and breaks.
_INVISIBLE = [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x061C, 0x200B, 0x200E, 0x200F, 0x2060, 0xFEFF]
# Zero-width (non-)joiners build emoji (👩‍⚖️) and Persian or Indic words: kept between two non-ASCII
# characters, dropped wherever they touch ASCII (where they could only hide or split a word).
# Runs are only tried from their first joiner and never backtrack: linear on any input.
_JOINER_NEAR_ASCII = re.compile(
    r"(?:^|(?<=[\x00-\x7f]))[\u200c\u200d]++|(?<![\u200c\u200d])[\u200c\u200d]++(?=[\x00-\x7f]|$)"
)
_CONTROLS = [*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F]
_LINE_BREAKS = "\r\v\f\x85\u2028\u2029"  # and "\n"
# mrkdwn markers and lookalikes that Slack shows but never parses: ∗ (asterisk operator), ˍ (modifier
# letter low macron), ∼ (tilde operator), ˋ (modifier letter grave accent).
LOOKALIKES = {"*": "\u2217", "_": "\u02cd", "~": "\u223c", "`": "\u02cb"}
_NEUTRAL = str.maketrans(
    {
        **dict.fromkeys(_INVISIBLE + _CONTROLS),
        **dict.fromkeys(_LINE_BREAKS, "\n"),
        **{marker: lookalike for marker, lookalike in LOOKALIKES.items() if marker != "_"},
    }
)
# "_" only opens or closes italics at a word's edge: OPENAI_API_KEY and snake_case names stay as typed.
_EDGE_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")
_INVISIBLE_ONLY = str.maketrans(dict.fromkeys(_INVISIBLE + _CONTROLS))
# A colon that opens an emoji code (":white_check_mark:", ":x:"): the lookahead captures the name.
_EMOJI_OPEN = re.compile(r":(?=([\w+'-]+):)")
MODIFIER_COLON = "\ua789"  # ꞉ : looks like a colon, never opens an emoji code


def _emoji_colon(match: re.Match[str]) -> str:
    # Only names with a letter: "10:30:45" stays as it is.
    return MODIFIER_COLON if any(ch.isalpha() for ch in match.group(1)) else ":"


def neutral(text: str) -> str:
    """Text from outside (article, LLM, notes) as one inert line; still to be escaped. Linear time."""
    text = _JOINER_NEAR_ASCII.sub("", text.translate(_NEUTRAL))
    text = _EMOJI_OPEN.sub(_emoji_colon, _EDGE_UNDERSCORE.sub(LOOKALIKES["_"], text))
    if "\n" in text:
        text = " ".join(part.strip() for part in text.split("\n") if part.strip())
    return text


def without_invisibles(text: str) -> str:
    """Our own templates' text: only bidi, zero-width and control characters go (line breaks stay)."""
    return _JOINER_NEAR_ASCII.sub("", text.translate(_INVISIBLE_ONLY))


def neutral_truncate(text: str, limit: int) -> str:
    """``neutral`` then ``escape_truncate``: for any text from outside, cut to ``limit`` escaped chars."""
    return escape_truncate(neutral(text), limit)


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


def _decode_markup(match: re.Match[str]) -> str:
    inner = match.group(1)
    target, _, label = inner.partition("|")
    if target.startswith("@"):  # <@U123> / <@U123|name>
        return f"@{label}" if label else target
    if target.startswith("#"):  # <#C123|general>
        return f"#{label}" if label else target
    if target.startswith("!"):
        if label:  # <!subteam^S1|@team>, <!date^...|fallback>, <!channel|@channel>
            return label
        keyword = target[1:].split("^", 1)[0]
        return f"@{keyword}"  # <!channel> → @channel, <!here> → @here
    if label:  # <http://x|label>, <mailto:a@b|a@b>
        return label
    if target.startswith("mailto:"):
        return target[len("mailto:") :]
    return target  # <http://x>


def decode_incoming(text: str) -> str:
    """Slack's wire format → what the editor saw: markup to its visible label, then the entities.

    ``&amp;`` is decoded last so that an editor who typed ``&lt;`` gets ``&lt;`` back.
    """
    text = _MARKUP.sub(_decode_markup, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def quote_block_shortened(text: str, limit: int) -> tuple[str, bool]:
    """Like ``quote_block`` and also whether the quote had to be cut."""
    prefix = "> "
    line = neutral(text)
    rendered = prefix + escape(line)
    if len(rendered) <= limit:
        return rendered, False
    room = limit - len(prefix)
    if room > len(ELLIPSIS):
        return prefix + escape_truncate(line, room), True
    return (prefix + ELLIPSIS)[:limit], True


def quote_block(text: str, limit: int) -> str:
    """A one-line mrkdwn blockquote of ``text``, neutral and escaped, cut with "…" to ``limit`` chars.

    One line: a line break in the quote would let the article write a line of its own under it."""
    return quote_block_shortened(text, limit)[0]
