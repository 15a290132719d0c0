"""Checklist threads in Redis, so the bot picks up where it left off after a restart.

Keys (``{id}`` is the checklist id, ``"{channel}:{thread_ts}"``):
- ``fc:rec:{id}``: the ThreadRecord (JSON). The id *is* the thread, so lookup by thread needs no index.
- ``fc:checklist:{id}``: the current Checklist (JSON); ``fc:article:{id}``: the article text
  (recheck and questions need it).
- ``fc:status:{id}``: a hash, one field per item number. Each click writes only its own field, so two
  editors clicking at once cannot overwrite each other's update.
- ``fc:history:{id}``: a list of HistoryEntry (JSON), oldest first.
- ``fc:job:{job_id}``: the message timestamps a job has posted so far (a rerun reuses them).
- ``fc:rendered:{id}``: a hash, message index -> digest of its last posted blocks (skip no-op updates).
- ``fc:lock:{id}``: the lock that serializes render-and-update of one thread.
- ``fc:owner:{id}``: a hash, item number -> the Slack user id it is assigned to (apart from the status,
  so a click never drops an owner). ``fc:told:{id}:{number}:{user}``: the assignee was told (once).
- ``fc:ready:{id}``: the emoji the publish gate put on the parent message, while it is there.
- ``fc:version:{id}:{n}``: version n as it was when a recheck replaced it (checklist, statuses, owners).
Everything expires ``ttl`` seconds after the last write to the thread (``FACTCHECK_STATE_TTL_DAYS``;
0 keeps it). Every key is spelled by ``_key``.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import redis

from bot import store
from bot.models import Checklist
from bot.slack.records import HistoryEntry, ItemStatus, Status, ThreadRecord
from bot.text import normalize

STATE_TTL_SECONDS = 30 * 24 * 3600  # a story is usually published or dropped within a month
JOB_TTL_SECONDS = 24 * 3600
LOCK_TIMEOUT_SECONDS = 30  # a crashed holder frees the thread after this long
LOCK_WAIT_SECONDS = 20
# A job records each message it posted; if Redis blips right then, losing the record would make the
# rerun post the message again. So the record waits for Redis this long (within a job's heartbeat TTL).
JOB_RECORD_WAIT_SECONDS = 20.0


def _key(family: str, ident: str) -> str:
    """The Redis key of one thread's (or one job's) ``family`` entry: every state key is spelled here."""
    return f"fc:{family}:{ident}"


def checklist_id_for(channel: str, thread_ts: str) -> str:
    return f"{channel}:{thread_ts}"


def _text(value: bytes | str | None) -> str | None:
    return None if value is None else store.text(value)


class StateStore:
    def __init__(self, client: redis.Redis, ttl: int = STATE_TTL_SECONDS) -> None:
        self.redis = client
        self.ttl = ttl  # seconds; 0 = keep for good

    @property
    def _ex(self) -> int | None:
        return self.ttl or None

    def _expire(self, pipe: redis.client.Pipeline, *keys: str) -> None:
        if self.ttl:
            for key in keys:
                pipe.expire(key, self.ttl)

    # -- records -------------------------------------------------------------------------------
    def get_record(self, checklist_id: str) -> ThreadRecord | None:
        raw = _text(self.redis.get(_key("rec", checklist_id)))
        return ThreadRecord.model_validate_json(raw) if raw else None

    def record_for_thread(self, channel: str, thread_ts: str) -> ThreadRecord | None:
        return self.get_record(checklist_id_for(channel, thread_ts))

    def save_record(self, record: ThreadRecord) -> None:
        self.redis.set(_key("rec", record.checklist_id), record.model_dump_json(), ex=self._ex)

    def save_checklist(
        self, record: ThreadRecord, checklist: Checklist, article: str, statuses: dict[int, ItemStatus]
    ) -> None:
        """Store a (re)checked thread in one transaction: a reader never sees new items with old statuses."""
        cid = record.checklist_id
        pipe = self.redis.pipeline(transaction=True)
        pipe.set(_key("rec", cid), record.model_dump_json(), ex=self._ex)
        pipe.set(_key("checklist", cid), checklist.model_dump_json(), ex=self._ex)
        pipe.set(_key("article", cid), article, ex=self._ex)
        pipe.delete(_key("status", cid), _key("rendered", cid))
        if statuses:
            pipe.hset(_key("status", cid), mapping={str(n): s.model_dump_json() for n, s in statuses.items()})
            self._expire(pipe, _key("status", cid))
        pipe.execute()

    def replace_checklist(self, checklist_id: str, checklist: Checklist) -> None:
        """The same checklist, enriched (prior fact-checks): statuses and history stay as they are."""
        self.redis.set(_key("checklist", checklist_id), checklist.model_dump_json(), ex=self.ttl, xx=True)

    def get_checklist(self, checklist_id: str) -> Checklist | None:
        raw = _text(self.redis.get(_key("checklist", checklist_id)))
        return Checklist.model_validate_json(raw) if raw else None

    def get_article(self, checklist_id: str) -> str | None:
        return _text(self.redis.get(_key("article", checklist_id)))

    # -- statuses and history ------------------------------------------------------------------
    def statuses(self, checklist_id: str) -> dict[int, ItemStatus]:
        raw = self.redis.hgetall(_key("status", checklist_id))
        return {int(_text(k) or 0): ItemStatus.model_validate_json(_text(v) or "{}") for k, v in raw.items()}

    def set_status(
        self, checklist_id: str, numbers: list[int], status: Status, user: str, note: str | None = None
    ) -> None:
        now = time.time()
        value = ItemStatus(status=status, by=user, at=now, note=note)
        key = _key("status", checklist_id)
        pipe = self.redis.pipeline(transaction=True)
        pipe.hset(key, mapping={str(n): value.model_dump_json() for n in numbers})
        self._expire(pipe, key)
        pipe.execute()

    def add_history(self, checklist_id: str, entry: HistoryEntry) -> None:
        key = _key("history", checklist_id)
        pipe = self.redis.pipeline(transaction=True)
        pipe.rpush(key, entry.model_dump_json())
        self._expire(pipe, key)
        pipe.execute()

    def history(self, checklist_id: str) -> list[HistoryEntry]:
        return [
            HistoryEntry.model_validate_json(_text(v) or "{}")
            for v in self.redis.lrange(_key("history", checklist_id), 0, -1)
        ]

    # -- idempotent jobs -----------------------------------------------------------------------
    def job_get(self, job_id: str) -> dict[str, str]:
        raw = self.redis.hgetall(_key("job", job_id))
        return {_text(k) or "": _text(v) or "" for k, v in raw.items()}

    def job_set(self, job_id: str, **fields: str) -> None:
        """Record what a job did (idempotent): waits up to ``JOB_RECORD_WAIT_SECONDS`` for a lost Redis."""
        deadline = time.monotonic() + JOB_RECORD_WAIT_SECONDS
        delay = 0.2
        while True:
            try:
                pipe = self.redis.pipeline(transaction=True)
                pipe.hset(_key("job", job_id), mapping=fields)
                pipe.expire(_key("job", job_id), JOB_TTL_SECONDS)
                pipe.execute()
                return
            except (redis.ConnectionError, redis.TimeoutError):
                if time.monotonic() + delay > deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 2.0)

    # -- rendered digests: skip chat.update calls that would change nothing ----------------------
    def rendered_changed(self, checklist_id: str, index: int, blocks: list[dict]) -> bool:
        digest = hashlib.sha256(json.dumps(blocks, sort_keys=True).encode()).hexdigest()[:32]
        key = _key("rendered", checklist_id)
        old = _text(self.redis.hget(key, str(index)))
        return old != digest

    def mark_rendered(self, checklist_id: str, index: int, blocks: list[dict]) -> None:
        digest = hashlib.sha256(json.dumps(blocks, sort_keys=True).encode()).hexdigest()[:32]
        key = _key("rendered", checklist_id)
        pipe = self.redis.pipeline(transaction=True)
        pipe.hset(key, str(index), digest)
        self._expire(pipe, key)
        pipe.execute()

    @contextmanager
    def thread_lock(self, checklist_id: str) -> Iterator[None]:
        """Serialize render-and-update of one thread: without it a slow updater could post stale statuses
        over a newer render."""
        lock = self.redis.lock(
            _key("lock", checklist_id), timeout=LOCK_TIMEOUT_SECONDS, blocking_timeout=LOCK_WAIT_SECONDS
        )
        acquired = lock.acquire()
        try:
            yield
        finally:
            if acquired:
                with suppress(redis.exceptions.LockError):  # expired while we worked: nothing to release
                    lock.release()

    # -- the desk: owners, the publish gate, earlier versions --------------------------------------
    def _touch(self, pipe: redis.client.Pipeline, checklist_id: str) -> None:
        """Work on a thread keeps all of it: the record lasts ``ttl`` after the last change, not the first."""
        families = ("rec", "checklist", "article", "status", "history", "owner", "ready")
        self._expire(pipe, *(_key(f, checklist_id) for f in families))

    def owners(self, checklist_id: str) -> dict[int, str]:
        raw = self.redis.hgetall(_key("owner", checklist_id))
        return {int(_text(k) or 0): _text(v) or "" for k, v in raw.items()}

    def set_owner(self, checklist_id: str, numbers: list[int], user: str | None) -> None:
        """Assign ``numbers`` to ``user``; ``None`` unassigns them."""
        key = _key("owner", checklist_id)
        pipe = self.redis.pipeline(transaction=True)
        if user:
            pipe.hset(key, mapping={str(n): user for n in numbers})
        else:
            pipe.hdel(key, *(str(n) for n in numbers))
        self._touch(pipe, checklist_id)
        pipe.execute()

    def replace_owners(self, checklist_id: str, owners: dict[int, str]) -> None:
        key = _key("owner", checklist_id)
        pipe = self.redis.pipeline(transaction=True)
        pipe.delete(key)
        if owners:
            pipe.hset(key, mapping={str(n): u for n, u in owners.items()})
            self._expire(pipe, key)
        pipe.execute()

    def first_telling(self, checklist_id: str, number: int, user: str) -> bool:
        """True once per (item, assignee): whoever is assigned is told once, not at every re-assignment."""
        return bool(self.redis.set(_key("told", f"{checklist_id}:{number}:{user}"), "1", nx=True, ex=self._ex))

    def mark_ready(self, checklist_id: str, emoji: str) -> bool:
        """The gate opened with ``emoji``; True only for the caller that opened it (it adds the reaction)."""
        return bool(self.redis.set(_key("ready", checklist_id), emoji, nx=True, ex=self._ex))

    def clear_ready(self, checklist_id: str) -> str | None:
        """The gate closed: the emoji to take off again, for the one caller that closed it."""
        pipe = self.redis.pipeline(transaction=True)
        pipe.get(_key("ready", checklist_id))
        pipe.delete(_key("ready", checklist_id))
        emoji, deleted = pipe.execute()
        return _text(emoji) if deleted else None

    def save_version(self, checklist_id: str, version: int, snapshot: str) -> None:
        """Keep version ``version`` (JSON) when a recheck replaces it: its history stays reachable."""
        self.redis.set(_key("version", f"{checklist_id}:{version}"), snapshot, ex=self._ex)

    def get_version(self, checklist_id: str, version: int) -> str | None:
        return _text(self.redis.get(_key("version", f"{checklist_id}:{version}")))


def quote_key(kind: str, quote: str) -> tuple[str, str]:
    return kind, normalize(quote).casefold()


def carry_statuses(old: Checklist, old_statuses: dict[int, ItemStatus], new: Checklist) -> dict[int, ItemStatus]:
    """Statuses of items whose quote (normalized) and kind survive a recheck, renumbered to the new items."""
    by_quote: dict[tuple[str, str], ItemStatus] = {}
    for item in old.items:
        status = old_statuses.get(item.number)
        if status is not None and status.status != "open":
            by_quote.setdefault(quote_key(item.kind, item.quote), status)
    carried: dict[int, ItemStatus] = {}
    for item in new.items:
        status = by_quote.get(quote_key(item.kind, item.quote))
        if status is not None:
            carried[item.number] = status
    return carried


def carry_owners(old: Checklist, old_owners: dict[int, str], new: Checklist) -> dict[int, str]:
    """Owners of items whose quote and kind survive a recheck, renumbered like ``carry_statuses``."""
    by_quote = {quote_key(i.kind, i.quote): old_owners[i.number] for i in old.items if i.number in old_owners}
    return {i.number: by_quote[k] for i in new.items if (k := quote_key(i.kind, i.quote)) in by_quote}


def recheck_changes(old: Checklist, new: Checklist) -> tuple[list[int], list[int]]:
    """(numbers of new items with a quote the old version did not have, old numbers of items now gone)."""
    old_keys = {quote_key(i.kind, i.quote) for i in old.items}
    new_keys = {quote_key(i.kind, i.quote) for i in new.items}
    added = [i.number for i in new.items if quote_key(i.kind, i.quote) not in old_keys]
    gone = [i.number for i in old.items if quote_key(i.kind, i.quote) not in new_keys]
    return added, gone
