"""Progress on the parent and the publish gate's reaction, over HTTP with the Slack stand-in."""

from __future__ import annotations

import dataclasses
import json

import pytest

from bot.config import Settings
from bot.desk import progress
from bot.slack.records import ItemStatus
from standins.slack_driver import CHANNEL, Bot, wait_until
from tests.slack.helpers import checked_by_reaction
from tests.slack.test_blocks import _checklist, _claim


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, ready_emoji="rocket")


def _parent_footer(bot: Bot, ts: str) -> str:
    return bot.slack.message(CHANNEL, ts)["blocks"][1]["elements"][0]["text"]


def test_gate_opens_and_closes_on_a_slash_command_thread(bot: Bot) -> None:
    from standins.slack_driver import ARTICLE

    bot.command(ARTICLE)
    bot.wait_job(bot.last_job_id)
    parent_ts = bot.services.state.job_get(bot.last_job_id)["parent_ts"]
    record = bot.services.state.record_for_thread(CHANNEL, parent_ts)
    assert record is not None
    checklist = bot.services.state.get_checklist(record.checklist_id)
    assert checklist is not None and checklist.items
    high = [i.number for i in checklist.items if i.priority == "high"]
    gate = high or [i.number for i in checklist.items]
    total = len(checklist.items)
    assert f"0 of {total} settled" in _parent_footer(bot, parent_ts)

    *first, last = gate
    if first:
        bot.reply(parent_ts, "verified " + ", ".join(map(str, first)) + " called the ministry")
        wait_until(lambda: f"{len(first)} of {total} settled" in _parent_footer(bot, parent_ts))
    assert not bot.slack.calls_to("reactions.add")
    bot.reply(parent_ts, f"waive {last} attributed, on record")
    wait_until(lambda: bot.slack.calls_to("reactions.add"))
    [add] = bot.slack.calls_to("reactions.add")
    assert add.params == {"channel": CHANNEL, "timestamp": parent_ts, "name": "rocket"}
    wait_until(lambda: "ready to publish" in _parent_footer(bot, parent_ts))
    wait_until(lambda: any("Ready to publish" in c.params["text"] for c in bot.slack.calls_to("chat.postMessage")))
    # Another click while ready changes nothing on the parent's reaction.
    bot.reply(parent_ts, f"waive {last} attributed to the minister")
    wait_until(lambda: len(bot.services.state.history(record.checklist_id)) >= (3 if first else 2))
    # Reopening a gate item takes the reaction off again.
    bot.reply(parent_ts, f"reopen {last}")
    wait_until(lambda: bot.slack.calls_to("reactions.remove"))
    assert len(bot.slack.calls_to("reactions.add")) == 1
    assert bot.slack.reactions[(CHANNEL, parent_ts)] == set()
    wait_until(lambda: "ready to publish" not in _parent_footer(bot, parent_ts))


def test_reaction_thread_says_it_in_the_checklist_summary(bot: Bot) -> None:
    record = checked_by_reaction(bot)
    checklist = bot.services.state.get_checklist(record.checklist_id)
    assert checklist is not None
    summary = bot.slack.message(CHANNEL, record.message_ts[0])["blocks"][1]["elements"][0]["text"]
    assert f"0 of {len(checklist.items)} settled" in summary
    bot.reply(record.thread_ts, f"verified 1-{len(checklist.items)}")
    wait_until(lambda: bot.slack.calls_to("reactions.add"))
    # The reaction goes on the reacted-to article message: the thread's parent.
    assert bot.slack.reactions[(CHANNEL, record.thread_ts)] == {"rocket"}
    wait_until(lambda: "ready to publish" in json.dumps(bot.slack.message(CHANNEL, record.message_ts[0])["blocks"]))


def test_progress_counts() -> None:
    checklist = _checklist([_claim(1), _claim(2), _claim(3, priority="low")])
    none = progress(checklist, {})
    assert none.line() == "0 of 3 settled · 2 high-priority open" and not none.ready
    flagged = progress(checklist, {1: ItemStatus(status="verified"), 2: ItemStatus(status="flagged")})
    assert flagged.line() == "1 of 3 settled · 1 flagged · 1 high-priority open"
    ready = progress(checklist, {1: ItemStatus(status="verified"), 2: ItemStatus(status="waived", note="cut")})
    assert ready.ready and ready.line().startswith("2 of 3 settled · ready to publish")
    low_only = _checklist([_claim(1, priority="low")])
    assert not progress(low_only, {}).ready  # no high-priority items: every item counts
    assert progress(low_only, {1: ItemStatus(status="verified")}).ready
    assert not progress(_checklist([]), {}).ready
