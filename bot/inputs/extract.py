"""Bytes of a page or document -> the article's text, which the checklist's quotes and offsets refer to.

Formats: HTML (trafilatura: title and main text, no navigation, ads or comments), plain text and
Markdown (UTF-8, the rules of ``decode_input``), Word .docx (python-docx) and PDF (pypdf; a PDF with no
text layer, i.e. scanned or image-only, gets one clear line). Nothing here touches the network: the
libraries are handed bytes and parse them. The heavy imports happen only when that format is met.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Literal

from bot.models import ArticleSource, SourceKind
from bot.text import InputError, decode_input, prepare_text

Format = Literal["text", "html", "docx", "pdf"]

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain", "text/markdown", "text/x-markdown"})
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSIONS: dict[str, Format] = {
    ".txt": "text", ".text": "text", ".md": "text", ".markdown": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".docx": "docx", ".pdf": "pdf",
}  # fmt: skip
SUPPORTED = ".txt, .md, .html, .docx or .pdf"
UNSUPPORTED_SUFFIXES = frozenset(
    {".rtf", ".odt", ".pages", ".epub", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".zip", ".xlsx", ".pptx", ".mp4"}
)
DOCX_MAX_UNZIPPED = 200_000_000  # a real .docx unzips to a few MB; more is a zip bomb


@dataclass(frozen=True)
class ExtractedArticle:
    """An article's text and where it came from."""

    text: str
    title: str | None  # the page's or document's own title, when it has one
    kind: SourceKind  # "text" (typed or piped), "file" or "url"
    name: str | None = None  # the file name (kind "file")
    url: str | None = None  # the link as given (kind "url")

    @property
    def source(self) -> ArticleSource:
        return ArticleSource(kind=self.kind, name=self.name, url=self.url, title=self.title)


def detect_format(data: bytes, name: str | None = None, content_type: str | None = None) -> Format:
    """Magic bytes first (a PDF is a PDF whatever it is called), then the media type, then the name."""
    label = name or "The file"
    suffix = PurePosixPath(name).suffix.lower() if name else ""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        if _is_docx(data):
            return "docx"
        raise InputError(f"{label} is a ZIP archive (or an Excel/PowerPoint file), not a {SUPPORTED} document.")
    if media == DOCX_TYPE or suffix == ".docx":
        raise InputError(f"{label} is not a valid Word .docx file.")
    if media == "application/pdf" or suffix == ".pdf":
        raise InputError(f"{label} is not a valid PDF file.")
    if media in HTML_TYPES:
        return "html"
    if media in TEXT_TYPES:
        return "text"
    if suffix in EXTENSIONS:
        return EXTENSIONS[suffix]
    if suffix == ".doc":
        raise InputError(f"{label} is an old Word .doc file: save it as .docx or PDF and try again.")
    if media and not media.startswith("text/") and media not in ("application/octet-stream", "binary/octet-stream"):
        raise InputError(f"{label} is {media}: the bot reads {SUPPORTED} files.")
    if suffix in UNSUPPORTED_SUFFIXES:
        raise InputError(f"{label} is a {suffix} file: the bot reads {SUPPORTED} files.")
    head = data[:1024].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return "html"
    return "text"  # decode_input refuses binary data with one clear line


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def extract(
    data: bytes,
    *,
    kind: SourceKind,
    max_chars: int,
    name: str | None = None,
    url: str | None = None,
    content_type: str | None = None,
    charset: str | None = None,
) -> ExtractedArticle:
    """Bytes -> ``ExtractedArticle``, or an ``InputError`` with one line saying why not."""
    label = name or ("The page" if url else "The file")
    fmt = detect_format(data, name, content_type)
    title: str | None = None
    if fmt == "text":
        text = _decode_text(data, charset, max_chars)
    elif fmt == "html":
        text, title = html_text(data, charset=charset, url=url, label=label)
    elif fmt == "docx":
        text, title = docx_text(data, label=label)
    else:
        text, title = pdf_text(data, label=label, max_chars=max_chars)
    text = prepare_text(text, max_chars)
    return ExtractedArticle(text=text, title=title or None, kind=kind, name=name, url=url)


def _decode_text(data: bytes, charset: str | None, max_chars: int) -> str:
    if charset and charset.replace("-", "").replace("_", "") not in ("utf8", "usascii", "ascii"):
        try:
            return prepare_text(data.decode(charset), max_chars)
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong label: fall back to the UTF-8 rules and their message
    return decode_input(data, max_chars)


_BLANK_LINES = re.compile(r"\n\s*\n+")


def _paragraphs(parts: list[str]) -> str:
    """One paragraph a block, separated by a blank line: what ``split_units`` splits on."""
    return "\n\n".join(part.strip() for part in parts if part and part.strip())


def html_text(
    data: bytes, *, charset: str | None = None, url: str | None = None, label: str = "The page"
) -> tuple[str, str | None]:
    """Title and main text of an HTML page with trafilatura (precision over recall: no boilerplate)."""
    import trafilatura

    markup: bytes | str = data
    if charset:
        try:
            markup = data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            markup = data  # let trafilatura detect the encoding
    document = trafilatura.bare_extraction(
        markup,
        url=url,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        favor_precision=True,
        with_metadata=True,
    )
    body = (getattr(document, "text", None) or "").strip()
    title = (getattr(document, "title", None) or "").strip() or None
    if not body:
        raise InputError(
            f"{label} has no article text the bot could find (it may need JavaScript, a login or a subscription)."
        )
    lines = [line for line in body.split("\n") if line.strip()]
    if title and lines and lines[0].strip() == title:
        lines = lines[1:]
    return _paragraphs([title or "", *lines]), title


def docx_text(data: bytes, *, label: str = "The file", max_unzipped: int = DOCX_MAX_UNZIPPED) -> tuple[str, str | None]:
    """Paragraphs and table rows of a Word document, in order; headers and footers left out."""
    import docx
    from docx.table import Table

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > max_unzipped:
                raise InputError(f"{label} unpacks to far more data than a document holds; it was not read.")
        document = docx.Document(io.BytesIO(data))
    except InputError:
        raise
    except Exception:  # python-docx raises many kinds (KeyError, ValueError, lxml errors) for broken files
        raise InputError(f"{label} is not a readable Word .docx file.") from None
    parts: list[str] = []
    first_title: str | None = None
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells: list[str] = []
                for cell in row.cells:
                    text = " ".join(cell.text.split())
                    if text and (not cells or cells[-1] != text):  # merged cells repeat their text
                        cells.append(text)
                if cells:
                    parts.append(" | ".join(cells))
        else:
            text = block.text.strip()
            if text and first_title is None and block.style is not None and block.style.name == "Title":
                first_title = text
            parts.append(text)
    title = (document.core_properties.title or "").strip() or first_title
    text = _paragraphs(parts)
    if not text:
        raise InputError(f"{label} has no text in it.")
    return text, title


def pdf_text(data: bytes, *, label: str = "The file", max_chars: int = 250_000) -> tuple[str, str | None]:
    """The text layer of a PDF, page by page (blank line between pages)."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(f"{label} is password-protected; remove the password and try again.")
        title = None
        try:
            title = (reader.metadata.title or "").strip() if reader.metadata else None
        except (PyPdfError, AttributeError, TypeError):
            title = None
        pages: list[str] = []
        size = 0
        for page in reader.pages:
            text = (page.extract_text() or "").replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
            pages.append(_BLANK_LINES.sub("\n", text).strip())
            size += len(pages[-1]) + 2
            if size > max_chars:
                break  # prepare_text refuses it with the length message; no need to read further
    except InputError:
        raise
    except Exception:  # pypdf raises PdfReadError, but broken files also give ValueError, KeyError...
        raise InputError(f"{label} is not a readable PDF file.") from None
    text = _paragraphs(pages)
    if not text:
        raise InputError(
            f"{label} has no text layer: it looks scanned or image-only. Run it through OCR, or send the text."
        )
    return text, title or None
