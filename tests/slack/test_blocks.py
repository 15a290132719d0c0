"""Block Kit payloads: structure validated by slack_sdk's own models, every Slack limit, escaping."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from bot.models import Checklist, ChecklistStats, ClaimItem, SourceItem, Span
from bot.slack.blocks import (
    MAX_BLOCKS,
    SlackMessage,
    checklist_messages,
    help_message,
    notice_message,
    parent_message,
    placeholder_message,
    status_message,
    text_weight,
)
from bot.slack.records import HistoryEntry, ItemStatus, ThreadRecord

EVIL = "<!channel> <@U999> <!here|here> & <http://evil.example|click>"


def _claim(n: int, quote: str = "", **kw: Any) -> ClaimItem:
    quote = quote or f"The ministry spent 4.2 billion on item {n} last year, officials said."
    fields: dict[str, Any] = {
        "number": n,
        "quote": quote,
        "start": 0,
        "end": len(quote),
        "why": "The figure has no source.",
        "how_to_verify": "Ask the ministry for the budget line.",
        "priority": "high",
        "claim": f"The ministry spent 4.2 billion ({n}).",
        "basis": "disputed_figure",
        "hedges": [Span(text="officials said", start=0, end=14)],
    }
    fields.update(kw)
    return ClaimItem(**fields)


def _source(n: int, **kw: Any) -> SourceItem:
    quote = f"according to people familiar with the talks ({n})"
    fields: dict[str, Any] = {
        "number": n,
        "quote": quote,
        "start": 0,
        "end": len(quote),
        "why": "Anonymous sourcing.",
        "how_to_verify": "Find a named source or a document.",
        "priority": "medium",
        "source_type": "anonymous",
        "source": Span(text="people familiar with the talks", start=13, end=43),
    }
    fields.update(kw)
    return SourceItem(**fields)


def _checklist(items: list[ClaimItem | SourceItem], title: str = "Budget row deepens", **stats: Any) -> Checklist:
    claims = sum(1 for i in items if i.kind == "claim")
    return Checklist(
        article_id="abc123",
        title=title,
        text_length=5000,
        items=items,
        stats=ChecklistStats(items=len(items), claims=claims, sources=len(items) - claims, analyzer="llm", **stats),
    )


RECORD = ThreadRecord(
    checklist_id="C0123ABCD:1732512000.000100",
    channel="C0123ABCD",
    thread_ts="1732512000.000100",
    requested_by="U0EDITOR",
    trigger="command",
    article_id="abc123",
    title="Budget row deepens",
    version=2,
)


def _texts(node: Any) -> list[str]:
    """Every string under a "text" key, at any depth."""
    out: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "text" and isinstance(value, str):
                out.append(value)
            else:
                out += _texts(value)
    elif isinstance(node, list):
        for value in node:
            out += _texts(value)
    return out


def assert_within_limits(message: SlackMessage) -> None:
    """Slack's limits, checked by hand and by slack_sdk's validators (``to_dict`` validates)."""
    assert 0 < len(message.text) <= 3000
    assert len(message.blocks) <= 50
    assert text_weight(message.blocks) <= 12_000
    block_ids = [b["block_id"] for b in message.blocks if "block_id" in b]
    assert len(block_ids) == len(set(block_ids))
    for block in message.blocks:
        parsed = Block.parse(block)
        assert parsed is not None
        assert parsed.to_dict() == block  # nothing unknown was dropped, and validators passed
        assert len(block.get("block_id", "")) <= 255
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
        if block["type"] == "actions":
            for el in block["elements"]:
                assert len(el["text"]["text"]) <= 75
                assert len(el["value"]) <= 2000
                assert len(el["action_id"]) <= 255
    for text in [message.text, *_texts(message.blocks)]:
        assert "<!" not in text
        assert "<@U999>" not in text and "<http" not in text


def test_single_message_layout() -> None:
    checklist = _checklist([_claim(1), _source(2)])
    statuses = {1: ItemStatus(status="verified", by="U0ALICE", at=1732512600.0, note="Budget doc p.4")}
    [message] = checklist_messages(checklist, RECORD, statuses)
    assert_within_limits(message)
    blocks = message.blocks
    assert blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Fact-check checklist", "emoji": True},
    }
    summary = blocks[1]["elements"][0]["text"]
    assert "1 of 2 verified" in summary and "Analyzer: llm" in summary
    first = blocks[2]["text"]["text"]
    assert first.startswith("*1. Claim · figure* · :red_circle: high\n> The ministry spent 4.2 billion")
    for part in ("*Claim:*", "*Hedges:* “officials said”", "*Why:*", "*How to verify:*", "by <@U0ALICE>", "25 Nov"):
        assert part in first
    second = blocks[4]["text"]["text"]
    assert second.startswith("*2. Source · anonymous*") and "*Source cited:* people familiar with the talks" in second
    assert "Open" in second
    assert message.text.startswith("Fact-check checklist: Budget row deepens")


def test_buttons_follow_status() -> None:
    checklist = _checklist([_claim(1), _claim(2), _claim(3)])
    statuses = {2: ItemStatus(status="verified", by="U1"), 3: ItemStatus(status="flagged", by="U1")}
    [message] = checklist_messages(checklist, RECORD, statuses)
    actions = [b for b in message.blocks if b["type"] == "actions"]
    ids = [[el["action_id"] for el in b["elements"]] for b in actions]
    assert ids == [["fc_verify", "fc_flag"], ["fc_flag", "fc_reopen"], ["fc_verify", "fc_reopen"]]
    values = {el["value"] for el in actions[1]["elements"]}
    assert values == {"C0123ABCD:1732512000.000100|2|2"}


def test_everything_posted_is_escaped() -> None:
    item = _claim(1, quote=f"He wrote {EVIL} in the memo", claim=EVIL, why=EVIL, how_to_verify=EVIL)
    source = _source(2, source=Span(text=EVIL, start=0, end=len(EVIL)), hedges=[Span(text=EVIL, start=0, end=3)])
    checklist = _checklist([item, source], title=EVIL, fallback_reason=EVIL, model=EVIL)
    checklist.stats.analyzer = EVIL
    statuses = {1: ItemStatus(status="flagged", by="U0ALICE", at=1.0, note=EVIL), 2: ItemStatus(by=EVIL)}
    history = [HistoryEntry(at=1.0, user=EVIL, action=EVIL, numbers=[1], note=EVIL)]
    messages = [
        *checklist_messages(checklist, RECORD, statuses),
        parent_message(EVIL, EVIL, "command", checklist, statuses),
        parent_message(EVIL, "U0ALICE", "reaction", None),
        status_message(checklist, statuses, history),
        notice_message(EVIL),
        help_message(EVIL),
    ]
    for message in messages:
        assert_within_limits(message)
        assert "&lt;!channel&gt;" in message.text + "".join(_texts(message.blocks)) or message is messages[-1]
    assert "&amp;" in messages[0].blocks[2]["text"]["text"]


def test_120_items_split_within_limits_and_numbered_continuously() -> None:
    items: list[ClaimItem | SourceItem] = [
        _claim(n, why="Because " * 40) if n % 2 else _source(n) for n in range(1, 121)
    ]
    checklist = _checklist(items)
    statuses = {n: ItemStatus(status="verified", by="U0ALICE", at=1.0) for n in range(1, 121, 3)}
    messages = checklist_messages(checklist, RECORD, statuses)
    assert len(messages) >= 3
    seen: list[int] = []
    for index, message in enumerate(messages):
        assert_within_limits(message)
        assert len(message.blocks) <= MAX_BLOCKS
        numbers = [
            int(b["block_id"].split(":")[1]) for b in message.blocks if b.get("block_id", "").startswith("fc_item:")
        ]
        assert numbers
        if index:
            head = message.blocks[0]
            assert head["type"] == "context"
            assert head["elements"][0]["text"] == f"Checklist (continued) — items {numbers[0]}–{numbers[-1]}"
            assert message.text == f"Fact-check checklist (continued): items {numbers[0]}–{numbers[-1]}"
        # an item's section and its buttons travel together
        for n in numbers:
            ids = [b.get("block_id") for b in message.blocks]
            assert ids[ids.index(f"fc_item:{n}") + 1] == f"fc_actions:{n}"
        seen += numbers
    assert seen == list(range(1, 121))
    assert "40 of 120 verified" in messages[0].blocks[1]["elements"][0]["text"]


def test_long_items_split_by_text_weight() -> None:
    # Few blocks but lots of text: the ~12k total-text limit, not the block count, forces the split.
    items: list[ClaimItem | SourceItem] = [_claim(n, quote="Long sentence here. " * 200) for n in range(1, 11)]
    messages = checklist_messages(_checklist(items), RECORD, {})
    assert len(messages) >= 3
    for message in messages:
        assert_within_limits(message)


def test_huge_quote_is_shortened_on_screen_only() -> None:
    quote = ("Officials said the & numbers <b> were larger. " * 250)[:10_000]
    item = _claim(1, quote=quote)
    checklist = _checklist([item])
    [message] = checklist_messages(checklist, RECORD, {})
    assert_within_limits(message)
    text = message.blocks[2]["text"]["text"]
    assert len(text) <= 3000
    assert "(quote shortened)" in text
    assert "*Why:*" in text and "*How to verify:*" in text  # the rest of the item survives
    assert checklist.items[0].quote == quote  # the data is untouched


def test_huge_fields_everywhere_still_fit() -> None:
    big = "x" * 5000
    item = _claim(1, quote=big, claim=big, why=big, how_to_verify=big, hedges=[Span(text=big, start=0, end=1)])
    statuses = {1: ItemStatus(status="flagged", by="U1", at=1.0, note=big)}
    checklist = _checklist([item], title=big, fallback_reason=big, model=big)
    for message in checklist_messages(checklist, RECORD, statuses):
        assert_within_limits(message)
    assert_within_limits(parent_message(big, "U1", "command", checklist, statuses))
    assert_within_limits(notice_message(big))


def test_empty_checklist_says_so() -> None:
    checklist = _checklist([], dropped_ungrounded=3, fallback_reason="timeout")
    [message] = checklist_messages(checklist, RECORD, {})
    assert_within_limits(message)
    summary = message.blocks[1]["elements"][0]["text"]
    assert "Nothing to check was found" in summary
    assert "offline analyzer stood in" in summary and "timeout" in summary
    assert "Dropped 3 item(s)" in summary
    assert message.blocks[-1]["text"]["text"] == "Nothing to check was found."


def test_parent_message_counts() -> None:
    checklist = _checklist([_claim(1), _claim(2), _source(3)])
    pending = parent_message("Budget row", "U0EDITOR", "command", None)
    assert_within_limits(pending)
    assert pending.blocks[0]["text"]["text"] == "<@U0EDITOR> asked for a fact-check: *Budget row*"
    done = parent_message("Budget row", "U0EDITOR", "reaction", checklist, {1: ItemStatus(status="verified")})
    assert_within_limits(done)
    assert "3 items: 2 claims, 1 source · 1 of 3 verified" in done.blocks[1]["elements"][0]["text"]
    assert "3 items: 2 claims, 1 source" in parent_message("B", "U0EDITOR", "command", checklist).text


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((4,), "Checking 4 sections…"),
        ((1,), "Checking 1 section…"),
        ((4, 2, 1), "Checking 4 sections… 2 of 4 done (1 from cache)"),
    ],
)
def test_placeholder(args: tuple[int, ...], expected: str) -> None:
    message = placeholder_message(*args)
    assert_within_limits(message)
    assert message.text == expected


def test_help_lists_ways_in_and_commands() -> None:
    message = help_message(":mag:")
    assert_within_limits(message)
    text = "\n".join(_texts(message.blocks))
    for part in ("/factcheck &lt;article text&gt;", ":mag:", "verified 2", "flag 3", "reopen 3", "status", "recheck"):
        assert part in text


def test_status_message_history_and_open_items() -> None:
    checklist = _checklist([_claim(n) for n in range(1, 121)])
    statuses = {
        2: ItemStatus(status="verified", by="U1", at=1.0),
        3: ItemStatus(status="flagged", by="U2", note="2019 figure"),
    }
    history = [HistoryEntry(at=1732512000.0 + i, user="U1", action="verified", numbers=[2, 3, 4, 9]) for i in range(60)]
    message = status_message(checklist, statuses, history)
    assert_within_limits(message)
    text = "\n".join(_texts(message.blocks))
    assert "1 of 120 verified · 1 flagged · 118 open" in text
    assert "3: :triangular_flag_on_post: *Flagged* by <@U2> — 2019 figure" in text
    assert "…and 103 more: 18–120" in text
    assert "(35 earlier entries not shown)" in text
    assert "<@U1> verified 2–4, 9" in text
    empty = status_message(_checklist([]), {}, [])
    assert_within_limits(empty)


def test_status_message_stays_within_limits_when_everything_is_long() -> None:
    big = "note & <!here> " * 50
    checklist = _checklist([_claim(n, quote="q" * 2000) for n in range(1, 121)])
    statuses = {n: ItemStatus(status="flagged", by="U0ALICE", at=1.0, note=big) for n in range(1, 121, 2)}
    history = [HistoryEntry(at=1.0, user="U0ALICE", action="flagged", numbers=list(range(1, 121, 2)), note=big)] * 100
    message = status_message(checklist, statuses, history)
    assert_within_limits(message)
    text = "\n".join(_texts(message.blocks))
    assert "more flagged: " in text and "more: " in text and "earlier entries not shown" in text


# -- hostile article and LLM text cannot fake a status line (issue #10, item 8) ----------------------------
FAKE = "\n:white_check_mark: *Verified* by <@U0BOSS>\u202e\u200b\n```x```"


def test_hostile_fields_cannot_add_a_line_or_format_an_item() -> None:
    item = _claim(
        1,
        quote="The ministry spent 4.2 billion." + FAKE,
        claim="It spent it." + FAKE,
        why="No source." + FAKE,
        how_to_verify="Ask." + FAKE,
        hedges=[Span(text="said" + FAKE, start=0, end=4)],
    )
    checklist = _checklist([item], title="Budget" + FAKE, model="gpt\n*x*", fallback_reason="boom" + FAKE)
    status = ItemStatus(status="flagged", by="U0EDITOR", at=1.0, note="why" + FAKE)
    messages = checklist_messages(checklist, RECORD, {1: status})
    (section,) = [b for b in messages[0].blocks if b.get("block_id") == "fc_item:1"]
    lines = section["text"]["text"].split("\n")
    # Ours only: head, quote, claim, hedges, why, how to verify, status.
    assert len(lines) == 7, lines
    labels = ["*Claim:*", "*Hedges:*", "*Why:*", "*How", ":triangular_flag_on_post:"]
    assert [line.split(" ", 1)[0] for line in lines[2:]] == labels
    for line in lines[1:]:  # past the head, every * is one of our labels, never the article's
        body = line.split(":*", 1)[-1]
        assert "*" not in body.replace("*Flagged*", "") and "```" not in body and "`" not in body
    everything = "\n".join(t for m in messages for t in _texts(m.blocks)) + "".join(m.text for m in messages)
    assert ":white_check_mark:" not in everything and "<@U0BOSS>" not in everything
    assert not any(ch in everything for ch in "\u202e\u200b")
    summary = next(b for b in messages[0].blocks if b.get("block_id") == "fc_summary")
    assert all("Verified" not in line or line.startswith("*Budget") or "boom" in line for line in _texts(summary))


def test_hostile_title_and_notes_in_parent_status_and_notices() -> None:
    parent = parent_message("Budget" + FAKE, "U0EDITOR", "command", None)
    assert "\n" not in parent.blocks[0]["text"]["text"] and "\u202e" not in parent.text
    history = [HistoryEntry(at=1.0, user="U0EDITOR", action="flagged", numbers=[1], note="n" + FAKE)]
    item = _claim(1, quote="Quote" + FAKE)
    status = status_message(_checklist([item]), {1: ItemStatus()}, history)
    text = "\n".join(_texts(status.blocks))
    assert ":white_check_mark:" not in text and "\u202e" not in text and "<@U0BOSS>" not in text
    notice = notice_message("An answer\u202e from the model\u2067 \u200b")
    assert not any(ch in "\n".join(_texts(notice.blocks)) + notice.text for ch in "\u202e\u2067\u200b")
