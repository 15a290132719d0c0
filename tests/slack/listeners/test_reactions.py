"""Reactions with the trigger emoji, end to end over HTTP: one checklist per message, retries handled once."""

from __future__ import annotations

from standins.slack_driver import ARTICLE, CHANNEL, EDITOR, OTHER_EDITOR, Bot
from tests.slack.helpers import (
    ARTICLE_TS,
    checked_by_reaction,
    item_numbers,
    posts_in_thread,
    seed_article,
)


def test_reaction_checks_the_message_in_its_thread(bot: Bot) -> None:
    seed_article(bot.slack)
    assert bot.reaction(ARTICLE_TS, reaction="thumbsup").status == 200
    record = checked_by_reaction(bot)
    assert record.trigger == "reaction" and record.thread_ts == ARTICLE_TS
    history = bot.slack.calls_to("conversations.history")
    assert history[0].params["latest"] == ARTICLE_TS and history[0].params["limit"] in ("1", 1)
    expected = bot.services.engine.check(ARTICLE)
    assert item_numbers(bot.slack.thread_messages(CHANNEL, ARTICLE_TS)) == [i.number for i in expected.items]
    bot.drain()
    assert len(posts_in_thread(bot.slack, ARTICLE_TS)) == len(record.message_ts)  # thumbsup did nothing
    assert not [c for c in bot.slack.calls_to("chat.postMessage") if not c.params.get("thread_ts")]


def test_reaction_on_a_thread_reply_reads_it_with_replies(bot: Bot) -> None:
    bot.slack.seed_message(CHANNEL, {"ts": "1700000000.000001", "user": EDITOR, "text": "Drafts for today"})
    bot.slack.seed_message(
        CHANNEL, {"ts": "1700000000.000002", "user": EDITOR, "text": ARTICLE, "thread_ts": "1700000000.000001"}
    )
    bot.reaction("1700000000.000002")
    bot.wait_job(f"react-{CHANNEL}-1700000000.000002")
    assert bot.slack.calls_to("conversations.replies")
    assert bot.services.state.record_for_thread(CHANNEL, "1700000000.000001") is not None


def test_two_people_reacting_get_one_checklist(bot: Bot) -> None:
    seed_article(bot.slack)
    bot.reaction(ARTICLE_TS, user=EDITOR)
    bot.reaction(ARTICLE_TS, user=OTHER_EDITOR)
    bot.wait_job(f"react-{CHANNEL}-{ARTICLE_TS}")
    bot.drain()
    placeholders = [c for c in posts_in_thread(bot.slack, ARTICLE_TS) if "Checking" in c.params["text"]]
    assert len(placeholders) == 1


def test_a_retried_event_delivery_is_handled_once(bot: Bot) -> None:
    record = checked_by_reaction(bot)
    seed_article(bot.slack, "1700000000.000200")
    bot.reaction("1700000000.000200", event_id="EvRETRY1")
    assert bot.reaction("1700000000.000200", event_id="EvRETRY1", retry=1).status == 200
    bot.reply(record.thread_ts, "status", event_id="EvRETRY2")
    bot.reply(record.thread_ts, "status", event_id="EvRETRY2", retry=2)
    bot.wait_job(f"react-{CHANNEL}-1700000000.000200")
    bot.drain()
    statuses_posted = [c for c in posts_in_thread(bot.slack, record.thread_ts) if "status:" in c.params["text"]]
    assert len(statuses_posted) == 1
    assert len([c for c in posts_in_thread(bot.slack, "1700000000.000200") if "Checking" in c.params["text"]]) == 1
