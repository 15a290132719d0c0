"""Buttons under checklist items, end to end over HTTP."""

from __future__ import annotations

from bot.slack.state import checklist_id_for
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


def test_routine_on_record_items_fold_into_one_line_that_expands(bot: Bot) -> None:
    article = (
        "Council adopts budget\n\n"
        "Mayor Ines Okafor said the council met on Tuesday.\n\n"
        "Finance director Lorna Tegg said the meeting ran late.\n\n"
        "Councillor Dev Patel said residents asked many questions.\n\n"
        "Two officials who asked not to be named said the budget hides a $4 million shortfall."
    )
    bot.command(article)
    bot.wait_job(bot.last_job_id)
    thread_ts = bot.slack.messages[CHANNEL][0]["ts"]
    record = bot.services.state.get_record(checklist_id_for(CHANNEL, thread_ts))
    shown = [bot.slack.message(CHANNEL, ts) for ts in record.message_ts]
    folded = [b for m in shown for b in m["blocks"] if b.get("block_id") == "fc_folded"]
    assert len(folded) == 1
    checklist = bot.services.state.get_checklist(record.checklist_id)
    assert item_numbers(shown, folded=False) != [i.number for i in checklist.items]  # some are folded away
    assert item_numbers(shown) == [i.number for i in checklist.items]  # ... and listed on the line
    bot.click(folded[0]["accessory"]["value"], "fc_expand", message_ts=record.message_ts[0], thread_ts=thread_ts)

    def expanded() -> bool:
        current = bot.services.state.get_record(record.checklist_id)
        messages = [bot.slack.message(CHANNEL, ts) for ts in current.message_ts]
        return item_numbers(messages, folded=False) == [i.number for i in checklist.items]

    wait_until(expanded)
    assert bot.services.state.get_record(record.checklist_id).expanded
