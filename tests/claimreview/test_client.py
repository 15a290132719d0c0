"""The claims:search client against the stand-in: parameters, retries, errors, and the key never logged."""

from __future__ import annotations

import logging
import time

import pytest

from bot.claimreview.client import ClaimReviewError, ClaimSearchClient, parse_retry_after
from standins.claimreview import Scripted, fact_check
from tests.claimreview.conftest import API_KEY


@pytest.fixture
def client(standin):
    with ClaimSearchClient(standin.url, API_KEY, timeout=1.0, max_attempts=3) as c:
        yield c


def test_sends_query_language_and_key_as_parameters(standin, client):
    standin.claims = [fact_check("Velmora strike cost 40 million euros")]
    page = client.search("Velmora strike", language="en", max_age_days=365, page_size=5)
    assert [c["text"] for c in page.claims] == ["Velmora strike cost 40 million euros"]
    assert page.next_page_token is None
    params = standin.requests[0].params
    assert params == {"query": "Velmora strike", "languageCode": "en", "maxAgeDays": "365", "pageSize": "5",
                      "key": API_KEY}  # fmt: skip
    assert standin.requests[0].path.endswith("/claims:search")


def test_no_results_is_an_empty_page(standin, client):
    page = client.search("nothing like this")
    assert page.claims == [] and page.next_page_token is None


def test_429_then_success_honours_retry_after(standin, client):
    standin.claims = [fact_check("Velmora strike")]
    standin.script(Scripted.rate_limited(retry_after="0"), Scripted.error(503))
    page = client.search("Velmora")
    assert len(page.claims) == 1 and len(standin.requests) == 3


def test_retry_after_in_seconds_or_as_a_date():
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("Thu, 03 Dec 2026 09:00:30 GMT", now=1796288400.0) == pytest.approx(30.0)
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_gives_up_after_max_attempts_with_a_clear_error(standin, client):
    standin.script(*[Scripted.rate_limited(retry_after="0")] * 3)
    with pytest.raises(ClaimReviewError, match=r"rate limited \(HTTP 429\)"):
        client.search("Velmora")
    assert len(standin.requests) == 3


def test_a_retry_that_would_pass_the_deadline_is_not_made(standin, client):
    standin.script(Scripted.rate_limited(retry_after="30"))
    with pytest.raises(ClaimReviewError, match="429"):
        client.search("Velmora", deadline=time.monotonic() + 2)
    assert len(standin.requests) == 1


def test_timeout_is_retried_then_reported(standin, client):
    standin.script(Scripted.stall(3), Scripted.stall(3), Scripted.stall(3))
    with pytest.raises(ClaimReviewError, match=r"no answer within 1\.0 s"):
        client.search("Velmora")


def test_bad_key_fails_at_once_and_the_key_is_never_logged(standin, caplog):
    caplog.set_level(logging.DEBUG)
    secret = "k-wrong-s3cret"
    with ClaimSearchClient(standin.url, secret) as wrong, pytest.raises(ClaimReviewError) as failure:
        wrong.search("Velmora")
    assert str(failure.value) == "HTTP 400: API key not valid. Please pass a valid API key."
    assert len(standin.requests) == 1
    assert caplog.records, "httpx2 logs each request: the filter must have something to redact"
    assert all(secret not in record.getMessage() for record in caplog.records)
    assert any("key=REDACTED" in record.getMessage() for record in caplog.records)
    assert secret not in repr(wrong)
