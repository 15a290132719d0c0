"""Limits on a real Redis: sliding windows per user and per channel, messages, the token budget."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime

import pytest
import redis

from bot import store
from bot.config import ConfigError, Settings
from bot.limits import Limits, describe_wait, describe_window


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def limits(client: redis.Redis, clock: Clock | None = None, **overrides: int) -> Limits:
    settings = replace(Settings(), **overrides)
    return Limits(client, settings, clock=clock or Clock())


def test_settings_name_every_limit() -> None:
    s = Settings.from_env({
        "FACTCHECK_USER_LIMIT": "5", "FACTCHECK_CHANNEL_LIMIT": "0", "FACTCHECK_LIMIT_WINDOW": "600",
        "FACTCHECK_DAILY_TOKEN_BUDGET": "1000",
    })
    assert (s.user_limit, s.channel_limit, s.limit_window_seconds, s.daily_token_budget) == (5, 0, 600, 1000)
    d = Settings.from_env({})
    assert (d.user_limit, d.channel_limit, d.limit_window_seconds, d.daily_token_budget) == (20, 60, 3600, 2_000_000)
    with pytest.raises(ConfigError, match="FACTCHECK_USER_LIMIT"):
        Settings.from_env({"FACTCHECK_USER_LIMIT": "-1"})
    with pytest.raises(ConfigError, match="FACTCHECK_LIMIT_WINDOW"):
        Settings.from_env({"FACTCHECK_LIMIT_WINDOW": "0"})


def test_user_limit_and_its_message(redis_client: redis.Redis) -> None:
    clock = Clock()
    lim = limits(redis_client, clock, user_limit=20, channel_limit=0)
    for i in range(20):
        clock.now += 60 if i == 0 else 1  # the first check 48 minutes before the refusal below
        assert lim.check_request("U1", "C1").allowed
    clock.now += 48 * 60 - 19
    refused = lim.check_request("U1", "C1")
    assert not refused.allowed and refused.limit == "user" and refused.count == 20 and refused.maximum == 20
    assert refused.message == (
        "You have run 20 checks in the last hour; the limit is 20 (FACTCHECK_USER_LIMIT). Try again in 12 minutes."
    )
    assert lim.check_request("U2", "C1").allowed  # other users are not affected


def test_window_slides(redis_client: redis.Redis) -> None:
    clock = Clock()
    lim = limits(redis_client, clock, user_limit=2, channel_limit=0, limit_window_seconds=600)
    assert lim.check_request("U1", "C1").allowed
    clock.now += 300
    assert lim.check_request("U1", "C1").allowed
    refused = lim.check_request("U1", "C1")
    assert not refused.allowed and "in the last 10 minutes" in refused.message
    assert refused.retry_after_seconds == pytest.approx(300)
    clock.now += 301  # the first check left the window
    assert lim.check_request("U1", "C1").allowed
    assert not lim.check_request("U1", "C1").allowed


def test_refused_requests_do_not_count(redis_client: redis.Redis) -> None:
    clock = Clock()
    lim = limits(redis_client, clock, user_limit=1, channel_limit=0, limit_window_seconds=60)
    assert lim.check_request("U1", "C1").allowed
    for _ in range(5):
        clock.now += 10
        assert not lim.check_request("U1", "C1").allowed
    clock.now += 11  # 61 s after the only counted check
    assert lim.check_request("U1", "C1").allowed


def test_channel_limit_counts_everyone(redis_client: redis.Redis) -> None:
    lim = limits(redis_client, user_limit=0, channel_limit=3)
    for user in ("U1", "U2", "U3"):
        assert lim.check_request(user, "C1").allowed
    refused = lim.check_request("U4", "C1")
    assert not refused.allowed and refused.limit == "channel"
    assert refused.message.startswith("This channel has had 3 checks in the last hour; the limit is 3 "
                                      "(FACTCHECK_CHANNEL_LIMIT). Try again in 60 minutes")
    assert lim.check_request("U4", "C2").allowed


def test_a_check_refused_by_the_channel_does_not_use_the_users_quota(redis_client: redis.Redis) -> None:
    lim = limits(redis_client, user_limit=2, channel_limit=1)
    assert lim.check_request("U1", "C1").allowed
    assert not lim.check_request("U1", "C1").allowed  # channel full
    assert lim.check_request("U1", "C2").allowed  # U1 has used 2 of 2 now, not 3
    assert lim.check_request("U1", "C3").limit == "user"


def test_zero_means_unlimited(redis_client: redis.Redis) -> None:
    lim = limits(redis_client, user_limit=0, channel_limit=0, daily_token_budget=0)
    assert all(lim.check_request("U1", "C1").allowed for _ in range(100))
    lim.record_tokens(10**9)
    assert lim.budget_left() is None and lim.budget_spent_reason() is None


def test_concurrent_requests_never_overshoot(redis_client: redis.Redis) -> None:
    lim = limits(redis_client, user_limit=10, channel_limit=0)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: lim.check_request("U1", "C1").allowed, range(40)))
    assert results.count(True) == 10


def test_token_budget_switches_to_offline_and_says_why(redis_client: redis.Redis) -> None:
    clock = Clock(datetime(2026, 11, 25, 22, 30, tzinfo=UTC).timestamp())
    lim = limits(redis_client, clock, daily_token_budget=1000)
    assert lim.budget_left() == 1000 and lim.budget_spent_reason() is None
    lim.record_tokens(600)
    lim.record_tokens(0)
    assert lim.budget_left() == 400
    lim.record_tokens(500)
    assert lim.budget_left() == 0
    reason = lim.budget_spent_reason()
    assert reason is not None
    assert "FACTCHECK_DAILY_TOKEN_BUDGET" in reason and "1,000 tokens" in reason
    assert reason.startswith("Today's LLM token budget") and "00:00 UTC, in 90 minutes" in reason
    clock.now += 2 * 3600  # a new UTC day, a new budget
    assert lim.budget_left() == 1000
    ttl = redis_client.ttl("fc:limits:tokens:2026-11-25")
    assert 0 < ttl <= 2 * 86400


def test_redis_down_fails_open_with_a_warning(caplog: pytest.LogCaptureFixture, tmp_path) -> None:
    # The production client's retry policy (store.RETRY): a dead server costs a fraction of a second.
    dead = redis.Redis(unix_socket_path=str(tmp_path / "nothing.sock"), socket_connect_timeout=0.2, retry=store.RETRY)
    lim = limits(dead, user_limit=1, channel_limit=1, daily_token_budget=10)
    with caplog.at_level(logging.WARNING, logger="bot.limits"):
        assert lim.check_request("U1", "C1").allowed
        assert lim.check_request("U1", "C1").allowed
        lim.record_tokens(100)
        assert lim.budget_left() == 10
        assert lim.budget_spent_reason() is None
    assert any("allowing the check" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(3600, "the last hour"), (600, "the last 10 minutes"), (86400, "the last day"), (90, "the last 90 seconds"),
     (7200, "the last 2 hours")],
)
def test_describe_window(seconds: int, text: str) -> None:
    assert describe_window(seconds) == text


@pytest.mark.parametrize(
    ("seconds", "text"), [(0.2, "1 second"), (45, "45 seconds"), (60, "1 minute"), (719.5, "12 minutes"),
                          (3 * 3600, "3 hours")],
)
def test_describe_wait(seconds: float, text: str) -> None:
    assert describe_wait(seconds) == text


def test_checks_in_the_same_instant_count_once_each_in_this_process_and_a_forked_one(
    redis_client: redis.Redis,
) -> None:
    import os

    lim = limits(redis_client, Clock(), user_limit=5, channel_limit=0)  # the clock never moves
    assert lim.check_request("U1", "C1").allowed and lim.check_request("U1", "C1").allowed
    pid = os.fork()
    if pid == 0:  # the child continues the parent's member counter: its members must still differ
        code = 0 if lim.check_request("U1", "C1").allowed and lim.check_request("U1", "C1").allowed else 1
        os._exit(code)
    assert os.waitpid(pid, 0)[1] == 0
    assert lim.check_request("U1", "C1").allowed  # the fifth
    refused = lim.check_request("U1", "C1")
    assert not refused.allowed and refused.count == 5
