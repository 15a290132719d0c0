"""``factcheck check`` on links and documents, as a user runs it: a real process, a real local web server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from standins.web_pages import ARTICLE_PARAGRAPHS, ARTICLE_TITLE, BOILERPLATE
from tests.inputs.documents import docx_file, image_only_pdf, text_pdf


def run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "REDIS_URL", "FACTCHECK_"))}
    environment.update({"XDG_CACHE_HOME": str(tmp_path / "cache"), **env})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, env=environment, cwd=tmp_path, timeout=60
    )


def assert_grounded(checklist: dict) -> None:
    text = checklist["text"]
    assert checklist["text_length"] == len(text)
    for item in checklist["items"]:
        assert text[item["start"] : item["end"]] == item["quote"]


def test_check_a_link(web, tmp_path):
    result = run(["check", web.url("/article"), "--json"], tmp_path, FACTCHECK_FETCH_ALLOW_HOSTS=web.allow_hosts)
    assert result.returncode == 0, result.stderr
    checklist = json.loads(result.stdout)
    assert checklist["source"] == {"kind": "url", "name": None, "url": web.url("/article"), "title": ARTICLE_TITLE}
    assert checklist["title"] == ARTICLE_TITLE
    assert all(p in checklist["text"] for p in ARTICLE_PARAGRAPHS)
    assert not any(noise in checklist["text"] for noise in BOILERPLATE)
    assert checklist["items"]
    assert_grounded(checklist)

    text_view = run(["check", web.url("/article")], tmp_path, FACTCHECK_FETCH_ALLOW_HOSTS=web.allow_hosts)
    assert text_view.returncode == 0, text_view.stderr
    assert f"From: {web.url('/article')} (“{ARTICLE_TITLE}”)" in text_view.stdout.decode()


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_check_a_document(tmp_path, kind):
    paragraphs = [
        "The harbour authority spent about €40 million more than planned, officials said.",
        "Two engineers, speaking on condition of anonymity, said warnings were ignored.",
    ]
    path = tmp_path / f"draft.{kind}"
    path.write_bytes(docx_file("Dredging draft", paragraphs) if kind == "docx" else text_pdf([paragraphs]))
    result = run(["check", str(path), "--json"], tmp_path)
    assert result.returncode == 0, result.stderr
    checklist = json.loads(result.stdout)
    assert checklist["source"]["kind"] == "file" and checklist["source"]["name"] == f"draft.{kind}"
    assert all(paragraph in checklist["text"] for paragraph in paragraphs)
    assert checklist["items"]
    assert_grounded(checklist)


def test_plain_text_keeps_its_text_and_says_it_is_a_file(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("Costs rose 40%, officials said.\n", encoding="utf-8")
    checklist = json.loads(run(["check", str(path), "--json"], tmp_path).stdout)
    assert checklist["source"] == {"kind": "file", "name": "story.txt", "url": None, "title": None}
    assert checklist["text"] == "Costs rose 40%, officials said.\n"


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("/redirect-loopback", "Refused localhost"),
        ("/image.png", "points to image/png"),
        ("/huge", "FACTCHECK_MAX_DOWNLOAD_BYTES"),
    ],
)
def test_refused_links_are_one_line_and_exit_2(web, tmp_path, target, message):
    result = run(
        ["check", web.url(target)],
        tmp_path,
        FACTCHECK_FETCH_ALLOW_HOSTS=web.allow_hosts,
        FACTCHECK_MAX_DOWNLOAD_BYTES="100000",
    )
    assert result.returncode == 2
    err = result.stderr.decode()
    assert message in err and err.count("\n") == 1 and err.startswith("factcheck: ")
    assert result.stdout == b""


def test_loopback_link_without_allow_list_and_other_schemes(tmp_path, web):
    result = run(["check", web.url("/article")], tmp_path)
    assert result.returncode == 2 and b"it is a loopback address" in result.stderr
    assert not web.requests  # refused before connecting
    result = run(["check", "ftp://example.org/story.txt"], tmp_path)
    assert result.returncode == 2 and b"Only http and https links" in result.stderr


def test_scanned_pdf_is_one_line(tmp_path):
    (tmp_path / "scan.pdf").write_bytes(image_only_pdf())
    result = run(["check", str(tmp_path / "scan.pdf")], tmp_path)
    assert result.returncode == 2
    assert result.stderr.decode() == (
        "factcheck: scan.pdf has no text layer: it looks scanned or image-only. Run it through OCR, or send the text.\n"
    )


def test_version_and_help_name_env_vars_and_exit_codes(tmp_path):
    version = run(["--version"], tmp_path)
    assert version.returncode == 0 and version.stdout.decode().startswith("factcheck ")
    for command in ("check", "serve", "worker"):
        text = run([command, "--help"], tmp_path).stdout.decode()
        assert "environment variables read:" in text and "exit codes:" in text
        assert "FACTCHECK_FETCH_TIMEOUT" in text and "REDIS_URL" in text
    assert "FACTCHECK_FETCH_ALLOW_HOSTS" in run(["check", "--help"], tmp_path).stdout.decode()
