"""Thread commands, rechecks and questions in a checklist thread, end to end over HTTP."""

from __future__ import annotations

from standins.slack_driver import ARTICLE, CHANNEL, EDITOR, OTHER_EDITOR, Bot, wait_until
from tests.slack.helpers import (
    all_posted_text,
    checked_by_reaction,
    item_numbers,
    posts_in_thread,
    statuses,
)


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


def test_question_without_llm_explains_how_to_enable_it(bot: Bot) -> None:
    record = checked_by_reaction(bot)
    bot.mention(record.thread_ts, "who are the officials in item 3?")
    wait_until(lambda: any("OPENAI_API_KEY" in c.params["text"] for c in posts_in_thread(bot.slack, record.thread_ts)))


def test_question_with_llm_is_answered_escaped(bot: Bot) -> None:
    import dataclasses

    from standins.openai_server import OpenAIStandIn, Scripted

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
