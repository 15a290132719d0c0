"""Every way an article comes in, as one call each: typed text, a file path, a link, a downloaded file.

Each returns an ``ExtractedArticle`` or raises ``InputError`` (``FetchError`` is one) whose message is a
single line for the person who sent the input. The faces (CLI, Slack) call these and nothing below.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import BinaryIO

from bot.config import Settings
from bot.inputs.extract import ExtractedArticle, extract
from bot.inputs.fetch import Fetched, FetchLimits, fetch
from bot.models import SourceKind
from bot.text import MAX_INPUT_BYTES_FACTOR, InputError, decode_input, prepare_text

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
# "www.x.org/a" or "x.org/a": a link without its scheme, not a missing file name like "story.txt".
_BARE_DOMAIN = re.compile(r"^(www\.[a-z0-9.-]+|[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}/)\S*$", re.IGNORECASE)
_SLACK_LINK = re.compile(r"^<([^<>|\s]+)(?:\|[^<>]*)?>$")


def looks_like_url(arg: str) -> bool:
    """``scheme://...``: the CLI treats it as a link (and refuses schemes other than http/https)."""
    return bool(_SCHEME.match(arg.strip()))


def single_url(text: str) -> str | None:
    """The link, if the message is essentially one http(s) link: ``https://x``, ``<https://x>`` or
    ``<https://x|label>`` (Slack's markup), with surrounding whitespace. Anything else: None."""
    candidate = text.strip()
    match = _SLACK_LINK.match(candidate)
    if match:
        candidate = match.group(1)
    if not candidate or any(c.isspace() for c in candidate) or "<" in candidate or ">" in candidate:
        return None
    return candidate if candidate.lower().startswith(("http://", "https://")) else None


def article_from_text(text: str, settings: Settings) -> ExtractedArticle:
    return ExtractedArticle(text=prepare_text(text, settings.max_article_chars), title=None, kind="text")


_COUNT_CHUNK = 1 << 20
_COUNT_AT_MOST = 1 << 30  # a pipe that never ends (/dev/zero) is reported as "more than" this


def _true_size(stream: BinaryIO, data: bytes) -> int | str:
    """The whole input's size, for the message: the file's size, or the rest of a pipe counted (not kept)."""
    try:
        if stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
            return os.fstat(stream.fileno()).st_size
    except (OSError, ValueError):
        pass
    size = len(data)
    while chunk := stream.read(_COUNT_CHUNK):
        size += len(chunk)
        if size > _COUNT_AT_MOST:
            return f"more than {_COUNT_AT_MOST:,}"
    return size


def article_from_stream(stream: BinaryIO, settings: Settings) -> ExtractedArticle:
    """Standard input: text only (UTF-8), as before. Too long: the message tells the input's true size."""
    limit = settings.max_article_chars * MAX_INPUT_BYTES_FACTOR + 1  # one byte past the limit shows it was passed
    data = stream.read(limit)
    if len(data) >= limit:
        decode_input(data, settings.max_article_chars, _true_size(stream, data))  # raises InputError
    return extract(data, kind="text", max_chars=settings.max_article_chars, content_type="text/plain")


def article_from_path(path: str, settings: Settings) -> ExtractedArticle:
    """A local file: .txt .md .html .docx .pdf (judged by content first, then by name)."""
    limit = max(settings.max_download_bytes, settings.max_article_chars * MAX_INPUT_BYTES_FACTOR)
    try:
        size = os.path.getsize(path)
        if size > limit:
            raise InputError(
                f"{path} is {size:,} bytes; the limit is {settings.max_download_bytes:,} "
                "(FACTCHECK_MAX_DOWNLOAD_BYTES)."
            )
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        hint = " (for a link, write it with https://)" if _BARE_DOMAIN.match(path) else ""
        raise InputError(f"No such file: {path}{hint}") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a folder, not a file.") from None
    except PermissionError:
        raise InputError(f"No permission to read {path}.") from None
    return extract(data, kind="file", name=Path(path).name, max_chars=settings.max_article_chars)


def _from_fetched(fetched: Fetched, settings: Settings, *, kind: SourceKind, name: str | None) -> ExtractedArticle:
    return extract(
        fetched.body,
        kind=kind,
        max_chars=settings.max_article_chars,
        name=name or fetched.filename,
        url=fetched.url if kind == "url" else None,
        content_type=fetched.content_type or None,
        charset=fetched.charset,
    )


def article_from_url(url: str, settings: Settings) -> ExtractedArticle:
    """A link: fetched safely (bot.inputs.fetch), then extracted by its content type."""
    fetched = fetch(url, FetchLimits.from_settings(settings))
    article = _from_fetched(fetched, settings, kind="url", name=None)
    return ExtractedArticle(text=article.text, title=article.title, kind="url", url=fetched.url)


def article_from_download(
    url: str, settings: Settings, *, name: str | None = None, headers: Mapping[str, str] | None = None
) -> ExtractedArticle:
    """A file behind a link (a Slack file's ``url_private_download`` with ``Authorization: Bearer``):
    the same safe fetch, the result reported as a file called ``name``. The headers go to that origin only."""
    fetched = fetch(url, FetchLimits.from_settings(settings), headers=headers)
    return _from_fetched(fetched, settings, kind="file", name=name)


def article_from_bytes(
    data: bytes,
    settings: Settings,
    *,
    name: str | None = None,
    content_type: str | None = None,
) -> ExtractedArticle:
    """A file already in memory (e.g. a Slack file downloaded by the caller)."""
    if len(data) > max(settings.max_download_bytes, settings.max_article_chars * MAX_INPUT_BYTES_FACTOR):
        raise InputError(
            f"{name or 'The file'} is {len(data):,} bytes; the limit is {settings.max_download_bytes:,} "
            "(FACTCHECK_MAX_DOWNLOAD_BYTES)."
        )
    return extract(data, kind="file", name=name, content_type=content_type, max_chars=settings.max_article_chars)
