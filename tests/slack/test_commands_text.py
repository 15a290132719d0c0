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


# -- bounded work (issue #10: "verified 1-999 1001-1999 …" took 13.8 s at 584 characters) ---------------
def _ranges(chars: int) -> str:
    text, low = "verified", 1
    while len(text) < chars:
        text += f" {low}-{low + 998}"
        low += 1000
    return text


@pytest.mark.timeout(10)  # generous: the quadratic parser needed far longer than this for 5,000 characters
def test_a_5000_character_range_list_is_refused_cheaply() -> None:
    text = _ranges(5_000)
    assert len(text) >= 5_000
    assert parse_thread_command(text) is None  # ~500 ranges of 999: past MAX_TERMS and MAX_NUMBERS
    assert parse_thread_command(f"<@U0BOT> {text} and a note") is None


@pytest.mark.timeout(10)
def test_expansion_is_capped_whatever_the_shape() -> None:
    from bot.slack.commands_text import MAX_NUMBERS, MAX_TERMS

    everything = list(range(1, MAX_NUMBERS + 1))
    assert parse_thread_command(f"verified 1-{MAX_NUMBERS}") == ThreadCommand("verified", everything)
    assert parse_thread_command(f"verified 1-{MAX_NUMBERS + 1}") is None
    assert parse_thread_command("verified 1-600 601-1200") is None  # the cap is on the total, not per range
    many = " ".join(str(n) for n in range(1, MAX_TERMS + 1))
    assert parse_thread_command(f"verified {many}") == ThreadCommand("verified", list(range(1, MAX_TERMS + 1)))
    assert parse_thread_command(f"verified {many} {MAX_TERMS + 1}") is None
    # Repeats cost a set lookup each, not a scan of everything found so far.
    repeated = parse_thread_command("verified " + ", ".join(["1-20"] * MAX_TERMS))
    assert repeated == ThreadCommand("verified", list(range(1, 21)))


@pytest.mark.timeout(10)
def test_long_replies_are_read_in_linear_time() -> None:
    from bot.slack.commands_text import MAX_TEXT_CHARS

    mentions = "<@U0BOT> " * 4_000  # 36,000 characters of leading mentions
    assert parse_thread_command(mentions + "verified 2 ok") == ThreadCommand("verified", [2], "ok")
    note = "x " * 15_000
    assert parse_thread_command("flag 3 " + note) == ThreadCommand("flag", [3], note.strip())
    assert parse_thread_command("verified 2 " + "y" * MAX_TEXT_CHARS) is None  # longer than Slack sends
