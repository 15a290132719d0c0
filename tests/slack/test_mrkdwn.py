"""Escaping what the bot posts, decoding what Slack sends, fitting quotes to a limit."""

from __future__ import annotations

import random

import pytest

from bot.slack.mrkdwn import decode_incoming, escape, escape_truncate, mention, quote_block, quote_block_shortened


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


def test_quote_block_prefixes_every_line_and_escapes() -> None:
    out = quote_block("First <!here> line\n\nthird & last", 200)
    assert out == "> First &lt;!here&gt; line\n> \n> third &amp; last"


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
