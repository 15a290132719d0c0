"""Text out of pages and documents: the article and nothing around it, or one clear line."""

from __future__ import annotations

import socket

import pytest

from bot.config import Settings
from bot.inputs import load
from bot.inputs.extract import detect_format, extract
from bot.text import InputError
from standins.web_pages import ARTICLE_HTML, ARTICLE_PARAGRAPHS, ARTICLE_TITLE, BOILERPLATE
from tests.inputs.documents import docx_file, image_only_pdf, text_pdf

SETTINGS = Settings()


def test_article_page_gives_title_and_body_without_nav_ads_or_comments():
    article = extract(ARTICLE_HTML.encode(), kind="url", url="https://courier.example/a", max_chars=100_000)
    assert article.title == ARTICLE_TITLE
    assert article.text.startswith(ARTICLE_TITLE + "\n\n")
    for paragraph in ARTICLE_PARAGRAPHS:
        assert paragraph in article.text
    for noise in BOILERPLATE:
        assert noise not in article.text
    assert article.source.model_dump() == {
        "kind": "url", "name": None, "url": "https://courier.example/a", "title": ARTICLE_TITLE
    }  # fmt: skip


def test_extraction_never_touches_the_network(monkeypatch):
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("extraction opened a connection")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    extract(ARTICLE_HTML.encode(), kind="url", url="https://courier.example/a", max_chars=100_000)
    extract(docx_file("T", ["A paragraph."]), kind="file", name="a.docx", max_chars=100_000)
    extract(text_pdf([["A line."]]), kind="file", name="a.pdf", max_chars=100_000)


def test_page_without_article_text_is_one_line():
    with pytest.raises(InputError, match="has no article text"):
        extract(
            b"<html><body><div id='root'></div><script>render()</script></body></html>",
            kind="url",
            url="u",
            max_chars=1000,
        )


def test_docx_paragraphs_and_tables_in_order_without_headers():
    data = docx_file(
        "Budget draft",
        ["The council will spend €12m on roads, the mayor said.", "Critics called it a giveaway."],
        table=[["Year", "Spend"], ["2026", "€12m"]],
    )
    article = extract(data, kind="file", name="draft.docx", max_chars=100_000)
    assert article.title == "Budget draft"
    assert article.text == (
        "Budget draft\n\nThe council will spend €12m on roads, the mayor said.\n\n"
        "Critics called it a giveaway.\n\nYear | Spend\n\n2026 | €12m"
    )
    assert "CONFIDENTIAL" not in article.text


def test_pdf_text_page_by_page():
    data = text_pdf([["Harbour costs soar", "Costs rose 40%, officials said."], ["Page two (continued)."]], "Report")
    article = extract(data, kind="file", name="report.pdf", max_chars=100_000)
    assert article.title == "Report"
    assert article.text == "Harbour costs soar\nCosts rose 40%, officials said.\n\nPage two (continued)."


def test_image_only_pdf_is_one_clear_line():
    with pytest.raises(InputError) as caught:
        extract(image_only_pdf(), kind="file", name="scan.pdf", max_chars=100_000)
    assert (
        str(caught.value)
        == "scan.pdf has no text layer: it looks scanned or image-only. Run it through OCR, or send the text."
    )


@pytest.mark.parametrize(
    ("data", "name", "content_type", "message"),
    [
        (b"%PDF-1.4 garbage", "broken.pdf", None, "broken.pdf is not a readable PDF file."),
        (b"not a pdf at all", "fake.pdf", None, "fake.pdf is not a valid PDF file."),
        (b"PK\x03\x04rest", "fake.docx", None, "fake.docx is a ZIP archive"),
        (b"\xd0\xcf\x11\xe0 old word", "old.doc", None, "old.doc is an old Word .doc file"),
        (b"\x89PNG\r\n\x1a\n\x00", "photo.png", None, "photo.png is a .png file"),
        (b"{}", "data", "application/json", "data is application/json"),
        (b"caf\xe9", "notes.txt", None, "not valid UTF-8"),
        (b"", "empty.md", None, "empty or only whitespace"),
    ],
)
def test_unsupported_or_broken_files_are_one_clear_line(data, name, content_type, message):
    with pytest.raises(InputError, match=message.replace(".", r"\.")) as caught:
        extract(data, kind="file", name=name, content_type=content_type, max_chars=100_000)
    assert "\n" not in str(caught.value)


def test_format_is_judged_by_content_first():
    pdf = text_pdf([["x"]])
    assert detect_format(pdf, "misnamed.txt") == "pdf"
    assert detect_format(b"<!DOCTYPE html><p>x</p>", None) == "html"
    assert detect_format(b"# Notes\n", "notes.md") == "text"
    assert detect_format(b"<p>x</p>", "x.txt", "text/html; charset=utf-8") == "html"


def test_text_with_a_declared_charset(tmp_path):
    article = extract("café".encode("latin-1"), kind="url", url="u", content_type="text/plain", charset="iso-8859-1",
                      max_chars=1000)  # fmt: skip
    assert article.text == "café"


def test_files_from_paths(tmp_path):
    (tmp_path / "story.md").write_text("# Headline\n\nOfficials said so.\n", encoding="utf-8")
    article = load.article_from_path(str(tmp_path / "story.md"), SETTINGS)
    assert (article.kind, article.name, article.text) == ("file", "story.md", "# Headline\n\nOfficials said so.\n")
    with pytest.raises(InputError, match="No such file"):
        load.article_from_path(str(tmp_path / "nope.pdf"), SETTINGS)
    with pytest.raises(
        InputError, match=r"No such file: www\.courier\.example/story \(for a link, write it with https://\)"
    ):
        load.article_from_path("www.courier.example/story", SETTINGS)
    big = tmp_path / "big.pdf"
    big.write_bytes(b"%PDF-1.4" + b" " * 20_000)
    with pytest.raises(InputError, match="FACTCHECK_MAX_DOWNLOAD_BYTES"):
        load.article_from_path(str(big), Settings(max_download_bytes=10_000, max_article_chars=1000))


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("https://courier.example/a?b=1", "https://courier.example/a?b=1"),
        ("  <https://courier.example/a>  ", "https://courier.example/a"),
        ("<https://courier.example/a|courier.example/a>", "https://courier.example/a"),
        ("see https://courier.example/a", None),
        ("<mailto:a@b.c|a@b.c>", None),
        ("ftp://x/y", None),
        ("The minister said so.", None),
    ],
)
def test_single_url(text, url):
    assert load.single_url(text) == url


def test_docs_and_pdfs_over_http(web):
    settings = Settings(fetch_allow_hosts=(web.allow_hosts,))
    pdf = web.add("/files/report.pdf", text_pdf([["Officials said costs rose."]], "Report"), "application/pdf")
    article = load.article_from_url(pdf, settings)
    assert (article.kind, article.url, article.title, article.text) == (
        "url",
        pdf,
        "Report",
        "Officials said costs rose.",
    )
    docx = web.add(
        "/download",
        docx_file("Draft", ["A paragraph, the mayor said."]),
        "application/octet-stream",
        {"Content-Disposition": 'attachment; filename="draft.docx"'},
    )
    article = load.article_from_download(docx, settings, headers={"Authorization": "Bearer xoxb-test"})
    assert (article.kind, article.name, article.url) == ("file", "draft.docx", None)
    assert article.text == "Draft\n\nA paragraph, the mayor said."
    assert web.requests[-1][1]["authorization"] == "Bearer xoxb-test"
    article = load.article_from_url(web.url("/article"), settings)
    assert article.title == ARTICLE_TITLE and BOILERPLATE[2] not in article.text
