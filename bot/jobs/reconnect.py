"""Waiting for Redis with backoff: what a worker loop or an intake mover does when Redis goes away."""

from __future__ import annotations

import logging
import threading

import redis

log = logging.getLogger(__name__)

RECONNECT_FIRST_SECONDS = 0.5  # a loop that lost Redis tries again after this, doubling...
RECONNECT_MAX_SECONDS = 5.0  # ...up to this: Redis back -> work resumes within this long


def wait_for_redis(client: redis.Redis, stop: threading.Event, what: str) -> bool:
    """Ping with backoff until Redis answers (True) or ``stop`` is set (False). Logs each wait."""
    delay = RECONNECT_FIRST_SECONDS
    while not stop.is_set():
        try:
            client.ping()
            return True
        except (redis.RedisError, OSError) as exc:
            log.error("%s: Redis unreachable (%s); trying again in %.1f s", what, type(exc).__name__, delay)
        stop.wait(delay)
        delay = min(delay * 2, RECONNECT_MAX_SECONDS)
    return False
