"""Reactions, thread commands, buttons, questions, retries and signatures, end to end over HTTP."""

from __future__ import annotations

import time

import pytest
import redis

from bot.config import Settings
from bot.slack.records import ThreadRecord
from bot.slack.state import checklist_id_for
from tests.slack.helpers import all_posted_text, item_numbers, posts_in_thread
from tests.standins.slack_api import SlackAPIStandIn
from tests.standins.slack_driver import ARTICLE, CHANNEL, EDITOR, OTHER_EDITOR, Bot, start_bot, wait_until

ARTICLE_TS = "1700000000.000100"


def seed_article(slack: SlackAPIStandIn, ts: str = ARTICLE_TS, text: str = ARTICLE) -> str:
    slack.seed_message(CHANNEL, {"ts": ts, "user": EDITOR, "text": text})
    return ts


def checked_by_reaction(bot: Bot, ts: str = ARTICLE_TS) -> ThreadRecord:
    seed_article(bot.slack, ts)
    assert bot.reaction(ts).status == 200
    bot.wait_job(f"react-{CHANNEL}-{ts}")
    record = bot.services.state.record_for_thread(CHANNEL, ts)
    assert record is not None
    return record


def statuses(bot: Bot, record: ThreadRecord) -> dict[int, str]:
    return {n: s.status for n, s in bot.services.state.statuses(record.checklist_id).items()}


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


def test_thread_commands_update_state_and_messages(bot: Bot) -> None:
    record = checked_by_reaction(bot)
    slack, thread = bot.slack, record.thread_ts
    updates_before = len(slack.calls_to("chat.update"))

    bot.reply(thread, "verified 1 checked with the ministry")
    wait_until(lambda: statuses(bot, record).get(1) == "verified")
    wait_until(lambda: len(slack.calls_to("chat.update")) > updates_before)
    wait_until(lambda: "checked with the ministry" in all_posted_text(slack))

    bot.reply(thread, "flag 2, 3 the figure is from 2019", user=OTHER_EDITOR)
    wait_until(lambda: statuses(bot, record).get(2) == "flagged" and statuses(bot, record).get(3) == "flagged")
    bot.reply(thread, "reopen 1")
    wait_until(lambda: statuses(bot, record).get(1) == "open")

    bot.reply(thread, "status")
    wait_until(lambda: any("status:" in c.params["text"] for c in posts_in_thread(slack, thread)))
    bot.reply(thread, "help")
    wait_until(lambda: any("How to use factcheck" in c.params["text"] for c in posts_in_thread(slack, thread)))
    bot.reply(thread, "verified 99")
    total = len(bot.services.state.get_checklist(record.checklist_id).items)
    wait_until(lambda: any(f"items 1–{total}" in c.params["text"] for c in posts_in_thread(slack, thread)))
    bot.reply(thread, "great work everyone, nearly there")  # conversation: ignored
    bot.drain()
    history = [(h.user, h.action, h.numbers) for h in bot.services.state.history(record.checklist_id)]
    assert history == [
        (EDITOR, "verified", [1]),
        (OTHER_EDITOR, "flagged", [2, 3]),
        (EDITOR, "reopened", [1]),
    ]
    assert not any("great work" in t for t in all_posted_text(slack).splitlines())


def test_recheck_keeps_statuses_of_unchanged_quotes(bot: Bot) -> None:
    record = checked_by_reaction(bot)
    checklist = bot.services.state.get_checklist(record.checklist_id)
    bot.reply(record.thread_ts, "verified 1")
    wait_until(lambda: statuses(bot, record).get(1) == "verified")
    revised = "New intro: the mayor said 12 roads will close.\n\n" + ARTICLE
    bot.reply(record.thread_ts, f"recheck\n{revised}")
    wait_until(lambda: (r := bot.services.state.get_record(record.checklist_id)) and r.version == 2)
    bot.drain()
    new = bot.services.state.get_checklist(record.checklist_id)
    assert len(new.items) > len(checklist.items)
    kept = [i for i in new.items if i.quote == checklist.item(1).quote and i.kind == checklist.item(1).kind]
    assert statuses(bot, record) == {kept[0].number: "verified"}
    for ts in record.message_ts:  # old messages now say they are superseded
        assert "Superseded" in bot.slack.message(CHANNEL, ts)["text"]
    current = bot.services.state.get_record(record.checklist_id)
    shown = [bot.slack.message(CHANNEL, ts) for ts in current.message_ts]
    assert item_numbers(shown) == [i.number for i in new.items]
    assert all(
        v.split("|")[1] == "2"
        for m in shown
        for b in m["blocks"]
        for v in [e.get("value", "x|2|0") for e in b.get("elements") or [] if e.get("type") == "button"]
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


def test_question_without_llm_explains_how_to_enable_it(bot: Bot) -> None:
    record = checked_by_reaction(bot)
    bot.mention(record.thread_ts, "who are the officials in item 3?")
    wait_until(lambda: any("OPENAI_API_KEY" in c.params["text"] for c in posts_in_thread(bot.slack, record.thread_ts)))


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
    assert health.status == 200 and health.json() == {"ok": True, "redis": True}
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


def test_question_with_llm_is_answered_escaped(bot: Bot) -> None:
    import dataclasses

    from tests.standins.openai_server import OpenAIStandIn, Scripted

    record = checked_by_reaction(bot)
    with OpenAIStandIn(api_key="sk-test") as llm:
        llm.script(Scripted(content="Item 3 relies on <!channel> officials & <@U123>; ask the reporter."))
        bot.services.settings = dataclasses.replace(
            bot.services.settings, openai_api_key="sk-test", openai_base_url=llm.base_url, llm_max_attempts=1
        )
        bot.mention(record.thread_ts, "who are the officials in item 3?")
        answer = wait_until(
            lambda: next(
                (c for c in posts_in_thread(bot.slack, record.thread_ts) if "ask the reporter" in c.params["text"]),
                None,
            )
        )
    posted = "\n".join([answer.params["text"], str(answer.params["blocks"])])
    assert "&lt;!channel&gt;" in posted and "&amp;" in posted
    assert "<!" not in posted and "<@U123" not in posted
    assert "who are the officials" in llm.completion_requests[0].message("user")


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
