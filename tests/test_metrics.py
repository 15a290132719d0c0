"""Prometheus metrics: names, labels, the queue depth read from Redis at scrape time."""

from __future__ import annotations

import math

import pytest
import redis
from prometheus_client.parser import text_string_to_metric_families

from bot import metrics
from bot.analyzers.base import AnalyzerError
from bot.jobs.model import Job
from bot.jobs.queue import RQJobQueue
from bot.models import Checklist, ChecklistStats
from tests.helpers import ScriptedAnalyzer


def scrape() -> dict[str, float]:
    body, content_type = metrics.render_metrics()
    assert content_type.startswith("text/plain") and "version=" in content_type
    samples: dict[str, float] = {}
    for family in text_string_to_metric_families(body.decode("utf-8")):
        for sample in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
            samples[f"{sample.name}{{{labels}}}"] = sample.value
    return samples


def test_counters_and_histograms_render() -> None:
    before = scrape()
    metrics.count_request("check")
    metrics.count_request("check")
    metrics.count_error("llm_timeout")
    metrics.count_limited("user")
    metrics.record_llm(prompt_tokens=100, completion_tokens=20, seconds=0.7)
    stats = ChecklistStats(analyzer="llm+offline", cache_hits=2, chunks=5, prompt_tokens=10, completion_tokens=3)
    metrics.record_checklist(Checklist(article_id="a", title="t", text_length=1, items=[], stats=stats), 1.5)
    after = scrape()

    def delta(key: str) -> float:
        return after.get(key, 0.0) - before.get(key, 0.0)

    assert delta("factcheck_requests_total{kind=check}") == 2
    assert delta("factcheck_errors_total{kind=llm_timeout}") == 1
    assert delta("factcheck_limited_total{limit=user}") == 1
    assert delta("factcheck_checks_total{analyzer=llm+offline,outcome=ok}") == 1
    assert delta("factcheck_cache_hits_total{}") == 2 and delta("factcheck_cache_units_total{}") == 5
    assert delta("factcheck_llm_tokens_total{type=prompt}") == 100
    assert delta("factcheck_llm_tokens_total{type=completion}") == 20
    assert delta("factcheck_llm_request_seconds_count{}") == 1
    assert delta("factcheck_llm_request_seconds_bucket{le=1.0}") == 1
    assert delta("factcheck_check_seconds_count{}") == 1


def test_queue_depth_is_read_from_redis_at_scrape_time(redis_client: redis.Redis) -> None:
    queue = RQJobQueue(redis_client)
    metrics.track_queue_depth(queue.depth)
    try:
        assert scrape()["factcheck_queue_depth{}"] == 0
        queue.submit(Job(kind="check", job_id="m1", channel="C1", user="U1", text="x"))
        queue.submit(Job(kind="check", job_id="m2", channel="C1", user="U1", text="x"))
        assert scrape()["factcheck_queue_depth{}"] == 2
    finally:
        metrics.track_queue_depth(None)
    assert math.isnan(scrape()["factcheck_queue_depth{}"])


def test_queue_depth_unknown_when_redis_fails() -> None:
    def broken() -> int:
        raise redis.ConnectionError("down")

    metrics.track_queue_depth(broken)
    try:
        assert math.isnan(scrape()["factcheck_queue_depth{}"])  # the scrape itself still works
    finally:
        metrics.track_queue_depth(None)


def test_metered_analyzer_times_requests_and_counts_tokens() -> None:
    inner = ScriptedAnalyzer()
    spent: list[int] = []
    metered = metrics.MeteredAnalyzer(inner, on_tokens=spent.append)
    assert (metered.name, metered.cache_identity, metered.model) == ("llm", "scripted:v1", "scripted-model")
    before = scrape()
    text = "The minister said 40,000 people came."
    result = metered.analyze(text)
    assert result.findings and inner.calls == [text]
    failing = metrics.MeteredAnalyzer(ScriptedAnalyzer(fail_with=AnalyzerError("timeout", "slow")), spent.append)
    with pytest.raises(AnalyzerError):
        failing.analyze(text)
    after = scrape()

    def delta(key: str) -> float:
        return after.get(key, 0.0) - before.get(key, 0.0)

    assert spent == [len(text) // 4 + 10]
    assert delta("factcheck_llm_request_seconds_count{}") == 2
    assert delta("factcheck_llm_tokens_total{type=completion}") == 10
    assert delta("factcheck_errors_total{kind=llm_timeout}") == 1


def test_engine_runs_with_a_metered_analyzer(redis_client: redis.Redis) -> None:
    from bot.cache import AnalysisCache
    from bot.engine import Engine

    spent: list[int] = []
    engine = Engine(metrics.MeteredAnalyzer(ScriptedAnalyzer(), spent.append), cache=AnalysisCache(redis_client, 60))
    checklist = engine.check("Title\n\nThe minister said 40,000 people came.\n\nOfficials said it may cost $3 billion.")
    assert checklist.items and checklist.stats.analyzer == "llm"
    assert sum(spent) == checklist.stats.prompt_tokens + checklist.stats.completion_tokens
