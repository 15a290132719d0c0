"""The engine with the real LLM analyzer and openai client, over HTTP to a local stand-in, on a real Redis."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from bot.config import Settings
from bot.factory import build_engine
from standins.openai_server import HALLUCINATED_QUOTE, OpenAIStandIn, Scripted
from tests.conftest import EXAMPLES

PARAGRAPH = (
    "Officials said {n} convoys crossed the river at Velmora on day {n}, according to the Harbour Gazette, "
    "and a spokesperson told reporters that about {m} people had been evacuated."
)


def long_article(paragraphs: int) -> str:
    return "Convoys cross the river\n" + "\n".join(PARAGRAPH.format(n=i, m=100 * i) for i in range(paragraphs))


@pytest.fixture
def standin() -> Iterator[OpenAIStandIn]:
    with OpenAIStandIn() as server:
        yield server


def settings_for(standin: OpenAIStandIn, **overrides) -> Settings:
    values = {
        "openai_api_key": standin.api_key,
        "openai_base_url": standin.base_url,
        "model": "standin-model",
        "llm_timeout_seconds": 2.0,
        "extra": {"llm_backoff_scale": "0.001"},
        **overrides,
    }
    return Settings(**values)


def assert_grounded(text: str, checklist) -> None:
    assert checklist.items
    for item in checklist.items:
        assert text[item.start : item.end] == item.quote


def test_llm_checklist_is_grounded_and_cached(standin, redis_client):
    text = (EXAMPLES / "harbour-strike.txt").read_text(encoding="utf-8")
    engine = build_engine(settings_for(standin), redis_client=redis_client)
    first = engine.check(text)
    assert first.stats.analyzer == "llm" and first.stats.model == "standin-model"
    assert first.stats.llm_requests == len(standin.completion_requests) == 1
    assert first.stats.prompt_tokens > 0 and first.stats.completion_tokens > 0
    assert_grounded(text, first)
    second = engine.check(text)
    assert len(standin.completion_requests) == 1  # a repeated article makes no LLM request
    assert second.stats.llm_requests == 0 and second.items == first.items


def test_hallucinated_quote_is_dropped_and_counted(standin, redis_client):
    standin.hallucinate = True
    text = (EXAMPLES / "vaccine-trial.txt").read_text(encoding="utf-8")
    checklist = build_engine(settings_for(standin), redis_client=redis_client).check(text)
    assert checklist.stats.dropped_ungrounded == 1
    assert all(HALLUCINATED_QUOTE not in item.quote for item in checklist.items)
    assert_grounded(text, checklist)


def test_long_article_is_chunked_and_an_edit_resends_one_chunk(standin, redis_client):
    text = long_article(60)
    settings = settings_for(standin, batch_chars=2_000, llm_concurrency=3)
    engine = build_engine(settings, redis_client=redis_client)
    first = engine.check(text)
    requests = len(standin.completion_requests)
    assert requests == first.stats.llm_requests > 3
    assert_grounded(text, first)
    for recorded in standin.completion_requests:  # every request stays within the batch size
        assert len(recorded.message("user")) < 2_000 + 1_500
    edited = text.replace("on day 17,", "on day 17 and again on day 18,")
    second = engine.check(edited)
    assert len(standin.completion_requests) == requests + 1
    assert second.stats.cache_hits == second.stats.chunks - 1
    assert "day 17 and again" in standin.completion_requests[-1].message("user")
    assert_grounded(edited, second)


def test_rate_limit_and_server_error_are_retried(standin, redis_client):
    standin.script(Scripted.rate_limited(retry_after="0"), Scripted.error(500))
    text = (EXAMPLES / "council-budget.txt").read_text(encoding="utf-8")
    checklist = build_engine(settings_for(standin), redis_client=redis_client).check(text)
    assert checklist.stats.analyzer == "llm" and checklist.stats.fallback_reason is None
    assert len(standin.completion_requests) == 3
    assert checklist.stats.llm_requests == 3


def test_garbage_output_falls_back_to_offline(standin, redis_client):
    standin.script(*[Scripted.garbage() for _ in range(10)])
    text = (EXAMPLES / "council-budget.txt").read_text(encoding="utf-8")
    checklist = build_engine(settings_for(standin, llm_max_attempts=3), redis_client=redis_client).check(text)
    assert checklist.stats.analyzer == "offline"
    assert checklist.stats.fallback_reason and checklist.stats.fallback_reason.startswith("malformed")
    assert len(standin.completion_requests) == 3
    assert_grounded(text, checklist)


def test_cli_with_an_endpoint_and_a_bad_key(standin, tmp_path):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "REDIS_URL", "FACTCHECK_"))}
    environment.update(XDG_CACHE_HOME=str(tmp_path), OPENAI_BASE_URL=standin.base_url, OPENAI_API_KEY=standin.api_key)
    path = str(EXAMPLES / "harbour-strike.txt")
    ok = subprocess.run(
        [sys.executable, "-m", "bot", "check", path, "--json"], env=environment, capture_output=True, timeout=60
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["stats"]["analyzer"] == "llm"
    # A fresh cache: the key is not part of the cache identity, so the first run's result would be served.
    environment.update(OPENAI_API_KEY="sk-wrong", XDG_CACHE_HOME=str(tmp_path / "other"))
    bad = subprocess.run(
        [sys.executable, "-m", "bot", "check", path, "--json"], env=environment, capture_output=True, timeout=60
    )
    assert bad.returncode == 0
    stats = json.loads(bad.stdout)["stats"]
    assert stats["analyzer"] == "offline" and stats["fallback_reason"].startswith("auth")
    assert b"the offline analyzer stood in" in bad.stderr.lower() and b"Traceback" not in bad.stderr
    assert len(bad.stderr.splitlines()) == 1  # the failure is reported once, in one line (#12)
