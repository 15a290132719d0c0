"""The way in for work: at-most-once gates in Redis, and the admission of a job to the queue.

Slack retries deliveries and several editors react to one message: ``Dedup``'s named gates (command,
reaction, event) let the first through. ``admit`` is the one sequence a listener follows to start a
job: gate -> limit -> submit; when it cannot go on, the gate is released and the requester is told.
Every dedup key (``fc:dedup:...``) is spelled here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import redis

from bot import metrics
from bot.jobs.model import Job, QueueFull
from bot.slack.services import Services

DEDUP_PREFIX = "fc:dedup"
EVENT_TTL_SECONDS = 3600  # Slack's last retry comes ~5 min after the first delivery; an hour is ample
REACTION_TTL_SECONDS = 600  # covers the editors who react while the first check runs; state covers later ones
COMMAND_TTL_SECONDS = 3600


@dataclass(frozen=True)
class Gate:
    """One at-most-once gate: ``enter`` is True for the first delivery within ``ttl`` seconds."""

    client: redis.Redis
    key: str
    ttl: int

    def enter(self) -> bool:
        """``SET NX EX``: atomic across processes. Only duplicates are dropped: a retry whose first
        delivery never arrived finds no key and passes."""
        return bool(self.client.set(self.key, b"1", nx=True, ex=self.ttl))

    def release(self) -> None:
        """Let a later delivery through again (the first one could not be handed off)."""
        self.client.delete(self.key)


class Dedup:
    """The named gates: one per slash command, per reacted-to message, per event delivery."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client

    def _gate(self, name: str, ident: str, ttl: int) -> Gate:
        return Gate(self.client, f"{DEDUP_PREFIX}:{name}:{ident}", ttl)

    def command(self, trigger_id: str) -> Gate:
        return self._gate("cmd", trigger_id, COMMAND_TTL_SECONDS)

    def reaction(self, channel: str, ts: str) -> Gate:
        """Several editors reacting to one message get one checklist; reacting again can retry once released."""
        return self._gate("react", f"{channel}:{ts}", REACTION_TTL_SECONDS)

    def event(self, event_id: str) -> Gate:
        return self._gate("evt", event_id, EVENT_TTL_SECONDS)

    def message_job_id(self, channel: str, ts: str) -> str:
        """The check job of a message (reaction or shortcut): ``react-{channel}-{ts}``, then ``-{n}`` after
        the n-th ``retry_message``. A new id because RQ keeps a finished job's id (a duplicate submit is
        ignored) and the state store remembers the old job as done."""
        attempt = self.client.get(f"{DEDUP_PREFIX}:react-retry:{channel}:{ts}")
        suffix = f"-{int(attempt)}" if attempt else ""
        return f"react-{channel}-{ts}{suffix}"

    def retry_message(self, channel: str, ts: str) -> None:
        """The check of this message could not go on (a refused link, an unreadable file, no access):
        reacting again (or the shortcut) starts a new job."""
        key = f"{DEDUP_PREFIX}:react-retry:{channel}:{ts}"
        pipe = self.client.pipeline(transaction=True)
        pipe.incr(key)
        pipe.expire(key, EVENT_TTL_SECONDS * 24)
        pipe.delete(self.reaction(channel, ts).key)
        pipe.execute()


Admission = Literal["queued", "skipped", "refused"]


def admit(
    services: Services,
    job: Job,
    *,
    tell: Callable[[str], None],
    busy: str,
    gate: Gate | None = None,
    limited: bool = False,
    wanted: Callable[[], bool] | None = None,
) -> Admission:
    """Hand ``job`` to the queue: gate -> limit -> submit.

    - ``gate``: a delivery already let through -> "skipped", nothing said;
    - ``wanted`` (asked once the gate is passed) says no -> "skipped", the gate stays closed;
    - ``limited`` and a limit refuses, or the queue is full (``busy``) -> the gate is released (trying
      again later works), ``tell`` gives the requester the reason -> "refused".
    """
    if gate is not None and not gate.enter():
        return "skipped"
    if wanted is not None and not wanted():
        return "skipped"
    if limited:
        decision = services.limits.check_request(job.user, job.channel)
        if not decision.allowed:
            metrics.count_limited(decision.limit)
            return _refuse(gate, tell, decision.message)
    try:
        services.queue.submit(job)
    except QueueFull:
        return _refuse(gate, tell, busy)
    return "queued"


def _refuse(gate: Gate | None, tell: Callable[[str], None], text: str) -> Admission:
    if gate is not None:
        gate.release()
    tell(text)
    return "refused"
