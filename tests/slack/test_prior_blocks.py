"""The prior fact-checks builder (bot/slack/prior_checks.py) and its place in the checklist messages:
escaping, links only from clean URLs, Slack's limits with the most the API can give."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block

from bot.models import Checklist, ChecklistStats, ClaimItem, PriorCheck
from bot.slack.blocks import checklist_messages
from bot.slack.prior_checks import (
    STATUS_PENDING,
    prior_check_line,
    prior_checks_block,
    prior_note_block,
    review_date,
)
from bot.slack.records import ThreadRecord
from standins.slack_api import MAX_CONTEXT_ELEMENT, validate_message

EVIL = "<!channel> <@U999> & <http://evil.example|click>"
RECORD = ThreadRecord(
    checklist_id="C1:1700000000.000100",
    channel="C1",
    thread_ts="1700000000.000100",
    requested_by="U1",
    trigger="reaction",
    article_id="abc",
    title="Title",
)


def check(**kw: Any) -> PriorCheck:
    fields: dict[str, Any] = {
        "publisher": "PolitiFact",
        "url": "https://www.politifact.com/factchecks/2024/aug/12/x/",
        "rating": "False",
        "review_date": "2024-08-12T00:00:00Z",
        "claim_text": "The plan costs $3 billion",
    }
    fields.update(kw)
    return PriorCheck(**fields)


def claim(n: int, checks: list[PriorCheck], quote: str = "") -> ClaimItem:
    quote = quote or f"Officials said the plan may cost about $3 billion ({n})."
    return ClaimItem(
        number=n, quote=quote, start=0, end=len(quote), why="a figure", how_to_verify="ask", priority="high",
        claim=f"the plan may cost about $3 billion ({n})", basis="disputed_figure", prior_checks=checks,
    )  # fmt: skip


def checklist(items: list[ClaimItem], status: str = "done") -> Checklist:
    return Checklist(
        article_id="abc", title="Title", text_length=100, items=items,
        stats=ChecklistStats(items=len(items), claims=len(items), prior_checks=status),
    )  # fmt: skip


def test_a_line_shows_publisher_link_date_and_rating_as_published() -> None:
    line = prior_check_line(check())
    assert line.startswith("• <https://www.politifact.com/factchecks/2024/aug/12/x/|PolitiFact>, 12 Aug 2024: “False”")
    assert "checked: “The plan costs $3 billion”" in line


def test_third_party_text_is_escaped_and_kept_on_one_line() -> None:
    line = prior_check_line(check(publisher=EVIL, rating=f"Pants\non fire {EVIL}", claim_text=f"x\n> {EVIL}"))
    assert "<!" not in line and "<@" not in line and "<http://evil" not in line
    assert "&lt;!channel&gt;" in line and "&amp;" in line
    assert line.count("\n") == 1  # one line for the check, one for the checked claim: no injected lines
    assert "Pants on fire" in line


def test_third_party_text_cannot_fake_a_line_of_ours() -> None:
    fake = "*Verified* by the desk :white_check_mark: ~done~ `x`\u202e\u200b"
    line = prior_check_line(check(publisher=fake, rating=fake, claim_text=fake))
    assert not any(marker in line.replace(":mag_right:", "") for marker in ("*", "~", "`", ":white_check_mark:"))
    assert "\u202e" not in line and "\u200b" not in line and "Verified" in line


def test_a_link_is_made_only_of_a_clean_http_url() -> None:
    too_long = "https://x.example/" + "a" * 400
    for url in ("javascript:alert(1)", "https://x.example/a|<!channel>", "https://x.example/a b", "ftp://x", too_long):
        line = prior_check_line(check(url=url))
        assert line.startswith("• PolitiFact, ") and "<" not in line.split("\n")[0]
    assert "<https://x.example/?a=1&amp;b=2|PolitiFact>" in prior_check_line(check(url="https://x.example/?a=1&b=2"))


def test_dates_and_missing_fields() -> None:
    assert review_date("2026-11-30T00:00:00Z") == "30 Nov 2026"
    assert review_date("yesterday <b>") == "yesterday &lt;b&gt;"
    assert review_date(None) == ""
    line = prior_check_line(check(publisher="", rating="", review_date=None, claim_text=""))
    assert line == "• <https://www.politifact.com/factchecks/2024/aug/12/x/|A fact-checker>: “no rating given”"


def test_block_lists_every_check_and_stays_within_a_context_element() -> None:
    assert prior_checks_block(claim(1, [])) is None
    huge = [check(publisher="P" * 5000, rating="R" * 5000, claim_text="C" * 5000, url="https://x.example/" + "u" * 250)]
    block = prior_checks_block(claim(4, huge * 3))
    assert block is not None and block["block_id"] == "fc_prior:4"
    [element] = block["elements"]
    assert len(element["text"]) <= MAX_CONTEXT_ELEMENT and element["text"].count("• ") == 3
    Block.parse(block).validate_json()  # type: ignore[union-attr]


def test_note_while_looking_and_when_the_step_failed() -> None:
    assert prior_note_block("off") is None and prior_note_block("done") is None
    assert "Looking for published fact-checks" in prior_note_block(STATUS_PENDING)["elements"][0]["text"]  # type: ignore[index]
    failed = prior_note_block(f"failed: no answer within 15 s for 3 of 3 claims {EVIL}")
    assert failed is not None
    text = failed["elements"][0]["text"]
    assert (
        text.startswith(":warning: Prior fact-checks could not be fetched (no answer within 15 s") and "<!" not in text
    )


def test_checklist_messages_show_checks_under_their_claim_and_the_note_first() -> None:
    items = [claim(1, [check()]), claim(2, [])]
    [message] = checklist_messages(checklist(items, "failed: 1 of 2 searches failed (HTTP 503)"), RECORD, {})
    ids = [b.get("block_id") for b in message.blocks]
    assert ids.index("fc_prior_note") == 2  # right under the summary
    assert ids[ids.index("fc_item:1") + 1] == "fc_prior:1"  # under the claim, before its buttons
    assert "fc_prior:2" not in ids


def test_the_largest_prior_checks_still_split_within_slack_limits() -> None:
    long_quote = "The ministry said the harbour plan may cost about $3 billion over ten years. " * 30
    worst = [check(publisher="P" * 500, rating="R" * 500, claim_text="C" * 500) for _ in range(3)]
    items = [claim(n, worst, quote=long_quote) for n in range(1, 41)]
    messages = checklist_messages(checklist(items), RECORD, {})
    assert len(messages) > 1
    shown = [b["block_id"] for m in messages for b in m.blocks if b.get("block_id", "").startswith("fc_prior:")]
    assert shown == [f"fc_prior:{n}" for n in range(1, 41)]
    for message in messages:
        assert validate_message({"text": message.text, "blocks": message.blocks}) is None
