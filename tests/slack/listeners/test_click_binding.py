"""Button clicks are tied to their message (#10 item 7): a correctly signed payload whose button value
names a checklist that the clicked message is not part of changes nothing."""

from __future__ import annotations

import logging

import pytest

from standins.slack_driver import ARTICLE, Bot, wait_until
from tests.slack.helpers import checked_by_reaction, statuses

OTHER_TS = "1700000000.000200"


def refusals(bot: Bot) -> list[str]:
    return [c.params["text"] for c in bot.slack.calls_to("chat.postEphemeral") if "does not belong" in c.params["text"]]


def test_a_value_from_another_checklist_is_refused(bot: Bot, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot.slack.listeners.actions")
    mine = checked_by_reaction(bot)
    theirs = checked_by_reaction(bot, OTHER_TS)
    # Signed by "Slack": the click really came from a message of the other checklist, with a forged value.
    response = bot.click(f"{mine.checklist_id}|1|1", message_ts=theirs.message_ts[0], thread_ts=theirs.thread_ts)
    assert response.status == 200
    wait_until(lambda: refusals(bot))
    assert statuses(bot, mine) == {} and statuses(bot, theirs) == {}
    [line] = [r.getMessage() for r in caplog.records if "click refused" in r.getMessage()]
    assert [r.levelno for r in caplog.records if "click refused" in r.getMessage()] == [logging.INFO]
    assert mine.checklist_id in line and theirs.message_ts[0] in line
    assert not any(sentence.strip() and sentence.strip() in line for sentence in ARTICLE.splitlines())
    # The same value from its own message still works.
    bot.click(f"{mine.checklist_id}|1|1", message_ts=mine.message_ts[0], thread_ts=mine.thread_ts)
    wait_until(lambda: statuses(bot, mine).get(1) == "verified")


def test_a_value_clicked_in_another_channel_is_refused(bot: Bot) -> None:
    mine = checked_by_reaction(bot)
    bot.click(f"{mine.checklist_id}|1|2", "fc_flag", message_ts=mine.message_ts[0], channel="C0ELSEWHERE")
    wait_until(lambda: refusals(bot))
    assert statuses(bot, mine) == {}
    assert bot.slack.calls_to("chat.postEphemeral")[0].params["channel"] == "C0ELSEWHERE"
