"""``/healthz`` tells the truth (503 with a one-line reason while Redis does not answer or no worker is
alive, 200 after), and a frozen Redis (SIGSTOP) costs an ack a bounded wait and a clear message.

Redis is a test-owned redis-server: the shared one cannot be stopped, and workers other tests
registered in it would count as alive.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from bot import store
from bot.config import Settings
from bot.jobs.worker import register_runner, start_in_process_worker
from bot.slack.jobs import runner_for
from standins.slack_api import SlackAPIStandIn
from standins.slack_driver import ARTICLE, Bot, start_bot, wait_until
from tests.redis_process import RedisProcess, redis_process

__all__ = ["redis_process"]

ACK_BOUND_SECONDS = 2.0  # Slack gives 3 s; the request path's Redis calls time out after 0.5 s


@pytest.fixture
def web_bot(redis_process: RedisProcess, settings: Settings, slack: SlackAPIStandIn) -> Iterator[Bot]:
    """The web side the way ``serve`` builds it: the short-timeout request client, and here no worker of
    its own (``FACTCHECK_INPROCESS_WORKER=0``)."""
    base = store.connect(redis_process.url)
    bot = start_bot(dataclasses.replace(settings, inprocess_workers=0), store.request_client(base), slack)
    yield bot
    redis_process.thaw()
    bot.drain()


def health(bot: Bot) -> tuple[int, dict]:
    answer = bot.request("GET", "/healthz")
    assert "\n" not in answer.body.strip()  # one line
    return answer.status, answer.json()


def test_web_only_health_counts_workers_with_a_recent_heartbeat_in_redis(
    web_bot: Bot, redis_process: RedisProcess, settings: Settings
) -> None:
    status, body = health(web_bot)
    assert status == 503 and body["reason"].startswith("no worker is alive")

    worker_client = store.connect(redis_process.url)
    services = dataclasses.replace(web_bot.services, redis=worker_client)
    handle = start_in_process_worker(worker_client, settings, lambda: runner_for(services), threads=1)
    try:
        assert wait_until(lambda: health(web_bot)[0] == 200, timeout=10)
        assert health(web_bot)[1] == {"ok": True, "redis": True, "workers": 1}
    finally:
        handle.stop(timeout=10)
        register_runner(None)


def test_health_is_503_while_redis_is_down_and_200_once_it_is_back(
    bot_with_threads: Bot, redis_process: RedisProcess
) -> None:
    assert health(bot_with_threads)[0] == 200
    redis_process.stop()
    status, body = health(bot_with_threads)
    assert status == 503 and body == {"ok": False, "redis": False, "reason": "Redis does not answer"}
    redis_process.start()
    assert wait_until(lambda: health(bot_with_threads)[0] == 200, timeout=15)


@pytest.fixture
def bot_with_threads(redis_process: RedisProcess, settings: Settings, slack: SlackAPIStandIn) -> Iterator[Bot]:
    bot = start_bot(settings, store.request_client(store.connect(redis_process.url)), slack)
    yield bot
    bot.drain()


def test_a_frozen_redis_gets_a_bounded_ack_with_a_clear_message(web_bot: Bot, redis_process: RedisProcess) -> None:
    assert web_bot.command(ARTICLE).status == 200
    redis_process.freeze()  # SIGSTOP: connections stay open, nothing answers (a stuck or swapping server)
    try:
        during = web_bot.command(ARTICLE.replace("Tuesday", "Wednesday"))
        status, body = health(web_bot)
    finally:
        redis_process.thaw()
    print(f"ack with a frozen Redis: {during.seconds:.3f} s")
    assert during.status == 200 and during.seconds < ACK_BOUND_SECONDS
    assert "can't reach my job queue" in during.body
    assert status == 503 and body["reason"] == "Redis does not answer"
    after = web_bot.command(ARTICLE.replace("Tuesday", "Thursday"))
    assert after.status == 200 and "Checking" in after.body
