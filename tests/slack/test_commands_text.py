"""Thread replies as commands; everything else is conversation and returns None."""

from __future__ import annotations

import pytest

from bot.slack.commands_text import ThreadCommand, parse_thread_command


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("verified 2 Pentagon statement", ThreadCommand("verified", [2], "Pentagon statement")),
        ("verify 2", ThreadCommand("verified", [2])),
        ("Verified 2, 5 and 7 note", ThreadCommand("verified", [2, 5, 7], "note")),
        ("verified 2-4", ThreadCommand("verified", [2, 3, 4])),
        ("verified 4–2", ThreadCommand("verified", [2, 3, 4])),
        ("verified #2 &amp; #3", ThreadCommand("verified", [2, 3])),
        ("verified items 2 and 3: both in the PDF", ThreadCommand("verified", [2, 3], "both in the PDF")),
        ("verified 2, 2, 3", ThreadCommand("verified", [2, 3])),
        ("flag 3 the figure is from 2019", ThreadCommand("flag", [3], "the figure is from 2019")),
        ("FLAGGED 3", ThreadCommand("flag", [3])),
        ("flag 3 — wrong year", ThreadCommand("flag", [3], "wrong year")),
        ("reopen 3", ThreadCommand("reopen", [3])),
        ("reopen 99", ThreadCommand("reopen", [99])),  # range checks are the caller's business
        ("status", ThreadCommand("status")),
        ("Status?", ThreadCommand("status")),
        ("help", ThreadCommand("help")),
        ("<@U0BOT> verified 2", ThreadCommand("verified", [2])),
        ("<@U0BOT|factcheck>: flag 4: AT&amp;T &lt;denied&gt; it", ThreadCommand("flag", [4], "AT&T <denied> it")),
        ("@U0BOT help", ThreadCommand("help")),
        ("verified 2 see <https://example.org/doc|the filing>", ThreadCommand("verified", [2], "see the filing")),
    ],
)
def test_commands(text: str, expected: ThreadCommand) -> None:
    assert parse_thread_command(text) == expected


def test_recheck_keeps_line_breaks() -> None:
    same_line = parse_thread_command("recheck Minister resigns\n\nThe minister resigned on Monday.\nOfficials said…")
    assert same_line == ThreadCommand(
        "recheck", revised_text="Minister resigns\n\nThe minister resigned on Monday.\nOfficials said…"
    )
    next_line = parse_thread_command("<@U0BOT> Recheck:\nTitle\n  indented line\n\n")
    assert next_line == ThreadCommand("recheck", revised_text="Title\n  indented line")
    assert parse_thread_command("recheck") == ThreadCommand("recheck")
    decoded = parse_thread_command("recheck Q&amp;A: &lt;b&gt;")
    assert decoded is not None and decoded.revised_text == "Q&A: <b>"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "thanks, looks good",
        "I verified 2 already",  # the verb must come first
        "verified that with the desk",
        "verified!",
        "verified 2nd paragraph",
        "Flag football tonight?",
        "reopen the doc please",
        "status update: the piece runs at 6",
        "help me with item 3",
        "verifying 2",
        "verified 1-100000",  # not a plausible command, and never expanded
        "<@U0BOT>",
        "<@U0BOT> what do you think?",
    ],
)
def test_conversation_is_not_a_command(text: str) -> None:
    assert parse_thread_command(text) is None


def test_desk_commands() -> None:
    from bot.slack.commands_text import parse_thread_command as parse

    assert parse("assign 3 <@U123ABC>").assignee == "U123ABC"  # type: ignore[union-attr]
    both = parse("assign 2, 5 to <@U9|bob>")
    assert both is not None and both.numbers == [2, 5] and both.assignee == "U9"
    assert parse("<@UBOT> assign 2-3 me").assignee == "me"  # type: ignore[union-attr]
    assert parse("assign the work to someone") is None  # conversation
    assert parse("assign 2 <@U1> and more") is None
    assert parse("assign 2") is None  # to whom?
    unassign = parse("unassign 4")
    assert unassign is not None and unassign.action == "unassign" and unassign.numbers == [4]
    waive = parse("waive 2 cut from the story")
    assert waive is not None and waive.action == "waive" and waive.note == "cut from the story"
    assert parse("waive 3") is not None and parse("waive 3").note == ""  # type: ignore[union-attr]
