"""The way in for work: at-most-once gates in Redis, and the admission of a job to the queue.

Slack retries deliveries and several editors react to one message: ``Dedup``'s named gates (command,
reaction, event) let the first through. ``admit`` is the one sequence a listener follows to start a
job: gate -> limit -> submit; when it cannot go on, the gate is released and the requester is told.
Every dedup key (``fc:dedup:...``) is spelled here and nowhere else.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import redis
from redis.commands.core import Script

from bot import metrics, store
from bot.jobs.model import Job, QueueFull
from bot.jobs.queue import INTAKE_PUSH_FUNCTION
from bot.limits import SLIDING_WINDOW_FUNCTION
from bot.slack.services import Services

log = logging.getLogger(__name__)

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

# Gate, limits and the queue's intake in one script: one round trip per ack, which is most of what an
# ack costs beyond Bolt under a burst. KEYS: gate, user window, channel window, then ``intake_push``'s.
# ARGV: gate mode ("enter": SET NX it; "held": entered already, release on refusal; "none"), gate ttl,
# limits on (1/0), the window's five arguments, then ``intake_push``'s.
_ADMIT = (
    SLIDING_WINDOW_FUNCTION
    + INTAKE_PUSH_FUNCTION
    + """
local mode = ARGV[1]
if mode == 'enter' and not redis.call('SET', KEYS[1], '1', 'NX', 'EX', tonumber(ARGV[2])) then
  return {'skipped'}
end
local function refuse(answer)
  if mode ~= 'none' then redis.call('DEL', KEYS[1]) end
  return answer
end
local limited = ARGV[3] == '1'
if limited then
  local window = sliding_window(KEYS[2], KEYS[3], tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]),
    tonumber(ARGV[7]), ARGV[8])
  if window[1] == 0 then return refuse({'limited', window[2], window[3], window[4]}) end
end
local pushed = intake_push({KEYS[4], KEYS[5], KEYS[6]}, {ARGV[9], ARGV[10], ARGV[11]})
if pushed[1] == 'full' then
  if limited then  -- a refused check does not count against the limits
    redis.call('ZREM', KEYS[2], ARGV[8])
    redis.call('ZREM', KEYS[3], ARGV[8])
  end
  return refuse(pushed)
end
return pushed
"""
)
_ADMIT_SCRIPT = Script(None, _ADMIT.encode())  # type: ignore[arg-type]  # bytes: hashed without a client
_NO_WINDOW = ("", 0, 0, 0, "")


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
    """Hand ``job`` to the queue: gate -> limit -> submit, in one Redis script.

    - ``gate``: a delivery already let through -> "skipped", nothing said;
    - ``wanted`` (asked once the gate is passed) says no -> "skipped", the gate stays closed;
    - ``limited`` and a limit refuses, or the queue is full (``busy``) -> the gate is released (trying
      again later works), ``tell`` gives the requester the reason -> "refused".
    """
    mode = "none" if gate is None else "enter"
    if wanted is not None:  # a look between the gate and the queue: the gate is entered on its own first
        if gate is not None and not gate.enter():
            return "skipped"
        if not wanted():
            return "skipped"
        mode = "none" if gate is None else "held"
    window = services.limits.window_request(job.user, job.channel) if limited else None
    intake = services.queue.intake_request(job)
    answer = services.scripts.run(
        _ADMIT_SCRIPT,
        keys=[gate.key if gate is not None else "", *(window.keys if window else ("", "")), *intake.keys],
        args=[
            mode,
            gate.ttl if gate is not None else 0,
            1 if window else 0,
            *(window.args if window else _NO_WINDOW),
            *intake.args,
        ],
    )
    verdict = store.text(answer[0])
    if verdict == "skipped":
        return "skipped"
    if verdict == "limited" and window is not None:
        decision = services.limits.decision(window, [0, *answer[1:]])
        metrics.count_limited(decision.limit)
        tell(decision.message)
        return "refused"
    try:
        services.queue.intake_verdict(answer)
    except QueueFull:
        tell(busy)
        return "refused"
    metrics.count_request(job.kind)
    log.info("job %s (%s) accepted", job.job_id, job.kind)
    return "queued"
