"""A job that fails for good is not left at "Checking…": once the queue gives it up (every attempt
raised, or it was abandoned with no retries left), its placeholder says plainly that it did not run
and why, and the requester gets an ephemeral message, once. No apology before a retry.

Redis is a test-owned server: the worker's maintenance reads the whole FailedJobRegistry.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from bot import store
from bot.config import Settings
from bot.jobs.queue import RQJobQueue
from bot.slack.state import StateStore
from standins.slack_api import SlackAPIStandIn
from standins.slack_driver import ARTICLE, CHANNEL, Bot, start_bot, wait_until
from tests.redis_process import RedisProcess, redis_process
from tests.slack.helpers import call_texts

__all__ = ["redis_process"]


@pytest.fixture
def failing_bot(
    redis_process: RedisProcess, settings: Settings, slack: SlackAPIStandIn, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Bot]:
    client = store.connect(redis_process.url)
    two_attempts = RQJobQueue(client, retry_max=1, retry_intervals=[0])  # two attempts, no wait between
    bot = start_bot(dataclasses.replace(settings, inprocess_workers=1), client, slack, queue=two_attempts)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("engine bug")

    monkeypatch.setattr(bot.services.engine, "check", broken)
    yield bot
    bot.drain()


def test_a_job_that_fails_every_attempt_tells_the_requester_once(failing_bot: Bot) -> None:
    slack = failing_bot.slack
    ack = failing_bot.command(ARTICLE)
    assert ack.status == 200 and "Checking" in ack.body

    def told() -> list[str]:
        return [c.params.get("text", "") for c in slack.calls_to("response_url") if "did not run" in str(c.params)]

    wait_until(told, timeout=20)
    (text,) = told()
    assert "failed on every attempt" in text and "/factcheck" in text
    (parent,) = [m for m in slack.messages[CHANNEL] if not m.get("thread_ts")]
    thread = slack.thread_messages(CHANNEL, parent["ts"])
    assert len(thread) == 1  # the placeholder, posted once across both attempts
    assert "did not run" in thread[0]["text"] and "Checking" not in thread[0]["text"]
    assert "Checking" not in str(parent["blocks"]) and "Did not run" in str(parent["blocks"])
    assert not any("went wrong" in t for c in slack.calls_to("response_url") for t in call_texts(c))
    state = StateStore(failing_bot.services.redis)
    # Recorded right after the requester is told (the step this test waited for): it may lag a moment.
    wait_until(lambda: state.job_get(failing_bot.last_job_id).get("gave_up") == "1", timeout=5)
