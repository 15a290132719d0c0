"""Pure pieces of the Slack ways in: the modal's view and submission, what a message asks to check,
and the "Reading…" and "From:" lines. No I/O."""

from __future__ import annotations

import json

import pytest
from slack_sdk.models.views import View

from bot.models import ArticleSource
from bot.slack.blocks import from_line, help_message, parent_message, reading_message
from bot.slack.modal import (
    CALLBACK_ID,
    LINK_ACTION,
    LINK_BLOCK,
    MAX_TEXT,
    TEXT_ACTION,
    TEXT_BLOCK,
    check_modal,
    queued_view,
    read_submission,
)
from bot.slack.sources import NO_ARTICLE, link_in, looks_readable, wanted_from_message
from standins.slack_api import validate_message


def submitted(link: str | None = None, text: str | None = None, channel: str = "C1") -> dict:
    view = check_modal(channel, "U1")
    view["state"] = {
        "values": {
            LINK_BLOCK: {LINK_ACTION: {"type": "url_text_input", "value": link}},
            TEXT_BLOCK: {TEXT_ACTION: {"type": "plain_text_input", "value": text}},
        }
    }
    return view


def test_the_modal_is_a_valid_view_with_both_fields_and_the_cap_in_the_hint() -> None:
    view = check_modal("C123", "U1")
    View(**view).validate_json()  # slack_sdk checks Slack's lengths (title 24, hint 2,000, ...)
    assert view["callback_id"] == CALLBACK_ID
    assert json.loads(view["private_metadata"]) == {"channel": "C123", "user": "U1"}
    link, text = view["blocks"][1], view["blocks"][2]
    assert link["element"]["type"] == "url_text_input" and link["optional"]
    assert text["element"]["max_length"] == MAX_TEXT == 3_000 and text["optional"]
    assert "3,000 characters" in text["hint"]["text"] and "file" in text["hint"]["text"]
    View(**queued_view("C123")).validate_json()
    assert "<#C123>" in str(queued_view("C123")) and "<#" not in str(queued_view("<!channel>"))


@pytest.mark.parametrize(
    ("link", "text", "url", "article", "errors"),
    [
        ("https://news.example/a?b=1&c=2", None, "https://news.example/a?b=1&c=2", "", set()),
        ("  http://x.example/  ", "", "http://x.example/", "", set()),
        (None, "Officials said <b> & more.", None, "Officials said <b> & more.", set()),  # as typed
        ("https://x.example/", "text", None, "", {LINK_BLOCK, TEXT_BLOCK}),
        (None, "   ", None, "", {TEXT_BLOCK}),
        ("javascript:alert(1)", None, None, "", {LINK_BLOCK}),
        ("https://two words.example", None, None, "", {LINK_BLOCK}),
    ],
)
def test_a_submission_has_exactly_one_of_link_or_text(
    link: str | None, text: str | None, url: str | None, article: str, errors: set[str]
) -> None:
    submission = read_submission(submitted(link, text))
    assert set(submission.errors) == errors
    assert (submission.url, submission.text) == (url, article)
    if not errors:
        assert submission.channel == "C1"


def test_a_submission_without_its_channel_is_an_error() -> None:
    view = submitted(text="An article.")
    view["private_metadata"] = "not json"
    assert set(read_submission(view).errors) == {TEXT_BLOCK}


def test_links_as_slack_sends_them() -> None:
    assert link_in("<https://x.example/a?b=1&amp;c=2|the story>") == "https://x.example/a?b=1&c=2"
    assert link_in("  <https://x.example/a>\n") == "https://x.example/a"
    assert link_in("https://x.example/a") == "https://x.example/a"
    assert link_in("Read this: <https://x.example/a>") is None
    assert link_in("<mailto:a@b.example>") is None and link_in("") is None


def test_what_a_message_asks_to_check() -> None:
    pdf = {"name": "report.pdf", "mimetype": "application/pdf"}
    photo = {"name": "harbour.jpg", "mimetype": "image/jpeg"}
    snippet = {"name": "Untitled", "mode": "snippet", "mimetype": "text/plain"}
    assert wanted_from_message({"text": "please check", "files": [photo, pdf]}).file == pdf
    assert wanted_from_message({"text": "x", "files": [snippet]}).kind == "file"
    # an article posted with its photo is checked from its text
    assert wanted_from_message({"text": "The minister said...", "files": [photo]}).kind == "text"
    assert wanted_from_message({"text": "", "files": [photo]}).file == photo  # refused later, with a reason
    link = wanted_from_message({"text": "<https://x.example/a|story>"})
    assert link.kind == "url" and link.url == "https://x.example/a" and link.label == "the link"
    text = wanted_from_message({"text": "Budget &amp; cuts <@U1>"})
    assert text.kind == "text" and text.text == "Budget & cuts @U1"
    assert wanted_from_message({"text": "  "}) is None
    assert "{emoji}" in NO_ARTICLE


def test_readable_files_by_slack_type_or_name() -> None:
    assert looks_readable({"name": "a.docx", "mimetype": "application/octet-stream"})
    assert looks_readable({"name": "Untitled", "mimetype": "text/plain"})
    assert looks_readable({"name": "page", "mimetype": "text/html"})
    assert not looks_readable({"name": "a.png", "mimetype": "image/png"})
    assert not looks_readable({"name": "a.doc", "mimetype": "application/msword"})


def test_reading_and_from_lines_are_escaped_and_valid() -> None:
    message = reading_message("<!channel>.pdf")
    assert "<!" not in str(message.blocks) and "&lt;!channel&gt;.pdf" in message.blocks[0]["text"]["text"]
    assert validate_message({"text": message.text, "blocks": message.blocks}) is None
    source = ArticleSource(kind="url", url="https://x.example/?a=1&b=<2>", title="<@U1> says")
    line = from_line(source)
    assert line.startswith("From: https://x.example/?a=1&amp;b=&lt;2&gt;") and "<@" not in line
    parent = parent_message("Title", "U1", "command", None, source=ArticleSource(kind="file", name="d.docx"))
    assert "From: file d.docx" in str(parent.blocks) and "Checking" in str(parent.blocks)


def test_help_tells_every_way_in() -> None:
    shown = str(help_message("mag").blocks)
    for way in ("&lt;link&gt;", "alone", "Fact-check this message", ".docx", ".pdf", "snippet", "3,000"):
        assert way in shown
