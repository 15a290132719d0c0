"""Buttons under checklist items, end to end over HTTP."""

from __future__ import annotations

from standins.slack_driver import CHANNEL, EDITOR, OTHER_EDITOR, Bot, wait_until
from tests.slack.helpers import (
    checked_by_reaction,
    item_numbers,
    statuses,
)


def test_buttons_update_state_and_messages(bot: Bot) -> None:
    record = checked_by_reaction(bot)
    first_ts = record.message_ts[0]
    updates = len(bot.slack.calls_to("chat.update"))
    response = bot.click(f"{record.checklist_id}|1|2", "fc_flag", message_ts=first_ts, thread_ts=record.thread_ts)
    assert response.status == 200 and response.seconds < 3
    wait_until(lambda: statuses(bot, record).get(2) == "flagged")
    wait_until(lambda: any(c.params["ts"] == first_ts for c in bot.slack.calls_to("chat.update")[updates:]))
    bot.click(f"{record.checklist_id}|1|2", "fc_reopen", message_ts=first_ts, thread_ts=record.thread_ts)
    wait_until(lambda: statuses(bot, record).get(2) == "open")
    bot.click(f"{record.checklist_id}|1|1", "fc_verify", message_ts=first_ts, thread_ts=record.thread_ts)
    wait_until(lambda: statuses(bot, record).get(1) == "verified")
    # A click on a superseded version changes nothing and says why, to the clicker only.
    bot.click(f"{record.checklist_id}|0|3", "fc_verify", message_ts=first_ts, thread_ts=record.thread_ts)
    wait_until(lambda: bot.slack.calls_to("chat.postEphemeral"))
    assert "older version" in bot.slack.calls_to("chat.postEphemeral")[0].params["text"]
    assert 3 not in statuses(bot, record)


def test_concurrent_clicks_do_not_lose_updates(bot: Bot) -> None:
    record = checked_by_reaction(bot)
    numbers = item_numbers([bot.slack.message(CHANNEL, ts) for ts in record.message_ts])
    for n in numbers:
        bot.click(
            f"{record.checklist_id}|1|{n}",
            "fc_verify",
            user=EDITOR if n % 2 else OTHER_EDITOR,
            message_ts=record.message_ts[0],
            thread_ts=record.thread_ts,
        )
    wait_until(lambda: len(statuses(bot, record)) == len(numbers))
    bot.drain()
    final = bot.slack.message(CHANNEL, record.message_ts[0])
    assert item_numbers([final]) == numbers and not [v for v in final["blocks"] if "fc_verify" in str(v)]
