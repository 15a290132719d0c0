"""Analysis results in Redis, per paragraph unit and per article.

Keys hold a hash of the normalized text and of the analyzer's identity (analyzer, model, prompt or
rules version, endpoint): a new prompt version or model never serves stale results. A unit's entry
holds its findings with offsets relative to the unit, so the same paragraph in an edited article is
served from the cache wherever it now stands.

The cache is an optimisation: if Redis fails, reads miss and writes are skipped, and the check goes on.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass

import redis
from pydantic import ValidationError

from bot.models import Checklist, Finding
from bot.text import fingerprint

log = logging.getLogger(__name__)

PREFIX = "fc:cache:v2"  # v2: claims carry their attribution (entries of v1 lack it)


@dataclass
class UnitResult:
    findings: list[Finding]
    dropped: int = 0  # analyzer items for this unit that could not be grounded


def _identity_hash(identity: str) -> str:
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()[:16]


class AnalysisCache:
    def __init__(self, client: redis.Redis, ttl_seconds: int) -> None:
        self.client = client
        self.ttl = ttl_seconds

    def unit_key(self, identity: str, unit_text: str) -> str:
        return f"{PREFIX}:unit:{_identity_hash(identity)}:{fingerprint(unit_text)}"

    def article_key(self, identity: str, text: str) -> str:
        # The exact text, not the normalized one: a stored checklist's offsets point into this text.
        exact = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return f"{PREFIX}:article:{_identity_hash(identity)}:{exact}"

    def get_units(self, identity: str, texts: list[str]) -> list[UnitResult | None]:
        if not texts:
            return []
        try:
            raw = self.client.mget([self.unit_key(identity, t) for t in texts])
        except redis.RedisError as exc:
            log.warning("cache read failed, analyzing without cache: %s", exc)
            return [None] * len(texts)
        return [self._decode_unit(value) for value in raw]

    @staticmethod
    def _decode_unit(value: bytes | None) -> UnitResult | None:
        if value is None:
            return None
        try:
            data = json.loads(value)
            return UnitResult([Finding.model_validate(f) for f in data["f"]], int(data.get("d", 0)))
        except (ValueError, KeyError, TypeError, ValidationError):
            return None  # an entry from an older layout is a miss, not an error

    def put_units(self, identity: str, entries: list[tuple[str, UnitResult]]) -> None:
        if not entries:
            return
        try:
            with self.client.pipeline(transaction=False) as pipe:
                for text, result in entries:
                    payload = {"f": [f.model_dump(mode="json") for f in result.findings], "d": result.dropped}
                    pipe.set(self.unit_key(identity, text), json.dumps(payload), ex=self.ttl)
                pipe.execute()
        except redis.RedisError as exc:
            log.warning("cache write failed: %s", exc)

    def get_article(self, identity: str, text: str) -> Checklist | None:
        try:
            value = self.client.get(self.article_key(identity, text))
        except redis.RedisError as exc:
            log.warning("cache read failed: %s", exc)
            return None
        if value is None:
            return None
        try:
            return Checklist.model_validate_json(value)
        except ValidationError:
            return None

    def put_article(self, identity: str, text: str, checklist: Checklist) -> None:
        try:
            self.client.set(self.article_key(identity, text), checklist.model_dump_json(), ex=self.ttl)
        except redis.RedisError as exc:
            log.warning("cache write failed: %s", exc)
