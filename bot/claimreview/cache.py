"""Search results in Redis: the one key family of prior checks, and its TTL.

A key hashes the endpoint, query, language, age limit and page token (never the API key), so a
stand-in and the real API never share entries. Raw results are stored, not matches: a change of
the matching rule needs no flush. Empty results are cached too (a claim nobody checked stays
unchecked for a day). Like the analysis cache this is an optimisation: Redis errors are misses.
"""

from __future__ import annotations

import hashlib
import json
import logging

import redis

from bot.claimreview.client import SearchPage

log = logging.getLogger(__name__)

PREFIX = "fc:claimreview:v1"
DEFAULT_TTL_SECONDS = 24 * 3600  # FACTCHECK_CLAIMREVIEW_CACHE_TTL

# The fields the step reads; the rest of a result is not worth keeping.
_CLAIM_FIELDS = ("text", "claimant", "claimDate", "claimReview")


def search_key(endpoint: str, query: str, language: str | None, max_age_days: int, page_token: str | None) -> str:
    identity = json.dumps([endpoint, query, language or "", max_age_days, page_token or ""], ensure_ascii=False)
    return f"{PREFIX}:search:{hashlib.sha256(identity.encode('utf-8')).hexdigest()[:32]}"


class SearchCache:
    def __init__(self, client: redis.Redis, ttl_seconds: int = DEFAULT_TTL_SECONDS) -> None:
        self.client = client
        self.ttl = ttl_seconds

    def get(self, key: str) -> SearchPage | None:
        try:
            value = self.client.get(key)
        except redis.RedisError as exc:
            log.warning("claimreview cache read failed: %s", exc)
            return None
        if value is None:
            return None
        try:
            data = json.loads(value)
            return SearchPage(list(data["claims"]), data.get("next"))
        except (ValueError, KeyError, TypeError):
            return None  # another layout: a miss

    def put(self, key: str, page: SearchPage) -> None:
        claims = [{k: c[k] for k in _CLAIM_FIELDS if k in c} for c in page.claims]
        try:
            self.client.set(key, json.dumps({"claims": claims, "next": page.next_page_token}), ex=self.ttl)
        except redis.RedisError as exc:
            log.warning("claimreview cache write failed: %s", exc)
