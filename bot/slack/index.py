"""Who started which checklist, who owns items where, and which stories each channel has: the index App Home
reads. Every key of the family is spelled here:

- ``fc:idx:started:{user}``: a sorted set of checklist ids the user asked for, by time.
- ``fc:idx:owner:{user}``: a sorted set of checklist ids where the user was assigned an item, by time.
- ``fc:idx:channel:{channel}``: a sorted set of the channel's checklist ids, by time.

Members whose thread has expired are dropped when read. The sets expire with the state (``ttl``; 0 keeps).
"""

from __future__ import annotations

import time

import redis

from bot import store

MAX_READ = 50  # newest first; App Home shows fewer


def _key(family: str, ident: str) -> str:
    return f"fc:idx:{family}:{ident}"


class Index:
    def __init__(self, client: redis.Redis, ttl: int) -> None:
        self.redis = client
        self.ttl = ttl

    def _add(self, *pairs: tuple[str, str, str]) -> None:
        now = time.time()
        pipe = self.redis.pipeline(transaction=True)
        for family, ident, checklist_id in pairs:
            pipe.zadd(_key(family, ident), {checklist_id: now})
            if self.ttl:
                pipe.expire(_key(family, ident), self.ttl)
        pipe.execute()

    def thread_started(self, checklist_id: str, channel: str, user: str) -> None:
        self._add(("started", user, checklist_id), ("channel", channel, checklist_id))

    def item_assigned(self, checklist_id: str, user: str) -> None:
        self._add(("owner", user, checklist_id))

    def _read(self, family: str, ident: str) -> list[str]:
        raw = self.redis.zrevrange(_key(family, ident), 0, MAX_READ - 1)
        return [store.text(v) for v in raw]

    def started(self, user: str) -> list[str]:
        return self._read("started", user)

    def owned(self, user: str) -> list[str]:
        return self._read("owner", user)

    def in_channel(self, channel: str) -> list[str]:
        return self._read("channel", channel)

    def forget(self, checklist_id: str, user: str | None = None, channel: str | None = None) -> None:
        """Drop an expired thread from the sets it was read from."""
        pipe = self.redis.pipeline(transaction=False)
        if user:
            pipe.zrem(_key("started", user), checklist_id)
            pipe.zrem(_key("owner", user), checklist_id)
        if channel:
            pipe.zrem(_key("channel", channel), checklist_id)
        pipe.execute()
