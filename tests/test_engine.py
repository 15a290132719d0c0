"""The engine over a real Redis, with analyzers that implement the engine's own interface."""

from __future__ import annotations

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from bot.analyzers.base import AnalyzerError
from bot.analyzers.offline import OfflineAnalyzer
from bot.cache import AnalysisCache
from bot.engine import CheckFailed, Engine
from bot.models import Finding
from tests.helpers import ScriptedAnalyzer, sentence_findings

PARAGRAPHS = [
    f"Paragraph {i}: officials said {100 + i} trucks crossed the border at Velmora on day {i}." for i in range(20)
]
ARTICLE = "Trucks cross the border\n" + "\n".join(PARAGRAPHS)


def engine_for(analyzer, client: redis.Redis | None, **kwargs) -> Engine:
    cache = AnalysisCache(client, ttl_seconds=60) if client is not None else None
    return Engine(analyzer, cache=cache, **kwargs)


def assert_grounded(text: str, checklist) -> None:
    for item in checklist.items:
        assert text[item.start : item.end] == item.quote
        for hedge in item.hedges:
            assert text[hedge.start : hedge.end] == hedge.text
        if item.kind == "source" and item.source:
            assert text[item.source.start : item.source.end] == item.source.text


def test_items_are_grounded_numbered_and_ordered(redis_client):
    checklist = engine_for(ScriptedAnalyzer(), redis_client).check(ARTICLE)
    assert checklist.stats.items == len(checklist.items) > 20
    assert [i.number for i in checklist.items] == list(range(1, len(checklist.items) + 1))
    assert [i.start for i in checklist.items] == sorted(i.start for i in checklist.items)
    assert_grounded(ARTICLE, checklist)


def test_hallucinated_quotes_are_dropped_and_counted(redis_client):
    def respond(text: str) -> list[Finding]:
        invented = Finding(kind="claim", quote="The minister resigned in disgrace on Friday", basis="unsourced")
        return [*sentence_findings(text), invented, invented.model_copy(update={"quote": "he"})]

    checklist = engine_for(ScriptedAnalyzer(respond), redis_client).check(ARTICLE)
    assert checklist.stats.dropped_ungrounded == 2
    assert all("minister" not in i.quote for i in checklist.items)


def test_repeated_article_makes_no_analyzer_call(redis_client):
    analyzer = ScriptedAnalyzer()
    engine = engine_for(analyzer, redis_client)
    first = engine.check(ARTICLE)
    calls = len(analyzer.calls)
    second = engine.check(ARTICLE)
    assert len(analyzer.calls) == calls
    assert second.stats.article_cache_hit and second.stats.llm_requests == 0
    assert [i.model_dump() for i in second.items] == [i.model_dump() for i in first.items]


def test_edited_paragraph_sends_only_that_paragraph(redis_client):
    analyzer = ScriptedAnalyzer()
    engine = engine_for(analyzer, redis_client)
    engine.check(ARTICLE)
    analyzer.calls.clear()
    edited = ARTICLE.replace("on day 7.", "on day 7, the ministry said.")
    checklist = engine.check(edited)
    assert len(analyzer.calls) == 1
    assert analyzer.calls[0] == PARAGRAPHS[7].replace("on day 7.", "on day 7, the ministry said.")
    assert checklist.stats.cache_hits == checklist.stats.chunks - 1
    assert_grounded(edited, checklist)


def test_reflowed_whitespace_is_served_from_unit_cache(redis_client):
    analyzer = ScriptedAnalyzer()
    engine = engine_for(analyzer, redis_client)
    engine.check(ARTICLE)
    analyzer.calls.clear()
    reflowed = ARTICLE.replace("officials said", "officials  said")
    checklist = engine.check(reflowed)
    assert analyzer.calls == []
    assert not checklist.stats.article_cache_hit
    assert_grounded(reflowed, checklist)


def test_new_cache_identity_does_not_reuse_results(redis_client):
    engine_for(ScriptedAnalyzer(identity="llm:a:v1"), redis_client).check(ARTICLE)
    other = ScriptedAnalyzer(identity="llm:a:v2")
    engine_for(other, redis_client).check(ARTICLE)
    assert other.calls


def test_batches_run_concurrently_within_the_bound(redis_client):
    analyzer = ScriptedAnalyzer(delay=0.05)
    engine = engine_for(analyzer, redis_client, concurrency=3, batch_chars=250)
    checklist = engine.check(ARTICLE)
    assert len(analyzer.calls) > 3
    assert analyzer.max_in_flight == 3
    assert checklist.stats.llm_requests == len(analyzer.calls)


def test_failure_falls_back_to_offline_and_says_why(redis_client):
    failing = ScriptedAnalyzer(fail_with=AnalyzerError("rate_limit", "rate limited after 4 attempts"))
    engine = Engine(failing, fallback=OfflineAnalyzer(), cache=AnalysisCache(redis_client, 60), batch_chars=600)
    checklist = engine.check(ARTICLE)
    assert checklist.stats.analyzer == "offline"
    assert checklist.stats.fallback_reason == "rate_limit: rate limited after 4 attempts"
    assert len(failing.calls) == 1  # the circuit opens: later batches go straight to the fallback
    assert checklist.items
    assert_grounded(ARTICLE, checklist)
    # A fallback checklist is not cached as the LLM's: the next check asks the LLM again.
    recovered = ScriptedAnalyzer()
    again = Engine(recovered, fallback=OfflineAnalyzer(), cache=AnalysisCache(redis_client, 60)).check(ARTICLE)
    assert recovered.calls and again.stats.analyzer == "llm"


def test_failure_without_fallback_raises(redis_client):
    failing = ScriptedAnalyzer(fail_with=AnalyzerError("auth", "bad key"))
    try:
        engine_for(failing, redis_client).check(ARTICLE)
    except CheckFailed as exc:
        assert "bad key" in str(exc)
    else:
        raise AssertionError("expected CheckFailed")


def test_redis_down_still_checks():
    dead = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
    analyzer = ScriptedAnalyzer()
    checklist = engine_for(analyzer, dead).check(ARTICLE)
    assert checklist.items and analyzer.calls


def test_duplicate_findings_collapse(redis_client):
    def respond(text: str) -> list[Finding]:
        found = sentence_findings(text)
        return found + [f.model_copy(update={"priority": "low"}) for f in found]

    single = engine_for(ScriptedAnalyzer(), None).check(ARTICLE)
    doubled = engine_for(ScriptedAnalyzer(respond), redis_client).check(ARTICLE)
    assert len(doubled.items) == len(single.items)


def test_offline_result_does_not_depend_on_the_llm_section_size(redis_client):
    # Issue #12: 21 items at FACTCHECK_BATCH_CHARS=500, 19 at the default. The offline analyzer runs
    # on its own fixed sections, as the primary and when it stands in for a failed LLM.
    from tests.conftest import EXAMPLES

    for path in sorted(EXAMPLES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")

        def spans(checklist):
            return [(i.kind, i.start, i.end, i.priority) for i in checklist.items]

        alone = {size: spans(Engine(OfflineAnalyzer(), batch_chars=size).check(text)) for size in (500, 8_000)}
        assert alone[500] == alone[8_000], path.name
        for size in (500, 8_000):
            failing = ScriptedAnalyzer(fail_with=AnalyzerError("timeout", "no answer"))
            stood_in = Engine(failing, fallback=OfflineAnalyzer(), batch_chars=size).check(text)
            assert spans(stood_in) == alone[8_000], (path.name, size)
            assert stood_in.stats.analyzer == "offline" and stood_in.stats.fallback_sections >= 1


def test_a_cut_off_section_is_asked_in_halves_and_only_the_half_still_cut_off_falls_back(redis_client):
    text = "\n\n".join(PARAGRAPHS[:4])

    def respond(section: str) -> list[Finding]:
        if "day 3" in section:  # this paragraph's answer never fits its limit
            raise AnalyzerError("truncated", "The model's answer was cut off at its output limit")
        return sentence_findings(section)

    analyzer = ScriptedAnalyzer(respond)
    checklist = Engine(analyzer, fallback=OfflineAnalyzer(), cache=AnalysisCache(redis_client, 60)).check(text)
    assert len(analyzer.calls) == 3  # the section, then each half once
    stats = checklist.stats
    assert (stats.analyzer, stats.split_sections, stats.fallback_sections) == ("llm+offline", 1, 1)
    assert stats.fallback_reason.startswith("truncated: The model's answer was cut off")
    assert_grounded(text, checklist)
    cut_off = text.index(PARAGRAPHS[2])
    assert any(i.start < cut_off for i in checklist.items) and any(i.start >= cut_off for i in checklist.items)
    # The answered half was cached as the LLM's; the check as a whole was not.
    analyzer.calls.clear()
    again = Engine(analyzer, fallback=OfflineAnalyzer(), cache=AnalysisCache(redis_client, 60)).check(text)
    assert analyzer.calls == [PARAGRAPHS[2] + "\n\n" + PARAGRAPHS[3], PARAGRAPHS[2], PARAGRAPHS[3]]
    assert again.stats.cache_hits == 2 and again.stats.fallback_sections == 1
