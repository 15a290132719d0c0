"""The LLM path against a server that behaves as llama.cpp's llama-server did with a small model
(issue #12), over HTTP with the real openai client: every failure is bounded, honest and reported
once, and an empty or invented answer is never a clean checklist."""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from collections.abc import Iterator

import pytest

from bot.analyzers.offline import OfflineAnalyzer
from bot.config import Settings
from bot.engine import Engine
from bot.factory import build_engine
from bot.llm import client as llm_client
from bot.llm.client import redact_url
from bot.render import render_text
from bot.slack.blocks import checklist_messages
from bot.slack.records import ThreadRecord
from standins.openai_server import OpenAIStandIn, Scripted
from tests.conftest import EXAMPLES

HARBOUR = (EXAMPLES / "harbour-strike.txt").read_text(encoding="utf-8")


def settings_for(server: OpenAIStandIn, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "openai_api_key": server.api_key,
        "openai_base_url": server.base_url,
        "model": "gpt-4o-mini",
        "llm_timeout_seconds": 5.0,
        "extra": {"llm_backoff_scale": "0.001"},
        **overrides,
    }
    return Settings(**values)  # type: ignore[arg-type]


def offline_spans(text: str) -> list[tuple[str, int, int]]:
    return spans(Engine(OfflineAnalyzer()).check(text))


def spans(checklist) -> list[tuple[str, int, int]]:
    return [(i.kind, i.start, i.end) for i in checklist.items]


@pytest.fixture
def server() -> Iterator[OpenAIStandIn]:
    with OpenAIStandIn.like_llama_cpp() as s:
        yield s


def test_the_model_that_answered_is_recorded_and_a_mismatch_reported_once(server, redis_client, caplog, monkeypatch):
    monkeypatch.setattr(llm_client, "_reported_models", set())  # "once" is per process
    caplog.set_level(logging.WARNING)
    engine = build_engine(settings_for(server), redis_client=redis_client)
    first = engine.check(HARBOUR)
    engine.check(HARBOUR.replace("harbour", "port"))  # a second check, new requests, the same mismatch

    assert first.stats.analyzer == "llm" and first.stats.model == "gpt-4o-mini"
    assert first.stats.model_answered == "SmolLM2-135M-Instruct"
    assert "gpt-4o-mini, answered as SmolLM2-135M-Instruct" in render_text(first, width=200)
    mismatches = [r for r in caplog.records if "answered as model" in r.getMessage()]
    assert len(mismatches) == 1, [r.getMessage() for r in mismatches]


def test_a_dated_snapshot_is_the_same_model(redis_client, caplog):
    caplog.set_level(logging.WARNING)
    with OpenAIStandIn(answer_as="gpt-4o-mini-2024-07-18") as server:
        checklist = build_engine(settings_for(server), redis_client=redis_client).check(HARBOUR)
    assert checklist.stats.model_label() == "gpt-4o-mini"
    assert not [r for r in caplog.records if "answered as model" in r.getMessage()]


def test_a_looping_model_is_cut_at_the_output_limit_split_then_replaced(redis_client):
    with OpenAIStandIn.like_llama_cpp(loop=True) as server:
        settings = settings_for(server, llm_max_attempts=4)
        checklist = build_engine(settings, redis_client=redis_client).check(HARBOUR)
        requests = server.completion_requests
        billed = server.total_usage()

    # One request for the section, one for each half: a truncated answer is not retried as it is.
    assert len(requests) == 3
    limits = [r.body["max_completion_tokens"] for r in requests]
    assert limits[0] > max(limits[1:]) > 0  # sized from each section
    stats = checklist.stats
    assert stats.split_sections == 1 and stats.fallback_sections == 1
    assert stats.analyzer == "offline" and stats.fallback_reason.startswith("truncated:")
    assert spans(checklist) == offline_spans(HARBOUR)
    # The cut answers were generated and billed: every one of their tokens is counted.
    assert (stats.llm_requests, stats.completion_tokens) == (3, billed["completion_tokens"]) and billed[
        "completion_tokens"
    ] >= sum(limits)
    assert stats.model_answered == "SmolLM2-135M-Instruct"  # recorded from answers that were cut off too


def test_a_long_answer_cut_off_is_asked_again_in_halves(redis_client):
    # A section whose honest answer is longer than its limit: the halves fit, nothing falls back.
    text = "\n\n".join(
        f"Officials said {n} convoys crossed the river on day {n}, according to the Gazette." for n in range(1, 9)
    )
    with OpenAIStandIn(limit_output=True) as server:
        settings = settings_for(server, llm_max_output_tokens=1200)
        checklist = build_engine(settings, redis_client=redis_client).check(text)
        finishes = len(server.completion_requests)
    assert finishes == 3 and checklist.stats.split_sections == 1
    assert checklist.stats.analyzer == "llm" and not checklist.stats.fallback_reason
    assert checklist.stats.claims == 8 and checklist.stats.sources == 8


def test_invented_quotes_are_a_failed_answer_retried_then_replaced_and_not_cached(redis_client):
    with OpenAIStandIn.like_llama_cpp(invent=True) as server:
        engine = build_engine(settings_for(server), redis_client=redis_client)
        checklist = engine.check(HARBOUR)
        assert len(server.completion_requests) == 2  # asked once more, then the offline analyzer stood in
        again = engine.check(HARBOUR)
        assert len(server.completion_requests) == 4  # nothing was cached as the LLM's answer

    stats = checklist.stats
    assert stats.analyzer == "offline" and stats.fallback_sections == 1
    assert stats.fallback_reason.startswith("ungrounded: none of the 3 quotes the model returned is in the article")
    assert spans(checklist) == offline_spans(HARBOUR) and checklist.items
    header = render_text(checklist, width=200).splitlines()[1]
    assert "analyzer: offline ·" in header  # no "offline (model)": the model made none of it
    assert "Nothing to check was found" not in render_text(checklist)
    assert not again.stats.article_cache_hit and again.stats.fallback_sections == 1


def test_a_dropped_share_above_the_threshold_fails_the_section(redis_client):
    def mostly_invented(body: dict) -> str:
        item = {"claim": "x", "basis": "disputed_figure", "attribution": None, "hedge_cues": [], "why": "w",
                "how_to_verify": "h", "priority": "high"}
        real = "The union says about 3,200 members have joined the walkout"
        invented = ["The port lost 9,000 jobs in a week", "The mayor resigned over the strike on Monday"]
        claims = [{"quote": q, **item} for q in [real, *invented]]
        return json.dumps({"claims": claims, "sources": []})

    assert "The union says about 3,200 members have joined the walkout" in HARBOUR
    with OpenAIStandIn(responder=mostly_invented) as server:
        failed = build_engine(settings_for(server), redis_client=redis_client).check(HARBOUR)
        redis_client.flushdb()
        tolerant = build_engine(settings_for(server, llm_max_dropped_share=0.7), redis_client=redis_client)
        accepted = tolerant.check(HARBOUR)
    assert failed.stats.analyzer == "offline" and failed.stats.fallback_reason.startswith("ungrounded: 2 of the 3")
    assert accepted.stats.analyzer == "llm" and accepted.stats.items == 1 and accepted.stats.dropped_ungrounded == 2


def test_one_slot_serialises_requests_and_the_default_concurrency_waits_its_turn(redis_client):
    text = "\n\n".join(f"Officials said {n} trucks crossed on day {n}." for n in range(1, 7))
    with OpenAIStandIn.like_llama_cpp(latency_seconds=0.05) as server:
        settings = settings_for(server, batch_chars=500, llm_concurrency=Settings().llm_concurrency)
        checklist = build_engine(settings, redis_client=redis_client).check(text)
        assert server.max_busy == 1  # never two generations at once
        assert len(server.completion_requests) > 1
    assert Settings().llm_concurrency == 2
    assert checklist.stats.analyzer == "llm" and checklist.stats.fallback_sections == 0


def test_a_wrong_path_says_the_base_url_is_wrong(server, redis_client):
    wrong = server.base_url.removesuffix("/v1")  # the most common mistake: no /v1
    checklist = build_engine(settings_for(server, openai_base_url=wrong), redis_client=redis_client).check(HARBOUR)
    reason = checklist.stats.fallback_reason or ""
    assert reason.startswith("config:") and "base URL is wrong" in reason and "OPENAI_BASE_URL" in reason
    assert "does not offer model" not in reason
    assert len(server.requests) == 1  # a 404 is not retried


def test_the_deadline_bounds_the_llm_and_in_flight_retries_stop(redis_client):
    with OpenAIStandIn() as server:
        server.script(*[Scripted.error(500) for _ in range(20)])
        settings = settings_for(
            server, llm_max_attempts=10, llm_deadline_seconds=0.6, extra={"llm_backoff_scale": "0.2"}
        )
        checklist = build_engine(settings, redis_client=redis_client).check(HARBOUR)
        sent = len(server.requests)
        time.sleep(0.5)  # any retry still running would now send another request
        assert len(server.requests) == sent < 10
    assert checklist.stats.fallback_reason.startswith("deadline:")
    assert "FACTCHECK_LLM_DEADLINE" in checklist.stats.fallback_reason
    assert spans(checklist) == offline_spans(HARBOUR)


def test_a_final_failure_cancels_the_other_sections_retries(redis_client):
    text = "\n\n".join(f"Officials said {n} trucks crossed on day {n}." for n in range(1, 5))
    with OpenAIStandIn(latency_seconds=0.05) as server:
        # One section gets a final error (400); the other only server errors that would be retried
        # with long waits (up to 9 attempts): the cancel event ends those waits.
        server.script(Scripted.error(400, "bad request"), *[Scripted.error(500) for _ in range(20)])
        settings = settings_for(server, batch_chars=500, llm_concurrency=2, llm_max_attempts=9,
                                extra={"llm_backoff_scale": "1"})
        checklist = build_engine(settings, redis_client=redis_client).check(text)
        sent = len(server.requests)
    assert checklist.stats.fallback_reason.startswith("config:")
    assert sent <= 3  # without the cancel event: 1 + 9 requests
    assert checklist.stats.analyzer == "offline"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://svc:s3cret@llm.internal:8443/v1?api-key=abc#x", "https://llm.internal:8443/v1"),
        ("http://user@10.0.0.5/openai/v1/", "http://10.0.0.5/openai/v1/"),
        ("https://[::1]:9000/v1?token=t", "https://[::1]:9000/v1"),
        ("not a url", "<invalid URL>"),
        ("http://host:notaport/v1", "<invalid URL>"),
    ],
)
def test_redact_url(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_credentials_in_the_base_url_never_reach_the_checklist_or_logs(server, redis_client, caplog):
    # Issue #10 item 6: the base URL with credentials appeared verbatim in a fallback reason in Slack.
    caplog.set_level(logging.INFO)
    port = server.base_url.split(":")[2].split("/")[0]
    url = f"http://svc:s3cret@127.0.0.1:{port}/v1?token=tok123"
    settings = settings_for(server, openai_base_url=url, openai_api_key="sk-wrong-key-123")
    checklist = build_engine(settings, redis_client=redis_client).check(HARBOUR)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    record = ThreadRecord(
        checklist_id="C1:1.0", channel="C1", thread_ts="1.0", requested_by="U1", trigger="command",
        article_id=checklist.article_id, title=checklist.title,
    )
    posted = json.dumps([dataclasses.asdict(m) for m in checklist_messages(checklist, record, {})])
    assert f"http://127.0.0.1:{port}/v1" in posted  # the note is posted, with the endpoint redacted
    everything = checklist.model_dump_json() + render_text(checklist) + logged + posted
    assert checklist.stats.fallback_reason and f"http://127.0.0.1:{port}/v1" in checklist.stats.fallback_reason
    for secret in ("s3cret", "svc:", "tok123", "sk-wrong-key-123"):
        assert secret not in everything


def test_scrub_redacts_any_url_and_the_key() -> None:
    from bot.llm.client import scrub

    settings = Settings(openai_api_key="sk-secret-key-1", openai_base_url="https://u:p@h.example/v1?k=1")
    text = "Failed https://u:p@h.example/v1/chat/completions?k=1 with sk-secret-key-1 (https://u:p@h.example/v1?k=1)"
    shown = scrub(text, settings)
    assert "u:p" not in shown and "k=1" not in shown and "sk-secret" not in shown
    assert "https://h.example/v1/chat/completions" in shown and "(https://h.example/v1)" in shown


@pytest.mark.parametrize("batch_chars", [500, 8_000])
def test_the_standing_in_offline_items_do_not_depend_on_the_section_size(redis_client, batch_chars):
    with OpenAIStandIn.like_llama_cpp(invent=True) as server:
        settings = settings_for(server, batch_chars=batch_chars)
        checklist = build_engine(settings, redis_client=redis_client).check(HARBOUR)
    assert checklist.stats.analyzer == "offline"
    assert spans(checklist) == offline_spans(HARBOUR)


def test_llm_settings_from_the_environment() -> None:
    from bot.config import ConfigError

    settings = Settings.from_env(
        {
            "FACTCHECK_LLM_MAX_OUTPUT_TOKENS": "1024",
            "FACTCHECK_LLM_DEADLINE": "90",
            "FACTCHECK_LLM_MAX_DROPPED_SHARE": "0.25",
        }
    )
    assert (settings.llm_max_output_tokens, settings.llm_deadline_seconds, settings.llm_max_dropped_share) == (
        1024,
        90.0,
        0.25,
    )
    defaults = Settings.from_env({})
    assert (defaults.llm_concurrency, defaults.llm_max_output_tokens, defaults.llm_deadline_seconds) == (2, 16_384, 300)
    assert defaults.llm_max_dropped_share == 0.5
    with pytest.raises(ConfigError, match="FACTCHECK_LLM_MAX_DROPPED_SHARE must be between 0 and 1"):
        Settings.from_env({"FACTCHECK_LLM_MAX_DROPPED_SHARE": "2"})
