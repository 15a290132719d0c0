"""`/factcheck settings`: a modal per channel, stored in Redis, applied to the channel's checklists."""

from __future__ import annotations

import json

from slack_sdk.models.views import View

from bot.slack.channel_settings import load
from bot.slack.views import settings_modal, settings_submitted
from standins.desk_driver import submit
from standins.slack_driver import CHANNEL, Bot, wait_until
from tests.slack.helpers import checked_by_reaction, item_numbers


def _values(priority: str, emoji: str, language: str = "") -> dict:
    return {
        "fc_set_priority": {"min_priority": {"type": "static_select", "selected_option": {"value": priority}}},
        "fc_set_emoji": {"ready_emoji": {"type": "plain_text_input", "value": emoji}},
        "fc_set_language": {"language": {"type": "plain_text_input", "value": language}},
    }


def test_settings_modal_saves_and_applies(bot: Bot) -> None:
    assert load(bot.services, CHANNEL).ready_emoji == "white_check_mark"  # the environment's default
    response = bot.command("settings")
    assert response.status == 200
    view = wait_until(lambda: bot.slack.views)[0]["view"]
    assert view["callback_id"] == "fc_settings_modal" and json.loads(view["private_metadata"]) == {"channel": CHANNEL}
    refused = submit(bot, view, _values("high", "not an emoji!"))
    assert refused.json()["response_action"] == "errors" and "fc_set_emoji" in refused.json()["errors"]
    assert submit(bot, view, _values("high", ":Rocket:", "Français")).status == 200
    wait_until(lambda: load(bot.services, CHANNEL).min_priority == "high")
    saved = load(bot.services, CHANNEL)
    assert (saved.ready_emoji, saved.language) == ("rocket", "Français")
    wait_until(
        lambda: any("Saved for this channel" in c.params["text"] for c in bot.slack.calls_to("chat.postEphemeral"))
    )

    # A checklist in this channel shows high-priority items only, says so, and the gate uses the rocket.
    record = checked_by_reaction(bot)
    checklist = bot.services.state.get_checklist(record.checklist_id)
    assert checklist is not None
    high = [i.number for i in checklist.items if i.priority == "high"]
    messages = [bot.slack.message(CHANNEL, ts) for ts in record.message_ts]
    assert item_numbers(messages) == high
    hidden = len(checklist.items) - len(high)
    if hidden:
        assert "not shown (this channel's setting)" in json.dumps(messages)
    bot.reply(record.thread_ts, "verified " + ", ".join(map(str, high)))
    wait_until(lambda: bot.slack.calls_to("reactions.add"))
    assert bot.slack.calls_to("reactions.add")[0].params["name"] == "rocket"
    bot.reply(record.thread_ts, "export")  # export still lists every item
    files = wait_until(lambda: (f := bot.slack.files_in_thread(CHANNEL, record.thread_ts)) and len(f) == 2 and f)
    table = next(f["content"].decode() for f in files if f["filename"].endswith(".csv"))
    assert len(table.strip().splitlines()) == len(checklist.items) + 1


def test_settings_modal_builder() -> None:
    view = settings_modal("C1", "medium", "rocket", "English")
    View(**view).validate_json()
    select = view["blocks"][1]["element"]
    assert select["initial_option"]["value"] == "medium"
    state = {"values": _values("low", " tada ", "")}
    assert settings_submitted({**view, "state": state}) == (
        "C1",
        {"min_priority": "low", "ready_emoji": "tada", "language": ""},
    )
