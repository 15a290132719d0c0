"""Notes, waivers and owners, end to end over HTTP: overflow → views.open → view_submission, and thread commands."""

from __future__ import annotations

import json

from standins.desk_driver import choose, note, picked_user, submit
from standins.slack_driver import CHANNEL, EDITOR, OTHER_EDITOR, Bot, wait_until
from tests.slack.helpers import checked_by_reaction, statuses


def _item_text(bot: Bot, record, number: int) -> str:  # type: ignore[no-untyped-def]
    for ts in bot.services.state.get_record(record.checklist_id).message_ts:
        for block in bot.slack.message(CHANNEL, ts)["blocks"]:
            if block.get("block_id") == f"fc_item:{number}":
                return block["text"]["text"]
    raise AssertionError(f"item {number} not shown")


def _opened(bot: Bot, count: int) -> dict:
    wait_until(lambda: len(bot.slack.views) >= count)
    return bot.slack.views[count - 1]["view"]


def test_flag_with_a_note_through_the_overflow_modal(bot: Bot) -> None:
    record = checked_by_reaction(bot)
    value = f"{record.checklist_id}|1|2"
    assert choose(bot, f"note:flag|{value}", thread_ts=record.thread_ts).status == 200
    view = _opened(bot, 1)
    assert bot.slack.calls_to("views.open")[0].params["trigger_id"]
    assert view["callback_id"] == "fc_item_modal" and view["title"]["text"] == "Flag, with a note"
    assert json.loads(view["private_metadata"]) == {"op": "note:flag", "cid": record.checklist_id, "v": 1, "n": 2}
    assert submit(bot, view, note("The figure is from <!channel> 2019")).status == 200
    wait_until(lambda: statuses(bot, record).get(2) == "flagged")
    assert bot.services.state.statuses(record.checklist_id)[2].note == "The figure is from <!channel> 2019"
    wait_until(lambda: "2019" in _item_text(bot, record, 2))
    assert "&lt;!channel&gt;" in _item_text(bot, record, 2)  # escaped on the way out
    # The one-click path is still there: Verified is a plain button.
    first_ts = bot.services.state.get_record(record.checklist_id).message_ts[0]
    bot.click(value.replace("|2", "|1"), "fc_verify", message_ts=first_ts, thread_ts=record.thread_ts)
    wait_until(lambda: statuses(bot, record).get(1) == "verified")


def test_a_waiver_needs_its_note(bot: Bot) -> None:
    record = checked_by_reaction(bot)
    choose(bot, f"note:waive|{record.checklist_id}|1|3", thread_ts=record.thread_ts)
    view = _opened(bot, 1)
    [field] = [b for b in view["blocks"] if b["type"] == "input"]
    assert field["optional"] is False
    refused = submit(bot, view, note("   "))
    assert refused.status == 200 and refused.json()["response_action"] == "errors"
    assert 3 not in statuses(bot, record)
    submit(bot, view, note("Cut from the story"))
    wait_until(lambda: statuses(bot, record).get(3) == "waived")
    # The thread command says what is missing instead of waiving silently.
    bot.reply(record.thread_ts, "waive 1")
    wait_until(lambda: any("needs its reason" in c.params["text"] for c in bot.slack.calls_to("chat.postMessage")))
    assert 1 not in statuses(bot, record)
    bot.reply(record.thread_ts, "waive 1 attributed to the minister, on record")
    wait_until(lambda: statuses(bot, record).get(1) == "waived")


def test_assign_tells_the_owner_once_with_a_link(bot: Bot) -> None:
    record = checked_by_reaction(bot)
    bot.reply(record.thread_ts, f"assign 2 <@{OTHER_EDITOR}|other>")
    wait_until(lambda: bot.services.state.owners(record.checklist_id) == {2: OTHER_EDITOR})
    wait_until(lambda: f"owner <@{OTHER_EDITOR}>" in _item_text(bot, record, 2))
    dms = wait_until(lambda: [c for c in bot.slack.calls_to("chat.postMessage") if c.params["channel"] == OTHER_EDITOR])
    assert len(dms) == 1
    dm = json.dumps(dms[0].params["blocks"])
    assert f"https://example.slack.com/archives/{CHANNEL}/p{record.thread_ts.replace('.', '')}" in dm
    assert f"<@{EDITOR}> assigned you item 2" in dm
    # Again for 2 and 3: only item 3 is news to them.
    bot.reply(record.thread_ts, f"assign 2, 3 to <@{OTHER_EDITOR}>")
    wait_until(lambda: bot.services.state.owners(record.checklist_id) == {2: OTHER_EDITOR, 3: OTHER_EDITOR})
    dms = wait_until(
        lambda: (
            (d := [c for c in bot.slack.calls_to("chat.postMessage") if c.params["channel"] == OTHER_EDITOR])
            and len(d) == 2
            and d
        )
    )
    assert "assigned you item 3" in json.dumps(dms[1].params["blocks"])
    # "me" needs no message; unassign clears the owner.
    bot.reply(record.thread_ts, "assign 1 me")
    wait_until(lambda: bot.services.state.owners(record.checklist_id).get(1) == EDITOR)
    bot.reply(record.thread_ts, "unassign 2")
    wait_until(lambda: 2 not in bot.services.state.owners(record.checklist_id))
    assert not [c for c in bot.slack.calls_to("chat.postMessage") if c.params["channel"] == EDITOR]
    actions = wait_until(  # the history entry is written just after the owner changes
        lambda: (a := [e.action for e in bot.services.state.history(record.checklist_id)]) and "unassigned" in a and a
    )
    assert actions.count("assigned") == 3 and actions.count("unassigned") == 1


def test_assign_from_the_item_menu(bot: Bot) -> None:
    record = checked_by_reaction(bot)
    choose(bot, f"assign|{record.checklist_id}|1|1", thread_ts=record.thread_ts)
    view = _opened(bot, 1)
    assert view["title"]["text"] == "Assign item 1"
    submit(bot, view, picked_user(OTHER_EDITOR))
    wait_until(lambda: bot.services.state.owners(record.checklist_id) == {1: OTHER_EDITOR})
    wait_until(lambda: [c for c in bot.slack.calls_to("chat.postMessage") if c.params["channel"] == OTHER_EDITOR])
    # A stale menu (an older version) opens nothing and says why.
    choose(bot, f"assign|{record.checklist_id}|0|1", thread_ts=record.thread_ts)
    wait_until(lambda: bot.slack.calls_to("chat.postEphemeral"))
    assert len(bot.slack.views) == 1


def test_help_lists_the_desk_commands(bot: Bot) -> None:
    record = checked_by_reaction(bot)
    bot.reply(record.thread_ts, "help")
    text = wait_until(
        lambda: [c for c in bot.slack.calls_to("chat.postMessage") if "waive" in json.dumps(c.params.get("blocks"))]
    )
    shown = json.dumps(text[0].params["blocks"])
    assert "assign 2, 5 @someone" in shown and "unassign 2" in shown


def test_a_modal_that_cannot_open_is_said(bot: Bot) -> None:
    record = checked_by_reaction(bot)
    bot.slack.fail("views.open", status=500, times=5)
    choose(bot, f"note:verified|{record.checklist_id}|1|1", thread_ts=record.thread_ts)
    wait_until(lambda: any("Pick it again" in c.params["text"] for c in bot.slack.calls_to("chat.postEphemeral")))
    assert not bot.slack.views and 1 not in statuses(bot, record)


def test_a_menu_choice_from_another_message_is_refused(bot: Bot) -> None:
    record = checked_by_reaction(bot)
    # The article message (the thread's parent) is not one of the checklist's messages: a copied value.
    choose(bot, f"note:flag|{record.checklist_id}|1|2", thread_ts=record.thread_ts, message_ts=record.thread_ts)
    wait_until(lambda: bot.slack.calls_to("chat.postEphemeral"))
    assert "does not belong to this message" in bot.slack.calls_to("chat.postEphemeral")[-1].params["text"]
    assert not bot.slack.views and 2 not in statuses(bot, record)
