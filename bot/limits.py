"""Limits kept in Redis, shared by every process: checks per user and per channel, LLM tokens per day.

- Checks: a sliding window (one sorted set per user and per channel, scored by time). One Lua
  script checks both and records the check only when both allow it, so concurrent requests in
  several web processes can never overshoot, and a refused request does not count.
- Tokens: one counter per UTC day (``INCRBY``); when the day's budget is spent, checks run on the
  offline analyzer and the checklist says why. It resets at 00:00 UTC.

Every limit is named in ``Settings`` (0 = unlimited) and every refusal says which one, its value,
and when to try again. When Redis is down the limiter fails open: editors are never blocked
because the limiter is; a warning is logged instead.
"""

from __future__ import annotations

import itertools
import logging
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import redis

from bot import store
from bot.config import Settings

log = logging.getLogger(__name__)

PREFIX = "fc:limits"

# A Lua function, embedded by the standalone script below and by the admission script (bot.slack.gates),
# which gates, limits and enqueues in one round trip. Returns {allowed (1/0), which ("" | "user" |
# "channel"), count in that window, oldest score there}; records ``member`` only when both allow.
SLIDING_WINDOW_FUNCTION = """
local function sliding_window(user_key, channel_key, now, window, user_limit, channel_limit, member)
  local keys = {user_key, channel_key}
  local limits = {user_limit, channel_limit}
  local names = {"user", "channel"}
  for i = 1, 2 do
    if limits[i] > 0 then
      redis.call('ZREMRANGEBYSCORE', keys[i], '-inf', now - window)
      local count = redis.call('ZCARD', keys[i])
      if count >= limits[i] then
        local oldest = redis.call('ZRANGE', keys[i], 0, 0, 'WITHSCORES')
        return {0, names[i], count, oldest[2]}
      end
    end
  end
  for i = 1, 2 do
    if limits[i] > 0 then
      redis.call('ZADD', keys[i], now, member)
      redis.call('EXPIRE', keys[i], math.ceil(window) + 1)
    end
  end
  return {1, "", 0, "0"}
end
"""

# KEYS: user zset, channel zset. ARGV: now (s, float), window (s), user limit, channel limit, member.
_SLIDING_WINDOW = (
    SLIDING_WINDOW_FUNCTION
    + """
return sliding_window(KEYS[1], KEYS[2], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]),
  tonumber(ARGV[4]), ARGV[5])
"""
)


def describe_window(seconds: int) -> str:
    """3600 -> 'the last hour', 600 -> 'the last 10 minutes', 86400 -> 'the last day'."""
    units = [(86400, "day"), (3600, "hour"), (60, "minute"), (1, "second")]
    for size, name in units:
        if seconds % size == 0 and seconds >= size:
            count = seconds // size
            return f"the last {name}" if count == 1 else f"the last {count} {name}s"
    return f"the last {seconds} seconds"  # pragma: no cover - every positive int divides by 1


def describe_wait(seconds: float) -> str:
    """A wait rounded up to what an editor can act on: '30 seconds', '12 minutes', '2 hours'."""
    seconds = max(1, math.ceil(seconds))
    if seconds < 60:
        return "1 second" if seconds == 1 else f"{seconds} seconds"
    minutes = math.ceil(seconds / 60)
    if minutes < 120:
        return "1 minute" if minutes == 1 else f"{minutes} minutes"
    hours = math.ceil(minutes / 60)
    return f"{hours} hours"


@dataclass(frozen=True)
class LimitDecision:
    allowed: bool
    limit: str | None = None  # "user" or "channel" when refused
    count: int = 0  # checks in the window when refused
    maximum: int = 0
    retry_after_seconds: float = 0.0
    message: str = ""  # for the requester; empty when allowed


ALLOWED = LimitDecision(True)


@dataclass(frozen=True)
class WindowRequest:
    """One check's place in the sliding windows: ``keys`` (user, channel) and ``args`` in
    ``sliding_window``'s order (now, window, user limit, channel limit, member)."""

    keys: tuple[str, str]
    now: float
    args: tuple[float, int, int, int, str]


_PROCESS_TAG = ""  # which process counted: pid and random bits (pids are reused across restarts)
_members = itertools.count()


def _new_process_tag() -> None:
    global _PROCESS_TAG
    _PROCESS_TAG = f"{os.getpid():x}{os.urandom(3).hex()}"


_new_process_tag()
os.register_at_fork(after_in_child=_new_process_tag)  # a forked child must not repeat its parent's members


class Limits:
    def __init__(self, client: redis.Redis, settings: Settings, clock: Callable[[], float] = time.time) -> None:
        self.client = client
        self.settings = settings
        self.clock = clock
        self._script = client.register_script(_SLIDING_WINDOW)

    # -- checks per user and per channel ------------------------------------------------------------
    def _key(self, scope: str, ident: str) -> str:
        return f"{PREFIX}:{scope}:{ident}"

    def window_request(self, user: str, channel: str) -> WindowRequest | None:
        """The sliding window's keys and arguments for one check; None when both limits are off."""
        s = self.settings
        if s.user_limit <= 0 and s.channel_limit <= 0:
            return None
        now = self.clock()
        # unique, so two checks in the same instant both count; no uuid4 (a system call on every ack)
        member = f"{now:.6f}:{_PROCESS_TAG}:{next(_members)}"
        return WindowRequest(
            keys=(self._key("user", user), self._key("channel", channel)),
            now=now,
            args=(now, s.limit_window_seconds, s.user_limit, s.channel_limit, member),
        )

    def check_request(self, user: str, channel: str) -> LimitDecision:
        """Count one check for ``user`` in ``channel`` if both limits allow it; else say which refuses.

        The limits alone, in their own round trip: listeners admit a job with ``bot.slack.gates.admit``,
        which runs the same ``sliding_window`` in its one script; this is its direct surface (the limits'
        tests, and anything limited that queues nothing)."""
        request = self.window_request(user, channel)
        if request is None:
            return ALLOWED
        try:
            result = self._script(keys=list(request.keys), args=list(request.args))
        except redis.RedisError as exc:
            log.warning("limits unavailable (Redis: %s); allowing the check", exc)
            return ALLOWED
        return self.decision(request, result)

    def decision(self, request: WindowRequest, result: list) -> LimitDecision:
        """``sliding_window``'s answer for ``request`` as a decision, with the refusal's message."""
        allowed, which, count, oldest = result
        if int(allowed):
            return ALLOWED
        s = self.settings
        which = store.text(which)
        count, oldest_at = int(count), float(oldest)
        retry = max(1.0, oldest_at + s.limit_window_seconds - request.now)
        maximum = s.user_limit if which == "user" else s.channel_limit
        return LimitDecision(
            allowed=False,
            limit=which,
            count=count,
            maximum=maximum,
            retry_after_seconds=retry,
            message=self._message(which, count, maximum, retry),
        )

    def _message(self, which: str, count: int, maximum: int, retry: float) -> str:
        window = describe_window(self.settings.limit_window_seconds)
        checks = "check" if count == 1 else "checks"
        wait = describe_wait(retry)
        if which == "user":
            return (
                f"You have run {count} {checks} in {window}; the limit is {maximum} (FACTCHECK_USER_LIMIT). "
                f"Try again in {wait}."
            )
        return (
            f"This channel has had {count} {checks} in {window}; the limit is {maximum} "
            f"(FACTCHECK_CHANNEL_LIMIT). Try again in {wait}, or run the check in another channel."
        )

    # -- LLM tokens per UTC day ---------------------------------------------------------------------
    def _token_key(self) -> str:
        day = datetime.fromtimestamp(self.clock(), UTC).strftime("%Y-%m-%d")
        return f"{PREFIX}:tokens:{day}"

    def record_tokens(self, n: int) -> None:
        """Add ``n`` LLM tokens (prompt + completion) to today's count."""
        if n <= 0:
            return
        key = self._token_key()
        try:
            with self.client.pipeline() as pipe:
                pipe.incrby(key, int(n))
                pipe.expire(key, 2 * 86400)
                pipe.execute()
        except redis.RedisError as exc:
            log.warning("could not record %d LLM tokens (Redis: %s)", n, exc)

    def tokens_used(self) -> int:
        try:
            raw = self.client.get(self._token_key())
        except redis.RedisError as exc:
            log.warning("token budget unavailable (Redis: %s); assuming none used", exc)
            return 0
        return int(raw or 0)

    def budget_left(self) -> int | None:
        """Tokens left today; None when the budget is unlimited (FACTCHECK_DAILY_TOKEN_BUDGET=0)."""
        budget = self.settings.daily_token_budget
        if budget <= 0:
            return None
        return max(0, budget - self.tokens_used())

    def budget_spent_reason(self) -> str | None:
        """Why the LLM may not be used right now (a sentence for editors), or None while it may."""
        left = self.budget_left()
        if left is None or left > 0:
            return None
        now = datetime.fromtimestamp(self.clock(), UTC)
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0).timestamp() + 86400
        return (
            f"Today's LLM token budget ({self.settings.daily_token_budget:,} tokens, "
            f"FACTCHECK_DAILY_TOKEN_BUDGET) is spent; it resets at 00:00 UTC, in "
            f"{describe_wait(midnight - now.timestamp())}."
        )


# ``ChecklistStats.fallback_reason`` starts with this when the budget, not a failure, chose the offline analyzer.
BUDGET_REASON_PREFIX = "budget: "
