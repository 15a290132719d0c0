"""Escaping what the bot posts, decoding what Slack sends, fitting quotes to a limit."""

from __future__ import annotations

import random
import re

import pytest

from bot.slack.mrkdwn import (
    decode_incoming,
    escape,
    escape_truncate,
    mention,
    neutral,
    neutral_truncate,
    quote_block,
    quote_block_shortened,
)


def test_escape_neutralises_slack_markup() -> None:
    assert escape("<!channel> & <@U123>") == "&lt;!channel&gt; &amp; &lt;@U123&gt;"
    assert escape("&amp;") == "&amp;amp;"  # an entity typed by someone stays visible as typed


@pytest.mark.parametrize(
    ("wire", "seen"),
    [
        ("see <http://x.com|the report>", "see the report"),
        ("<http://x.com>", "http://x.com"),
        ("<mailto:a@b.org|a@b.org>", "a@b.org"),
        ("<mailto:a@b.org>", "a@b.org"),
        ("hi <@U123>", "hi @U123"),
        ("hi <@U123|maria>", "hi @maria"),
        ("in <#C123|general>", "in #general"),
        ("<!channel> <!here> <!everyone>", "@channel @here @everyone"),
        ("<!subteam^S1|@desk>", "@desk"),
        ("<!date^1392734382^{date_short}|Feb 18, 2014>", "Feb 18, 2014"),
        ("AT&amp;T &lt;b&gt;", "AT&T <b>"),
        ("&amp;lt;", "&lt;"),  # amp decoded last: the editor typed "&lt;"
        ("<http://x.com?a=1&amp;b=2|Q&amp;A>", "Q&A"),
    ],
)
def test_decode_incoming(wire: str, seen: str) -> None:
    assert decode_incoming(wire) == seen


def test_decode_escape_round_trip() -> None:
    rng = random.Random(7)
    alphabet = "ab <>&;!@#|:/lgtmpq\n“é"
    samples = ["", "&", "&lt;", "&amp;gt;", "<>", "a < b && c > d", "x &gt y"]
    samples += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(2000)]
    for s in samples:
        assert decode_incoming(escape(s)) == s


def test_escape_truncate_never_cuts_an_entity() -> None:
    text = "&" * 50
    for limit in range(0, 40):
        out = escape_truncate(text, limit)
        assert len(out) <= limit
        body = out.removesuffix("…")
        assert body == "&amp;" * (len(body) // 5)
    assert escape_truncate("short", 10) == "short"


def test_mention_only_for_user_ids() -> None:
    assert mention("U012AB3CD") == "<@U012AB3CD>"
    assert mention("<!channel>") == "&lt;!channel&gt;"
    assert mention(None) == "someone"


def test_quote_block_is_one_escaped_line() -> None:
    # One line (issue #10): a line break would let the article write a line of its own under the quote.
    out = quote_block("First <!here> line\n\nthird & last", 200)
    assert out == "> First &lt;!here&gt; line third &amp; last"


def test_quote_block_fits_limit() -> None:
    long = ("A sentence that goes on & on. " * 50 + "\n") * 20
    for limit in (5, 20, 100, 999, 2500):
        out, shortened = quote_block_shortened(long, limit)
        assert len(out) <= limit
        assert shortened
        assert out.endswith("…")
        assert all(line.startswith(">") for line in out.splitlines())
        assert "&am…" not in out and "&a…" not in out
    out, shortened = quote_block_shortened("tiny", 100)
    assert (out, shortened) == ("> tiny", False)


# -- neutral: nothing from an article or an LLM can fake a line of ours (issue #10, item 8) -------------
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c"
ZERO_WIDTH = "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"


@pytest.mark.parametrize(
    "hostile",
    [
        "A claim.\n:white_check_mark: *Verified* by <@U0BOSS>, 09:12",
        "A claim.\r\n\r\n✅ *Verified* by @boss",
        "A claim.\u2028✅ _Verified_ by the desk\u2029~struck~",
        "```\nfake code block\n```",
        "`inline` and ``double`` ticks",
        "x\u202e\u2067kcehc-tcaf\u2069 y\u200b\u200bz\ufeff",
        ":x: Flagged :warning::heavy_check_mark:",
        "\u0007bell\u001b[31mred\u007f\x0bvertical\x0cfeed\x85next",
    ],
)
def test_neutral_leaves_one_inert_line(hostile: str) -> None:
    out = neutral(hostile)
    assert not any(ch in out for ch in "*~`\n\r\u2028\u2029\x0b\x0c\x85")
    assert not re.search(r"(?<![^\W_])_|_(?![^\W_])", out)  # no "_" at a word's edge: no italics
    assert not any(ch in out for ch in BIDI + ZERO_WIDTH)
    assert not any(ord(ch) < 32 or ord(ch) == 127 for ch in out)
    assert not re.search(r":[\w+'-]*[A-Za-z][\w+'-]*:", out)  # no emoji code left for Slack to render
    assert out == out.strip()


def test_neutral_keeps_what_is_harmless() -> None:
    assert neutral("At 10:30:45 the minister said: “no”.") == "At 10:30:45 the minister said: “no”."
    assert neutral("Ratio 3:2 and a URL https://x.example/a:b") == "Ratio 3:2 and a URL https://x.example/a:b"
    assert neutral("Plain text, café, 東京, עברית") == "Plain text, café, 東京, עברית"  # letters and RTL scripts stay
    assert neutral("one\n\n  two\n") == "one two"
    assert neutral("a\tb") == "a\tb"
    assert neutral("check OPENAI_API_KEY, snake_case") == "check OPENAI_API_KEY, snake_case"  # inside words
    assert neutral("_italic_ (_too_)") == "\u02cditalic\u02cd (\u02cdtoo\u02cd)"
    # Joiners build emoji and Persian words; next to ASCII they only hide or split a word.
    assert neutral("judge 👩\u200d⚖️ and می\u200cخواهم") == "judge 👩\u200d⚖️ and می\u200cخواهم"
    assert neutral("Ver\u200difi\u200ced \u200d@here\u200c") == "Verified @here"


def test_neutral_truncate_escapes_and_fits() -> None:
    out = neutral_truncate("<!channel> *big* news\n" * 50, 100)
    assert len(out) <= 100 and out.endswith("…")
    assert "<" not in out and "*" not in out and "\n" not in out


def test_quote_block_cannot_fake_a_status_line() -> None:
    out = quote_block("The minister resigned.\n:white_check_mark: *Verified* by <@U0BOSS>\u202e", 500)
    assert out.count("\n") == 0 and out.startswith("> ")
    assert "*" not in out and ":white_check_mark:" not in out and "\u202e" not in out and "<@" not in out


@pytest.mark.timeout(10)
def test_neutral_is_linear_on_long_hostile_input() -> None:
    joiners = "é" + "\u200d" * 200_000 + "é"
    for hostile in (":" + "a" * 200_000, (":a" * 100_000), " " * 200_000 + "\n", "\n" * 200_000, joiners):
        assert len(neutral(hostile)) <= len(hostile)
