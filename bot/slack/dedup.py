"""At-most-once gates in Redis: Slack retries deliveries, several editors react to one message."""

from __future__ import annotations

import redis

EVENT_TTL_SECONDS = 3600  # Slack's last retry comes ~5 min after the first delivery; an hour is ample
REACTION_TTL_SECONDS = 600  # covers the editors who react while the first check runs; state covers later ones
COMMAND_TTL_SECONDS = 3600


def first_delivery(client: redis.Redis, key: str, ttl: int) -> bool:
    """True the first time ``key`` is seen within ``ttl`` seconds (``SET NX EX``: atomic across processes).

    Only duplicates are dropped: a retry whose first delivery never arrived finds no key and passes.
    """
    return bool(client.set(f"fc:dedup:{key}", b"1", nx=True, ex=ttl))


def forget(client: redis.Redis, key: str) -> None:
    """Let a later delivery through again (the first one could not be handed off)."""
    client.delete(f"fc:dedup:{key}")
