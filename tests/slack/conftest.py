"""End-to-end harness: the Slack Web API stand-in, real Redis, the offline engine, the app's real HTTP server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis

from bot.config import Settings
from standins.slack_api import SlackAPIStandIn
from standins.slack_driver import SECRET, TOKEN, Bot, start_bot


@pytest.fixture
def slack() -> Iterator[SlackAPIStandIn]:
    with SlackAPIStandIn(token=TOKEN) as standin:
        yield standin


@pytest.fixture
def settings(slack: SlackAPIStandIn) -> Settings:
    return Settings(
        slack_bot_token=TOKEN,
        slack_signing_secret=SECRET,
        slack_api_url=slack.base_url,
        max_article_chars=60_000,
        worker_heartbeat_seconds=1,  # idle workers look up every second: a test's teardown stops them fast
    )


@pytest.fixture
def bot(settings: Settings, redis_client: redis.Redis, slack: SlackAPIStandIn) -> Iterator[Bot]:
    instance = start_bot(settings, redis_client, slack)
    yield instance
    instance.drain()
