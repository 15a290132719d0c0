"""Engine figures against the OpenAI stand-in with modelled latency: cache, edits, long articles."""

from __future__ import annotations

import math
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.articles import article, article_of_words
from bot import store
from bot.config import Settings
from bot.factory import build_engine
from bot.text import split_units
from standins.openai_server import OpenAIStandIn


def _settings(standin: OpenAIStandIn, concurrency: int) -> Settings:
    return Settings(
        openai_api_key=standin.api_key,
        openai_base_url=standin.base_url,
        model="bench-model",
        llm_concurrency=concurrency,
        llm_timeout_seconds=120.0,
    )


def edited_paragraph(standin: OpenAIStandIn, redis_client: Any, concurrency: int) -> dict[str, Any]:
    """Tokens to re-check an article after editing 1 paragraph of 20, as a share of the first check."""
    engine = build_engine(_settings(standin, concurrency), redis_client=redis_client)
    text = article(20, words_per_paragraph=90, seed=21)
    before = standin.total_usage()
    first = engine.check(text)
    after_first = standin.total_usage()
    units = split_units(text, engine.batch_chars)
    target = units[10].text
    edited = text.replace(target, target.replace(".", ", officials said.", 1), 1)
    second = engine.check(edited)
    after_second = standin.total_usage()

    def tokens(a: dict[str, int], b: dict[str, int]) -> int:
        return (b["prompt_tokens"] + b["completion_tokens"]) - (a["prompt_tokens"] + a["completion_tokens"])

    first_tokens, edit_tokens = tokens(before, after_first), tokens(after_first, after_second)
    return {
        "paragraphs": 20,
        "first_check_tokens": first_tokens,
        "first_check_requests": first.stats.llm_requests,
        "recheck_tokens": edit_tokens,
        "recheck_requests": second.stats.llm_requests,
        "recheck_share": round(edit_tokens / first_tokens, 3),
    }


def repeated_article(standin: OpenAIStandIn, redis_client: Any, concurrency: int) -> dict[str, Any]:
    engine = build_engine(_settings(standin, concurrency), redis_client=redis_client)
    text = article(12, seed=5)
    started = time.perf_counter()
    engine.check(text)
    cold = time.perf_counter() - started
    requests_before = len(standin.completion_requests)
    timings = []
    for _ in range(20):
        started = time.perf_counter()
        engine.check(text)
        timings.append(time.perf_counter() - started)
    return {
        "cold_seconds": round(cold, 3),
        "repeat_ms_p50": round(sorted(timings)[len(timings) // 2] * 1000, 1),
        "repeat_ms_max": round(max(timings) * 1000, 1),
        "repeat_llm_requests": len(standin.completion_requests) - requests_before,
    }


def long_article(standin: OpenAIStandIn, redis_client: Any, concurrency: int, words: int) -> dict[str, Any]:
    """Wall time against the ideal: every request's service time, perfectly packed on the workers."""
    engine = build_engine(_settings(standin, concurrency), redis_client=redis_client)
    text = article_of_words(words)
    first_request = len(standin.completion_requests)
    started = time.perf_counter()
    checklist = engine.check(text)
    wall = time.perf_counter() - started
    answered = [r for r in standin.completion_requests[first_request:] if r.usage]
    service = [standin.latency_seconds + standin.seconds_per_token * r.usage["completion_tokens"] for r in answered]
    ideal = math.ceil(len(service) / concurrency) * (sum(service) / len(service))
    return {
        "words": len(text.split()),
        "requests": len(answered),
        "requests_per_1000_words": round(len(answered) / (len(text.split()) / 1000), 2),
        "concurrency": concurrency,
        "wall_seconds": round(wall, 2),
        "ideal_seconds": round(ideal, 2),
        "wall_over_ideal": round(wall / ideal, 3),
        "items": checklist.stats.items,
    }


def run(latency: float, per_token: float, concurrency: int, words: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, OpenAIStandIn(latency_seconds=latency, seconds_per_token=per_token) as s:
        redis_client = store.connect(None, data_dir=Path(tmp))
        try:
            results = {
                "llm_model": {"latency_seconds": latency, "seconds_per_completion_token": per_token},
                "edited_paragraph": edited_paragraph(s, redis_client, concurrency),
                "repeated_article": repeated_article(s, redis_client, concurrency),
                "long_article": long_article(s, redis_client, concurrency, words),
            }
        finally:
            redis_client.shutdown(nosave=True)
        return results


if __name__ == "__main__":
    import json

    print(json.dumps(run(0.5, 0.0005, 4, 30_000), indent=2))
