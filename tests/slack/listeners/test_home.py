"""App Home over HTTP: app_home_opened → views.publish with the user's checklists and assigned open items."""

from __future__ import annotations

import json

from slack_sdk.models.views import View

from bot.slack.views import HomeItem, HomeStory, home_view
from standins.desk_driver import home_opened
from standins.slack_driver import CHANNEL, EDITOR, OTHER_EDITOR, Bot, wait_until
from tests.slack.helpers import checked_by_reaction


def _published(bot: Bot, user: str, count: int) -> dict:
    views = wait_until(lambda: (v := [x for x in bot.slack.views if x["user_id"] == user]) and len(v) >= count and v)
    return views[count - 1]["view"]


def test_home_lists_my_checklists_and_what_is_assigned_to_me(bot: Bot) -> None:
    first = checked_by_reaction(bot)
    second = checked_by_reaction(bot, "1700000500.000100")
    state = bot.services.state
    checklist = state.get_checklist(second.checklist_id)
    assert checklist is not None
    low = max(checklist.items, key=lambda i: ("high", "medium", "low").index(i.priority))
    high = min(checklist.items, key=lambda i: ("high", "medium", "low").index(i.priority))
    bot.reply(second.thread_ts, f"assign {low.number}, {high.number} <@{OTHER_EDITOR}>")
    wait_until(lambda: len(state.owners(second.checklist_id)) == 2)

    assert home_opened(bot, EDITOR).status == 200
    mine = json.dumps(_published(bot, EDITOR, 1), ensure_ascii=False)
    assert "Checklists you started" in mine and "Open stories in your channels" in mine
    for record in (first, second):
        assert f"https://example.slack.com/archives/{CHANNEL}/p{record.thread_ts.replace('.', '')}" in mine
    assert "Nothing assigned to you is open." in mine

    home_opened(bot, OTHER_EDITOR)
    theirs = _published(bot, OTHER_EDITOR, 1)
    text = json.dumps(theirs, ensure_ascii=False)
    assert f"item {high.number}>" in text and f"item {low.number}>" in text
    if high.priority != low.priority:  # high priority first
        assert text.index(f"item {high.number}>") < text.index(f"item {low.number}>")
    # Settled items leave the list.
    bot.reply(second.thread_ts, f"verified {high.number}")
    wait_until(lambda: high.number in state.statuses(second.checklist_id))
    home_opened(bot, OTHER_EDITOR)
    again = json.dumps(_published(bot, OTHER_EDITOR, 2), ensure_ascii=False)
    assert f"item {high.number}>" not in again and f"item {low.number}>" in again


def test_messages_tab_and_expired_threads(bot: Bot) -> None:
    record = checked_by_reaction(bot)
    home_opened(bot, EDITOR, tab="messages")
    bot.services.redis.delete(f"fc:rec:{record.checklist_id}")  # expired
    home_opened(bot, EDITOR)
    view = json.dumps(_published(bot, EDITOR, 1))
    assert len([v for v in bot.slack.views if v["user_id"] == EDITOR]) == 1  # the Messages tab published nothing
    assert "You have not started a checklist yet" in view
    assert not bot.services.redis.zscore(f"fc:idx:started:{EDITOR}", record.checklist_id)  # pruned


def test_home_view_stays_within_limits_however_long_the_lists() -> None:
    story = HomeStory("<!channel> " + "long title " * 30, "C1", "https://x/archives/C1/p1", "1 of 9 settled", False)
    item = HomeItem("<@U999> story", "https://x/archives/C1/p1", 3, "high", "quote " * 200, "flagged")
    view = home_view([story] * 500, [item] * 500, [story] * 500)
    assert len(view["blocks"]) <= 100
    View(**view).validate_json()
    text = json.dumps(view, ensure_ascii=False)
    assert "<!channel>" not in text and "<@U999>" not in text and "…and 485 more" in text
    assert all(len(b["text"]["text"]) <= 3000 for b in view["blocks"] if b["type"] == "section")
