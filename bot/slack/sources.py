"""What a Slack message or command asks to check (its text, the one link it is, or a file it carries)
and reading that into an article.

``wanted_from_message`` is pure. ``read_article`` does the I/O and runs in the check job only, never in
a listener: fetching a page or downloading a file may take up to 3x ``FACTCHECK_FETCH_TIMEOUT``, far
beyond the 3 s Slack gives a listener to acknowledge.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Literal
from urllib.parse import urlsplit

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.config import Settings
from bot.inputs.extract import DOCX_TYPE, EXTENSIONS, HTML_TYPES, SUPPORTED, ExtractedArticle
from bot.inputs.fetch import FetchLimits, fetch
from bot.inputs.load import article_from_bytes, article_from_url, single_url
from bot.slack.fetch import message_text
from bot.slack.mrkdwn import decode_incoming
from bot.text import InputError

WantedKind = Literal["text", "url", "file"]

NO_ARTICLE = (
    "That message has no text, link or file I can read. Use the :{emoji}: reaction or the "
    "“Fact-check this message” shortcut on a message that holds the article's text, one link to it, "
    f"or the article as a snippet or a {SUPPORTED} file."
)
READABLE_TYPES = frozenset({"application/pdf", DOCX_TYPE, *HTML_TYPES})


@dataclass(frozen=True)
class Wanted:
    """What to check: ``text`` as typed, the page at ``url``, or the Slack ``file`` (its file object)."""

    kind: WantedKind
    text: str = ""
    url: str | None = None
    file: dict[str, Any] | None = None

    @property
    def label(self) -> str:
        """How the placeholder names it while it is read: "the link", "draft.docx"."""
        if self.kind == "file":
            return file_name(self.file or {})
        return "the link" if self.kind == "url" else "the text"


def link_in(raw: str) -> str | None:
    """The link when ``raw`` (Slack's wire format) is essentially one http(s) link, else None.

    Slack sends ``&`` in a link as ``&amp;``; the page wants the ``&``."""
    url = single_url(raw)
    return decode_incoming(url) if url else None


def file_name(file: dict[str, Any]) -> str:
    return str(file.get("name") or file.get("title") or "the file")


def looks_readable(file: dict[str, Any]) -> bool:
    """A snippet, text, HTML, .docx or .pdf by its Slack type or name (the bytes are judged again later)."""
    if file.get("mode") == "snippet":
        return True
    mimetype = str(file.get("mimetype") or "").split(";", 1)[0].strip().lower()
    if mimetype.startswith("text/") or mimetype in READABLE_TYPES:
        return True
    return PurePosixPath(file_name(file)).suffix.lower() in EXTENSIONS


def wanted_from_message(message: dict[str, Any]) -> Wanted | None:
    """The message's readable file first (a draft posted with "please check" is about the file), else
    its one link, else its text. A file nobody can read wins only when there is no text: an article
    posted with a photo is checked from its text. None: nothing at all to check."""
    files = [f for f in message.get("files") or [] if isinstance(f, dict)]
    readable = next((f for f in files if looks_readable(f)), None)
    if readable is not None:
        return Wanted("file", file=readable)
    url = link_in(message.get("text") or "")
    if url:
        return Wanted("url", url=url)
    text = message_text(message)
    if text.strip():
        return Wanted("text", text=text)
    if files:
        return Wanted("file", file=files[0])  # read_article gives the one line that says why not
    return None


def complete_files(client: WebClient, message: dict[str, Any]) -> dict[str, Any]:
    """Slack sends a stub (``file_access: check_file_info``) for some shared files: ask ``files.info``."""
    files = message.get("files") or []
    if not any(isinstance(f, dict) and f.get("file_access") == "check_file_info" for f in files):
        return message
    completed = []
    for file in files:
        if isinstance(file, dict) and file.get("file_access") == "check_file_info" and file.get("id"):
            with suppress(SlackApiError):  # if it fails, download_file says it cannot download the stub
                file = client.files_info(file=file["id"]).get("file") or file
        completed.append(file)
    return {**message, "files": completed}


def read_article(settings: Settings, wanted: Wanted) -> ExtractedArticle:
    """The article behind ``wanted``: fetched, downloaded or as typed. ``InputError``: one line saying why not."""
    if wanted.kind == "url" and wanted.url:
        return article_from_url(wanted.url, settings)
    if wanted.kind == "file" and wanted.file is not None:
        return download_file(settings, wanted.file)
    return ExtractedArticle(text=wanted.text, title=None, kind="text")


def _is_slack_host(url: str, settings: Settings) -> bool:
    """The bot token goes to Slack only: files.slack.com, or the host of SLACK_API_URL (a stand-in, GovSlack)."""
    target, api = urlsplit(url), urlsplit(settings.slack_api_url)
    host = (target.hostname or "").lower()
    if target.scheme == "https" and (host == "slack.com" or host.endswith(".slack.com")):
        return True
    return (target.scheme, target.netloc.lower()) == (api.scheme, api.netloc.lower())


def download_file(settings: Settings, file: dict[str, Any]) -> ExtractedArticle:
    """A Slack file, through its ``url_private_download`` with the bot token, then extracted."""
    name = file_name(file)
    if file.get("mode") == "tombstone":
        raise InputError(f"{name} has been deleted from Slack.")
    if file.get("mode") == "external" or file.get("is_external"):
        raise InputError(
            f"{name} is stored outside Slack (e.g. Google Drive), so I cannot download it. Upload the file "
            "itself, or post a public link to the article."
        )
    if PurePosixPath(name).suffix.lower() == ".doc":
        raise InputError(f"{name} is an old Word .doc file: save it as .docx or PDF and post it again.")
    if not looks_readable(file):
        kind = str(file.get("mimetype") or file.get("filetype") or "this kind of file")
        raise InputError(f"{name} is {kind}: I read snippets and {SUPPORTED} files.")
    size = file.get("size")
    if isinstance(size, int) and size > settings.max_download_bytes:
        raise InputError(
            f"{name} is {size:,} bytes; the limit is {settings.max_download_bytes:,} (FACTCHECK_MAX_DOWNLOAD_BYTES)."
        )
    url = str(file.get("url_private_download") or file.get("url_private") or "")
    if not url:
        raise InputError(f"Slack gave me no download link for {name}: I may not have access to it.")
    if not _is_slack_host(url, settings):
        raise InputError(f"The download link of {name} does not point to Slack, so I did not use it.")
    token = {"Authorization": f"Bearer {settings.slack_bot_token}"}  # sent to this origin only, never after a redirect
    fetched = fetch(url, FetchLimits.from_settings(settings), headers=token)
    mimetype = str(file.get("mimetype") or "").lower()
    declared_html = mimetype in HTML_TYPES or PurePosixPath(name).suffix.lower() in (".html", ".htm", ".xhtml")
    if fetched.content_type in HTML_TYPES and not declared_html:
        # Slack answers a download without a valid token (or without files:read) with its sign-in page.
        raise InputError(
            f"Slack sent a sign-in page instead of {name}: the app needs the files:read scope "
            "(reinstall it from the manifest) and a valid bot token."
        )
    return article_from_bytes(fetched.body, settings, name=name, content_type=mimetype or fetched.content_type or None)


__all__ = ["NO_ARTICLE", "Wanted", "complete_files", "link_in", "read_article", "wanted_from_message"]
