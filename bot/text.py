"""Input checks and the split of an article into paragraph units.

Offsets everywhere are Python ``str`` indices into the text exactly as given: nothing here rewrites
the article. Normalization is only used for cache keys and for matching quotes.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

MAX_INPUT_BYTES_FACTOR = 4  # UTF-8 needs at most 4 bytes a character: a cheap bound before decoding


class InputError(ValueError):
    """The input cannot be checked. The message is one sentence meant for the person who sent it."""


def decode_input(data: bytes, max_chars: int, size: int | str | None = None) -> str:
    """Bytes from a file, pipe or request -> text, or an ``InputError`` that says what is wrong.

    ``size``: the input's true size when ``data`` was read only up to the limit (a number, or a
    phrase such as "more than 1,000,000,000"), so that the message tells the real size.
    """
    if len(data) > max_chars * MAX_INPUT_BYTES_FACTOR:
        shown = f"{size:,}" if isinstance(size, int) else size or f"{len(data):,}"
        raise InputError(f"The input is {shown} bytes; the limit is {max_chars:,} characters (FACTCHECK_MAX_CHARS).")
    if b"\x00" in data:
        raise InputError("The input contains NUL bytes: it looks like binary data, not an article.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"The input is not valid UTF-8 text (bad byte at offset {exc.start:,}); save it as UTF-8 and retry."
        ) from None
    return prepare_text(text, max_chars)


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def prepare_text(text: str, max_chars: int) -> str:
    """Validate text; returns it unchanged but for a leading byte-order mark and lone surrogates.

    A lone surrogate (from a JSON ``\\ud800`` escape) cannot be encoded as UTF-8; it becomes U+FFFD,
    one character for one, so offsets still point at the same places.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    text = _LONE_SURROGATE.sub("\ufffd", text)
    if "\x00" in text:
        raise InputError("The text contains NUL characters: it looks like binary data, not an article.")
    if not text.strip():
        raise InputError("There is no text to check: the input is empty or only whitespace.")
    if len(text) > max_chars:
        raise InputError(
            f"The article is {len(text):,} characters; the limit is {max_chars:,} (FACTCHECK_MAX_CHARS). "
            "Split it and check the parts."
        )
    return text


QUOTE_FOLD = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2212": "-",
        "\u00a0": " ", "\u2009": " ", "\u202f": " ",
    }
)
SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Fold typographic quotes, dashes and whitespace: two texts that read the same compare equal."""
    return SPACES.sub(" ", text.translate(QUOTE_FOLD)).strip()


def fingerprint(text: str) -> str:
    return hashlib.sha256(normalize(text).encode("utf-8")).hexdigest()


def title_of(text: str, limit: int = 150) -> str:
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class Unit:
    """A paragraph (or a piece of a very long one): the unit of caching."""

    start: int
    end: int
    text: str


_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
_LINE_BREAK = re.compile(r"\n")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*\s+")


def split_units(text: str, max_unit_chars: int) -> list[Unit]:
    """Split on blank lines when the text has them (hard-wrapped copy), else on line breaks."""
    separator = _BLANK_LINE if _BLANK_LINE.search(text.strip()) else _LINE_BREAK
    units: list[Unit] = []
    position = 0
    for match in [*separator.finditer(text), None]:
        end = match.start() if match else len(text)
        units.extend(_trimmed_pieces(text, position, end, max_unit_chars))
        if match:
            position = match.end()
    return units


def _trimmed_pieces(text: str, start: int, end: int, max_chars: int) -> list[Unit]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    pieces: list[Unit] = []
    while end - start > max_chars:
        cut = _cut_point(text, start, start + max_chars)
        piece_end = cut
        while piece_end > start and text[piece_end - 1].isspace():
            piece_end -= 1
        pieces.append(Unit(start, piece_end, text[start:piece_end]))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        pieces.append(Unit(start, end, text[start:end]))
    return pieces


def _cut_point(text: str, start: int, limit: int) -> int:
    """The last sentence end before ``limit``; failing that the last space; failing that ``limit``."""
    window = text[start:limit]
    ends = [m.end() for m in _SENTENCE_END.finditer(window)]
    if ends and ends[-1] > len(window) // 3:
        return start + ends[-1]
    space = window.rfind(" ")
    return start + space + 1 if space > len(window) // 3 else limit


def pack(units: list[Unit], indices: list[int], max_chars: int) -> list[list[int]]:
    """Group unit indices, in order, into batches of at most ``max_chars`` of text each."""
    batches: list[list[int]] = []
    size = 0
    for index in indices:
        length = len(units[index].text) + 2
        if batches and size + length <= max_chars:
            batches[-1].append(index)
            size += length
        else:
            batches.append([index])
            size = length
    return batches


# --- Slack's wire format ----------------------------------------------------------------------------
# Pure text handling shared by the Slack face and the CLI (an article pasted from Slack carries the
# same markup), so the CLI need not import the Slack face.
_MARKUP = re.compile(r"<([^<>]*)>")
_SLACK_SIGNS = re.compile(r"<(?:@[UW][A-Z0-9]|#C[A-Z0-9]|![a-z]|https?://|mailto:)|&(?:amp|lt|gt);")


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


def looks_like_slack_markup(text: str) -> bool:
    """Whether ``text`` carries Slack's wire format (mentions, links, entities): pasted from Slack."""
    return _SLACK_SIGNS.search(text) is not None


# A language name as a channel setting gives it ("Spanish", "Português (Brasil)", "zh-Hant"): letters, with
# spaces, hyphens and parentheses; at most four words. Anything else is not a language name and is ignored:
# the value goes into the LLM's instructions, so it must not be able to carry instructions of its own.
_LANGUAGE_NAME = re.compile(r"^[^\W\d_]+(?:[ \-][^\W\d_]+){0,3}(?: \([^\W\d_]+(?:[ \-][^\W\d_]+)?\))?$")
_ENGLISH_NAMES = frozenset({"english", "en", "eng", "en-us", "en-gb", "english (us)", "english (uk)"})


def notes_language_label(raw: str | None) -> str | None:
    """The language the notes (why, how to verify) are asked in, or None for the default: the article's own."""
    name = " ".join((raw or "").split())
    return name if name and len(name) <= 40 and _LANGUAGE_NAME.match(name) else None


def is_english(language: str | None) -> bool:
    """True for English (and for no language named: the offline analyzer's notes are English anyway)."""
    return language is None or language.casefold() in _ENGLISH_NAMES or language.casefold().startswith("english")
