"""The desk's Block Kit builders: pure, escaped, within Slack's limits."""

from __future__ import annotations

import json

from slack_sdk.models.views import View

from bot.slack.views import MAX_VIEW_BLOCKS, assigned_message, item_modal, submitted

EVIL = "<!channel> <@U999> <http://evil|x> & co"


def assert_view_ok(view: dict) -> None:
    assert len(view["blocks"]) <= MAX_VIEW_BLOCKS
    View(**view).validate_json()  # slack_sdk's own checks (title length, block types, ids)
    assert "<!" not in json.dumps(view)


def test_note_modals() -> None:
    for op in ("note:verified", "note:flag", "note:waive"):
        view = item_modal(op, "C1:1700000000.000100", 2, 7, EVIL * 40)
        assert_view_ok(view)
        assert json.loads(view["private_metadata"]) == {"op": op, "cid": "C1:1700000000.000100", "v": 2, "n": 7}
        [field] = [b for b in view["blocks"] if b["type"] == "input"]
        assert field["optional"] is (op != "note:waive")
        assert len(view["blocks"][0]["elements"][0]["text"]) < 500  # the quote is shortened


def test_assign_modal_and_submission() -> None:
    view = item_modal("assign", "C1:1.2", 1, 3, "quote", owner="U0OWNER")
    assert_view_ok(view)
    [field] = [b for b in view["blocks"] if b["type"] == "input"]
    assert field["element"]["initial_user"] == "U0OWNER" and field["optional"] is True
    state = {"values": {"fc_owner": {"user": {"type": "users_select", "selected_user": "U2"}}}}
    assert submitted({**view, "state": state}) == ({"op": "assign", "cid": "C1:1.2", "v": 1, "n": 3}, "", "U2")
    assert submitted({"private_metadata": "not json"}) == ({}, "", None)


def test_assigned_message_is_escaped() -> None:
    message = assigned_message(EVIL, list(range(1, 15)), [EVIL] * 14, "U0EDITOR", "https://x.slack.com/archives/C/p1")
    text = json.dumps(message.blocks, ensure_ascii=False)
    assert "<!channel>" not in text and "<@U999>" not in text and "&lt;!channel&gt;" in text
    assert "<https://x.slack.com/archives/C/p1|Open the checklist thread>" in text
    assert "…and 4 more" in text and len(message.blocks) <= 50


def test_recheck_summary_and_changes() -> None:
    from bot.slack.records import ItemStatus
    from bot.slack.state import carry_owners, recheck_changes
    from bot.slack.views import recheck_summary
    from tests.slack.test_blocks import _checklist, _claim

    old = _checklist([_claim(n, f"Old quote {n} {EVIL}") for n in range(1, 41)] + [_claim(41, "Kept quote")])
    new = _checklist([_claim(1, "Kept quote"), _claim(2, "Brand new quote")])
    added, gone = recheck_changes(old, new)
    assert added == [2] and gone == list(range(1, 41))
    assert carry_owners(old, {41: "U0BOB", 3: "U0X"}, new) == {1: "U0BOB"}
    message = recheck_summary(old, new, 2, added, gone, {1: ItemStatus(status="verified")})
    text = message.blocks[0]["text"]["text"]
    assert len(message.blocks) == 1 and len(text) <= 3000
    assert "*Rechecked: version 2* · 2 items (version 1 had 41)" in text
    assert ":new: 1 new: 2" in text and "40 gone" in text and "…and 32 more" in text
    assert "1 kept their status (same quote): 1 verified" in text and "<!channel>" not in text
    nothing = recheck_summary(new, new, 3, [], [], {})
    assert (
        "No new items." in nothing.blocks[0]["text"]["text"] and "No items gone." in nothing.blocks[0]["text"]["text"]
    )
