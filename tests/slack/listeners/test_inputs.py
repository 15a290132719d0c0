"""Every way in from Slack (#13), end to end over HTTP: /factcheck <link>, a reaction or the message
shortcut on a link, a snippet or a file, and the /factcheck modal. The pages come from a local web
server and the files from the Slack stand-in (bearer token checked), both allowed through
FACTCHECK_FETCH_ALLOW_HOSTS; each refusal reaches the requester as one line and leaves nothing "Checking…"."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import redis

from bot.config import Settings
from bot.inputs.extract import DOCX_TYPE
from bot.slack.modal import CALLBACK_ID, LINK_BLOCK, TEXT_BLOCK
from bot.slack.state import checklist_id_for
from standins.slack_api import SlackAPIStandIn
from standins.slack_driver import ARTICLE, CHANNEL, EDITOR, OTHER_EDITOR, TOKEN, Bot, start_bot, wait_until
from standins.web_pages import ARTICLE_HTML, ARTICLE_PARAGRAPHS, ARTICLE_TITLE, BOILERPLATE, WebPages
from tests.inputs.documents import docx_file, image_only_pdf, text_pdf
from tests.slack.helpers import all_posted_text, call_texts, posts_in_thread, top_level_posts
from tests.slack.inputs_helpers import inputs_settings, opened_view, seed_with_file, shortcut, submit_modal

TS = "1700000000.000500"
STORY = ARTICLE_TITLE + "\n\n" + "\n\n".join(ARTICLE_PARAGRAPHS)


@pytest.fixture
def web() -> Iterator[WebPages]:
    with WebPages(slow_seconds=5.0) as pages:
        yield pages


@pytest.fixture
def settings(slack: SlackAPIStandIn, web: WebPages) -> Settings:
    return inputs_settings(slack, web)


@pytest.fixture
def bot(settings: Settings, redis_client: redis.Redis, slack: SlackAPIStandIn) -> Iterator[Bot]:
    instance = start_bot(settings, redis_client, slack)
    yield instance
    instance.drain()


def thread_texts(bot: Bot, thread_ts: str) -> list[str]:
    return ["\n".join(call_texts_of(m)) for m in bot.slack.thread_messages(CHANNEL, thread_ts)]


def call_texts_of(message: dict[str, Any]) -> list[str]:
    from standins.slack_api import _block_texts

    return [message.get("text") or "", *_block_texts(message.get("blocks") or [])]


def assert_nothing_left_waiting(bot: Bot) -> None:
    for channel_messages in bot.slack.messages.values():
        for message in channel_messages:
            shown = "\n".join(call_texts_of(message))
            assert "Checking" not in shown and "Reading" not in shown, shown


def checked_thread(bot: Bot, thread_ts: str) -> tuple[Any, str]:
    cid = checklist_id_for(CHANNEL, thread_ts)
    checklist = bot.services.state.get_checklist(cid)
    assert checklist is not None and checklist.items
    return checklist, bot.services.state.get_article(cid) or ""


# --- links -------------------------------------------------------------------------------------


def test_command_with_a_link_checks_the_page_and_says_where_it_came_from(bot: Bot, web: WebPages) -> None:
    url = web.url("/article")
    response = bot.command(f"<{url}|the harbour story>")  # Slack's markup for a link with a label
    assert response.status == 200
    assert f"Fetching {url}" in response.body
    bot.wait_job(bot.last_job_id)
    (parent,) = top_level_posts(bot.slack)
    thread_ts = bot.slack.messages[CHANNEL][0]["ts"]
    checklist, article = checked_thread(bot, thread_ts)
    assert checklist.source is not None and checklist.source.kind == "url" and checklist.source.url == url
    assert article.startswith(ARTICLE_TITLE) and "Mara Lind" in article
    for quote in (item.quote for item in checklist.items):
        assert quote in article
    posted = all_posted_text(bot.slack)
    assert f"From: {url} (“{ARTICLE_TITLE}”)" in posted  # the parent and the checklist's header
    shown_parent = "\n".join(call_texts_of(bot.slack.messages[CHANNEL][0]))
    assert "From: " in shown_parent and "items" in shown_parent  # updated with the counts, source kept
    for junk in BOILERPLATE:
        assert junk not in article and junk not in posted
    assert "Fetching" not in "\n".join(call_texts(parent))


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/redirect-loopback", "loopback address"),
        ("/huge", "larger than the limit of 300,000 bytes"),
        ("/slow", "stopped sending"),
        ("/image.png", "image/png"),
    ],
    ids=["private-address", "too-big", "timeout", "wrong-type"],
)
def test_command_link_refusals_reach_the_requester_alone(bot: Bot, web: WebPages, path: str, expected: str) -> None:
    response = bot.command(web.url(path))
    assert response.status == 200
    bot.wait_job(bot.last_job_id)
    (answer,) = bot.slack.calls_to("response_url")
    assert expected in answer.params["text"] and "\n" not in answer.params["text"]
    assert bot.slack.calls_to("chat.postMessage") == []  # nothing posted, so nothing left "Checking…"


def test_reaction_on_a_link_fetches_it_in_the_thread(bot: Bot, web: WebPages) -> None:
    url = web.url("/redirect-to-article")
    bot.slack.seed_message(CHANNEL, {"ts": TS, "user": EDITOR, "text": f"<{url}>"})
    bot.reaction(TS)
    bot.wait_job(f"react-{CHANNEL}-{TS}")
    first = posts_in_thread(bot.slack, TS)[0]
    assert first.params["text"] == "Reading the link…"
    checklist, _ = checked_thread(bot, TS)
    assert checklist.source is not None and checklist.source.url == url  # the link as given
    assert "From: " + url in "\n".join(thread_texts(bot, TS))
    assert not top_level_posts(bot.slack)
    assert_nothing_left_waiting(bot)


def test_a_refused_link_replaces_the_placeholder_and_reacting_again_retries(bot: Bot, web: WebPages) -> None:
    bot.slack.seed_message(CHANNEL, {"ts": TS, "user": EDITOR, "text": web.url("/redirect-loopback")})
    bot.reaction(TS)
    bot.wait_job(f"react-{CHANNEL}-{TS}")
    (shown,) = thread_texts(bot, TS)
    assert "Refused localhost" in shown and "loopback" in shown
    assert_nothing_left_waiting(bot)
    bot.reaction(TS, user=OTHER_EDITOR)  # the page may be fixed by now: a new job runs
    bot.wait_job(f"react-{CHANNEL}-{TS}-1")
    assert len(thread_texts(bot, TS)) == 2
    assert_nothing_left_waiting(bot)


# --- files and snippets -----------------------------------------------------------------------

PDF_LINES = [ARTICLE_TITLE, *ARTICLE_PARAGRAPHS]

FILES = {
    "snippet": ("Untitled", "text/plain", STORY.encode(), {"mode": "snippet", "filetype": "text"}),
    "txt": ("story.txt", "text/plain", STORY.encode(), {}),
    "md": ("story.md", "text/plain", ("# " + STORY).encode(), {"filetype": "markdown"}),
    "html": ("story.html", "text/html", ARTICLE_HTML.encode(), {}),
    "docx": ("draft.docx", DOCX_TYPE, None, {}),
    "pdf": ("report.pdf", "application/pdf", None, {}),
}


def file_bytes(kind: str) -> bytes:
    if kind == "docx":
        return docx_file(ARTICLE_TITLE, list(ARTICLE_PARAGRAPHS))
    if kind == "pdf":
        return text_pdf([PDF_LINES], title=ARTICLE_TITLE)
    return FILES[kind][2] or b""


@pytest.mark.parametrize("kind", list(FILES))
def test_reaction_on_a_file_reads_it_with_the_bot_token(bot: Bot, kind: str) -> None:
    name, mimetype, _, extra = FILES[kind]
    file = bot.slack.seed_file(name, file_bytes(kind), mimetype, **extra)
    seed_with_file(bot.slack, TS, file, text="Draft for tomorrow, please check")
    bot.reaction(TS)
    bot.wait_job(f"react-{CHANNEL}-{TS}")
    (download,) = bot.slack.calls_to("files.download")
    assert download.headers["authorization"] == f"Bearer {TOKEN}"
    checklist, article = checked_thread(bot, TS)
    assert "Mara Lind" in article and "Draft for tomorrow" not in article  # the file, not the comment
    assert checklist.source is not None and checklist.source.kind == "file" and checklist.source.name == name
    assert f"From: file {name}" in "\n".join(thread_texts(bot, TS))
    assert posts_in_thread(bot.slack, TS)[0].params["text"] == f"Reading {name}…"
    assert_nothing_left_waiting(bot)


@pytest.mark.parametrize(
    ("name", "mimetype", "content", "extra", "expected"),
    [
        ("scan.pdf", "application/pdf", image_only_pdf(), {}, "scanned"),
        ("<!here>.png", "image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, {}, "&lt;!here&gt;.png is image/png"),
        ("big.pdf", "application/pdf", b"%PDF-1.4", {"size": 10_000_000}, "is 10,000,000 bytes; the limit is 300,000"),
        ("notes.docx", DOCX_TYPE, b"", {"mode": "external", "is_external": True}, "stored outside Slack"),
        ("old.doc", "application/msword", b"\xd0\xcf\x11\xe0", {}, "old Word .doc file"),
        ("data.zip", "application/zip", b"PK\x03\x04", {}, "application/zip: I read snippets and .txt"),
    ],
    ids=["scanned-pdf", "image", "too-big", "external", "old-doc", "zip"],
)
def test_unreadable_files_get_one_clear_line(
    bot: Bot, name: str, mimetype: str, content: bytes, extra: dict[str, Any], expected: str
) -> None:
    file = bot.slack.seed_file(name, content, mimetype, **extra)
    seed_with_file(bot.slack, TS, file)
    bot.reaction(TS)
    bot.wait_job(f"react-{CHANNEL}-{TS}")
    (shown,) = thread_texts(bot, TS)
    assert expected in shown
    assert "<!" not in all_posted_text(bot.slack)
    if "size" in extra or extra.get("mode") == "external" or name.endswith((".png", ".doc", ".zip")):
        assert bot.slack.calls_to("files.download") == []  # judged from Slack's description, not downloaded
    assert bot.services.state.record_for_thread(CHANNEL, TS) is None
    assert_nothing_left_waiting(bot)


def test_a_download_slack_answers_with_its_sign_in_page_is_refused(bot: Bot) -> None:
    bot.slack.download_token = "xoxb-another-token"  # as if the app lacked files:read
    file = bot.slack.seed_file("story.txt", STORY.encode(), "text/plain")
    seed_with_file(bot.slack, TS, file)
    bot.reaction(TS)
    bot.wait_job(f"react-{CHANNEL}-{TS}")
    (shown,) = thread_texts(bot, TS)
    assert "sign-in page" in shown and "files:read" in shown


def test_the_bot_token_goes_to_slack_only(bot: Bot, web: WebPages) -> None:
    file = {**bot.slack.seed_file("story.html", ARTICLE_HTML.encode(), "text/html")}
    file["url_private_download"] = web.url("/article")
    seed_with_file(bot.slack, TS, file)
    bot.reaction(TS)
    bot.wait_job(f"react-{CHANNEL}-{TS}")
    (shown,) = thread_texts(bot, TS)
    assert "does not point to Slack" in shown
    assert web.requests == []


def test_a_file_stub_is_completed_with_files_info(bot: Bot) -> None:
    file = bot.slack.seed_file("draft.docx", file_bytes("docx"), DOCX_TYPE)
    seed_with_file(bot.slack, TS, {"id": file["id"], "file_access": "check_file_info", "mode": "hidden_by_limit"})
    bot.reaction(TS)
    bot.wait_job(f"react-{CHANNEL}-{TS}")
    assert bot.slack.calls_to("files.info")[0].params["file"] == file["id"]
    checklist, _ = checked_thread(bot, TS)
    assert checklist.source is not None and checklist.source.name == "draft.docx"


def test_a_message_with_nothing_to_read_tells_the_reactor_privately(bot: Bot) -> None:
    bot.slack.seed_message(CHANNEL, {"ts": TS, "user": EDITOR, "text": "   "})
    bot.reaction(TS)
    bot.wait_job(f"react-{CHANNEL}-{TS}")
    (note,) = bot.slack.calls_to("chat.postEphemeral")
    assert note.params["user"] == EDITOR
    assert "no text, link or file" in note.params["text"] and "shortcut" in note.params["text"]
    assert bot.slack.calls_to("chat.postMessage") == []


# --- the message shortcut ---------------------------------------------------------------------


def test_shortcut_checks_the_message_in_its_thread(bot: Bot) -> None:
    bot.slack.seed_message(CHANNEL, {"ts": TS, "user": EDITOR, "text": ARTICLE})
    response = shortcut(bot, TS)
    assert response.status == 200 and response.body == ""
    bot.wait_job(f"react-{CHANNEL}-{TS}")
    record = bot.services.state.record_for_thread(CHANNEL, TS)
    assert record is not None and record.thread_ts == TS and record.trigger == "reaction"
    assert not top_level_posts(bot.slack)  # the editor's message is the thread's parent
    assert bot.slack.calls_to("conversations.history") == []  # the shortcut brought the message along
    shortcut(bot, TS, user=OTHER_EDITOR)
    wait_until(lambda: bot.slack.calls_to("response_url"))
    assert "already has a checklist" in bot.slack.calls_to("response_url")[0].params["text"]


def test_shortcut_and_reaction_on_one_message_give_one_checklist(bot: Bot) -> None:
    bot.slack.seed_message(CHANNEL, {"ts": TS, "user": EDITOR, "text": ARTICLE})
    shortcut(bot, TS)
    bot.reaction(TS, user=OTHER_EDITOR)
    shortcut(bot, TS, user=OTHER_EDITOR)
    bot.wait_job(f"react-{CHANNEL}-{TS}")
    bot.drain()
    placeholders = [c for c in posts_in_thread(bot.slack, TS) if "Checking" in c.params["text"]]
    assert len(placeholders) == 1


def test_shortcut_on_a_file_and_on_a_link(bot: Bot, web: WebPages) -> None:
    file = bot.slack.seed_file("report.pdf", file_bytes("pdf"), "application/pdf")
    seed_with_file(bot.slack, TS, file)
    bot.slack.seed_message(CHANNEL, {"ts": "1700000000.000600", "user": EDITOR, "text": web.url("/article")})
    shortcut(bot, TS)
    shortcut(bot, "1700000000.000600")
    bot.wait_job(f"react-{CHANNEL}-{TS}")
    bot.wait_job(f"react-{CHANNEL}-1700000000.000600")
    pdf, _ = checked_thread(bot, TS)
    page, _ = checked_thread(bot, "1700000000.000600")
    assert pdf.source is not None and pdf.source.kind == "file"
    assert page.source is not None and page.source.kind == "url"


def test_shortcut_on_a_refused_link_answers_in_the_thread(bot: Bot, web: WebPages) -> None:
    bot.slack.seed_message(CHANNEL, {"ts": TS, "user": EDITOR, "text": web.url("/image.png")})
    shortcut(bot, TS)
    bot.wait_job(f"react-{CHANNEL}-{TS}")
    (shown,) = thread_texts(bot, TS)
    assert "image/png" in shown
    assert_nothing_left_waiting(bot)


# --- the modal --------------------------------------------------------------------------------


def test_factcheck_alone_opens_the_modal(bot: Bot) -> None:
    response = bot.command("")
    assert response.status == 200 and response.body == ""
    (call,) = bot.slack.calls_to("views.open")
    trigger = bot.last_job_id.removeprefix("cmd-")
    assert call.params["trigger_id"] == trigger
    view = opened_view(bot.slack)
    assert view["callback_id"] == CALLBACK_ID
    assert f'"channel": "{CHANNEL}"' in view["private_metadata"]
    assert "3,000 characters" in str(view["blocks"])


def test_factcheck_alone_falls_back_to_help_when_the_modal_cannot_open(bot: Bot) -> None:
    bot.slack.fail("views.open", status=500, times=10)
    response = bot.command("")
    assert "/factcheck" in response.body and "shortcut" in response.body
    assert len(bot.slack.calls_to("views.open", ok_only=False)) == 1  # no retry: the trigger lasts 3 s


@pytest.mark.parametrize(
    ("link", "text", "blocks", "says"),
    [
        ("https://news.example/a", "Some text", {LINK_BLOCK, TEXT_BLOCK}, "not both"),
        ("", "  ", {TEXT_BLOCK}, "Paste the article"),
        ("ftp://news.example/a", "", {LINK_BLOCK}, "http(s) link"),
    ],
    ids=["both", "neither", "not-http"],
)
def test_modal_needs_exactly_one_of_link_or_text(bot: Bot, link: str, text: str, blocks: set[str], says: str) -> None:
    bot.command("")
    response = submit_modal(bot, opened_view(bot.slack), link=link, text=text)
    answer = response.json()
    assert answer["response_action"] == "errors" and set(answer["errors"]) == blocks
    assert all(says in message for message in answer["errors"].values())
    bot.drain()
    assert bot.slack.calls_to("chat.postMessage") == []


def test_modal_text_is_checked_in_the_channel_the_command_came_from(bot: Bot) -> None:
    bot.command("", channel="C0DESK")
    view = opened_view(bot.slack)
    response = submit_modal(bot, view, text=ARTICLE, user=OTHER_EDITOR)
    answer = response.json()
    assert answer["response_action"] == "update" and "<#C0DESK>" in str(answer["view"])
    bot.wait_job(f"modal-{view['id']}")
    (parent,) = top_level_posts(bot.slack)
    assert parent.params["channel"] == "C0DESK" and f"<@{OTHER_EDITOR}>" in parent.params["text"]
    record = bot.services.state.record_for_thread("C0DESK", bot.slack.messages["C0DESK"][0]["ts"])
    assert record is not None and record.requested_by == OTHER_EDITOR
    assert "From:" not in all_posted_text(bot.slack)  # typed text needs no source line


def test_modal_link_is_fetched_and_a_refusal_reaches_the_requester(bot: Bot, web: WebPages) -> None:
    bot.command("")
    view = opened_view(bot.slack)
    submit_modal(bot, view, link=web.url("/article"))
    bot.wait_job(f"modal-{view['id']}")
    assert f"From: {web.url('/article')}" in all_posted_text(bot.slack)

    bot.command("")
    refused = opened_view(bot.slack)
    submit_modal(bot, refused, link=web.url("/redirect-loopback"))
    bot.wait_job(f"modal-{refused['id']}")
    (note,) = bot.slack.calls_to("chat.postEphemeral")
    assert "loopback" in note.params["text"] and note.params["user"] == EDITOR
    assert len(top_level_posts(bot.slack)) == 1  # the first check's parent only


def test_a_recheck_keeps_saying_where_the_text_came_from(bot: Bot, web: WebPages) -> None:
    bot.slack.seed_message(CHANNEL, {"ts": TS, "user": EDITOR, "text": web.url("/article")})
    bot.reaction(TS)
    bot.wait_job(f"react-{CHANNEL}-{TS}")
    bot.reply(TS, "recheck")
    wait_until(lambda: (r := bot.services.state.record_for_thread(CHANNEL, TS)) and r.version == 2)
    checklist, article = checked_thread(bot, TS)
    assert checklist.source is not None and checklist.source.url == web.url("/article")
    assert article.startswith(ARTICLE_TITLE)  # the extracted text again, not the link
    assert len(web.requests) == 1  # not fetched again


def test_a_link_in_a_checked_thread_is_not_fetched_over_its_checklist(bot: Bot, web: WebPages) -> None:
    bot.slack.seed_message(CHANNEL, {"ts": TS, "user": EDITOR, "text": ARTICLE})
    bot.reaction(TS)
    bot.wait_job(f"react-{CHANNEL}-{TS}")
    before = bot.services.state.get_checklist(checklist_id_for(CHANNEL, TS))
    reply_ts = "1700000000.000700"
    bot.slack.seed_message(CHANNEL, {"ts": reply_ts, "user": EDITOR, "text": web.url("/article"), "thread_ts": TS})
    bot.reaction(reply_ts)
    bot.wait_job(f"react-{CHANNEL}-{reply_ts}")
    assert web.requests == []
    assert "already has a checklist" in thread_texts(bot, TS)[-1]
    assert bot.services.state.get_checklist(checklist_id_for(CHANNEL, TS)) == before
