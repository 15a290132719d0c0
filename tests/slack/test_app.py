"""The app as a whole over HTTP: signatures, health and unknown paths, state across a restart."""

from __future__ import annotations

import time

import pytest
import redis

from bot.config import Settings
from bot.slack.state import checklist_id_for
from standins.slack_api import SlackAPIStandIn
from standins.slack_driver import ARTICLE, CHANNEL, Bot, start_bot, wait_until
from tests.slack.helpers import (
    ARTICLE_TS,
    checked_by_reaction,
    seed_article,
    statuses,
)


@pytest.mark.parametrize(
    ("secret", "age"), [("wrong-secret", 0), ("test-signing-secret", 6 * 60)], ids=["bad-signature", "stale"]
)
def test_unsigned_or_stale_requests_are_rejected(bot: Bot, secret: str, age: int) -> None:
    seed_article(bot.slack)
    response = bot.reaction(ARTICLE_TS, secret=secret, timestamp=int(time.time()) - age)
    assert response.status == 401
    response = bot.command(ARTICLE, secret=secret, timestamp=int(time.time()) - age)
    assert response.status == 401
    bot.drain()
    assert bot.slack.calls_to("chat.postMessage") == []
    assert bot.slack.calls_to("conversations.history") == []


def test_health_and_unknown_paths(bot: Bot) -> None:
    health = bot.request("GET", "/healthz")
    assert health.status == 200 and health.json() == {"ok": True, "redis": True, "workers": 2}
    assert bot.request("GET", "/nope").status == 404
    assert bot.request("GET", "/slack/events").status == 404


def test_state_survives_a_restart(
    bot: Bot, settings: Settings, redis_client: redis.Redis, slack: SlackAPIStandIn
) -> None:
    record = checked_by_reaction(bot)
    bot.drain()
    second = start_bot(settings, redis_client, slack)
    try:
        updates = len(slack.calls_to("chat.update"))
        second.reply(record.thread_ts, "verified 2 confirmed by phone")
        wait_until(lambda: statuses(second, record).get(2) == "verified")
        wait_until(lambda: any(c.params["ts"] in record.message_ts for c in slack.calls_to("chat.update")[updates:]))
        assert second.services.state.record_for_thread(CHANNEL, record.thread_ts) == record
        assert checklist_id_for(CHANNEL, record.thread_ts) == record.checklist_id
    finally:
        second.drain()
