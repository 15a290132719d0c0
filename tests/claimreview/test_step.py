"""find_prior_checks end to end: stand-in over HTTP, real Redis, the checklist always comes back."""

from __future__ import annotations

import logging

from bot.claimreview import find_prior_checks
from bot.claimreview.cache import PREFIX
from bot.config import Settings
from standins.claimreview import Scripted, fact_check
from tests.claimreview.conftest import API_KEY, checklist, claim, settings_for

STRIKE = "Officials told the Herald the strike could cost the national economy as much as $40 million a day."
STRIKE_CORE = "the strike could cost the national economy as much as $40 million a day"
TRUE_CHECK = fact_check(
    "Velmora dock strike costs the economy $40 million a day",
    publisher="Velmora Fact Desk",
    url="https://factdesk.example/strike-cost",
    rating="Half true",
    review_date="2026-11-30T00:00:00Z",
)
NEAR_MISS = fact_check(
    "Floods could cost the national economy $40 million in repairs", url="https://factdesk.example/floods"
)


def test_off_without_a_key_makes_no_request(standin):
    result = find_prior_checks(checklist(claim(1, STRIKE)), Settings(claimreview_url=standin.url))
    assert result.stats.prior_checks == "off"
    assert standin.requests == []


def test_true_match_shown_near_miss_rejected(standin, redis_client):
    standin.claims = [NEAR_MISS, TRUE_CHECK]
    original = checklist(claim(1, STRIKE, text=STRIKE_CORE))
    result = find_prior_checks(original, settings_for(standin), redis_client=redis_client)
    assert result.stats.prior_checks == "done"
    [check] = result.items[0].prior_checks
    assert check.model_dump() == {
        "publisher": "Velmora Fact Desk",
        "url": "https://factdesk.example/strike-cost",
        "rating": "Half true",
        "review_date": "2026-11-30T00:00:00Z",
        "claim_text": "Velmora dock strike costs the economy $40 million a day",
    }
    assert original.items[0].prior_checks == []  # a new checklist, the given one untouched
    query = standin.requests[0].params["query"]
    assert query == "strike cost national economy $40 million"  # the claim's core, not the sentence
    assert "Herald" not in query and standin.requests[0].params["languageCode"] == "en"


def test_no_results(standin, redis_client):
    result = find_prior_checks(checklist(claim(1, STRIKE)), settings_for(standin), redis_client=redis_client)
    assert result.stats.prior_checks == "done" and result.items[0].prior_checks == []
    assert len(standin.requests) == 1


def test_only_high_and_medium_claims_are_searched(standin):
    items = [claim(1, STRIKE, "low"), claim(2, "Unemployment fell to 4.1 per cent in Velmora.", "medium")]
    find_prior_checks(checklist(*items), settings_for(standin))
    assert [r.params["query"] for r in standin.requests] == ["Unemployment fell 4.1 per cent Velmora"]


def test_429_then_success(standin):
    standin.claims = [TRUE_CHECK]
    standin.script(Scripted.rate_limited(retry_after="0"))
    result = find_prior_checks(checklist(claim(1, STRIKE_CORE)), settings_for(standin))
    assert result.stats.prior_checks == "done"
    assert [c.publisher for c in result.items[0].prior_checks] == ["Velmora Fact Desk"]
    assert len(standin.requests) == 2


def test_timeout_the_checklist_still_comes_with_the_note(standin, caplog):
    standin.claims = [TRUE_CHECK]
    standin.script(Scripted.stall(5), Scripted.stall(5))
    settings = settings_for(standin, claimreview_timeout_seconds=0.5, claimreview_deadline_seconds=1.0)
    original = checklist(claim(1, STRIKE_CORE), claim(2, "Unemployment fell to 4.1 per cent in Velmora."))
    result = find_prior_checks(original, settings)
    assert result.stats.prior_checks.startswith("failed: ")
    assert "no answer within" in result.stats.prior_checks
    assert [i.quote for i in result.items] == [i.quote for i in original.items]
    assert all(i.prior_checks == [] for i in result.items)
    assert all(API_KEY not in r.getMessage() for r in caplog.records)


def test_one_failed_search_keeps_the_others_matches(standin):
    standin.claims = [TRUE_CHECK]
    standin.script(Scripted.error(400, "Request contains an invalid argument."))
    settings = settings_for(standin, claimreview_concurrency=1)
    items = [claim(1, "Unemployment fell to 4.1 per cent in Velmora."), claim(2, STRIKE_CORE)]
    result = find_prior_checks(checklist(*items), settings)
    assert result.stats.prior_checks == (
        "failed: 1 of 2 searches failed (HTTP 400: Request contains an invalid argument.)"
    )
    assert [c.publisher for c in result.items[1].prior_checks] == ["Velmora Fact Desk"]


def test_cached_repeat_makes_no_request(standin, redis_client):
    standin.claims = [TRUE_CHECK]
    settings = settings_for(standin)
    first = find_prior_checks(checklist(claim(1, STRIKE_CORE)), settings, redis_client=redis_client)
    assert len(standin.requests) == 1
    second = find_prior_checks(checklist(claim(1, STRIKE_CORE)), settings, redis_client=redis_client)
    assert len(standin.requests) == 1
    assert second.items[0].prior_checks == first.items[0].prior_checks != []
    [key] = redis_client.keys(f"{PREFIX}:search:*")
    assert 0 < redis_client.ttl(key) <= 24 * 3600
    assert API_KEY.encode() not in redis_client.get(key)


def test_cache_ttl_setting(standin, redis_client):
    settings = settings_for(standin, claimreview_cache_ttl_seconds=60)
    find_prior_checks(checklist(claim(1, STRIKE_CORE)), settings, redis_client=redis_client)
    [key] = redis_client.keys(f"{PREFIX}:search:*")
    assert 0 < redis_client.ttl(key) <= 60


def test_second_page_when_the_first_has_too_few_matches(standin):
    unrelated = [fact_check(f"The strike ended on day {n}", url=f"https://x.example/{n}") for n in range(10)]
    standin.claims = [*unrelated, TRUE_CHECK]
    result = find_prior_checks(checklist(claim(1, STRIKE_CORE)), settings_for(standin))
    assert [r.params.get("pageToken") for r in standin.requests] == [None, "10"]
    assert [c.publisher for c in result.items[0].prior_checks] == ["Velmora Fact Desk"]


def test_redis_down_is_only_a_miss(standin, caplog):
    import redis

    dead = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
    standin.claims = [TRUE_CHECK]
    caplog.set_level(logging.WARNING)
    result = find_prior_checks(checklist(claim(1, STRIKE_CORE)), settings_for(standin), redis_client=dead)
    assert result.stats.prior_checks == "done" and result.items[0].prior_checks
