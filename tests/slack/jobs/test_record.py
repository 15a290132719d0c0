"""A record that lasts: retention as a setting, and a recheck that says what changed and keeps version 1."""

from __future__ import annotations

import dataclasses
import json

import pytest
import redis

from bot.config import Settings
from standins.slack_driver import ARTICLE, CHANNEL, OTHER_EDITOR, Bot, start_bot, wait_until
from tests.slack.helpers import checked_by_reaction

REVISED = ARTICLE.replace(
    "Officials, who spoke on condition of anonymity, said the plan may cost about $3 billion.",
    "The finance office said on Wednesday that unemployment fell to 4 percent, according to figures it released.",
)


def _keys(client: redis.Redis, cid: str) -> list[str]:
    return [k.decode() for k in client.keys(f"fc:*{cid}*")]


def test_recheck_says_what_changed_and_keeps_the_old_version(bot: Bot) -> None:
    record = checked_by_reaction(bot)
    state = bot.services.state
    old = state.get_checklist(record.checklist_id)
    assert old is not None
    kept = next(i for i in old.items if i.quote in REVISED)
    gone = next(i for i in old.items if i.quote not in REVISED)
    bot.reply(record.thread_ts, f"verified {kept.number} on record")
    bot.reply(record.thread_ts, f"assign {kept.number} <@{OTHER_EDITOR}>")
    bot.reply(record.thread_ts, f"flag {gone.number} the figure is wrong")
    wait_until(lambda: len(state.history(record.checklist_id)) == 3)

    bot.reply(record.thread_ts, "recheck\n" + REVISED)
    summary = wait_until(
        lambda: [c for c in bot.slack.calls_to("chat.postMessage") if c.params.get("text", "").startswith("Rechecked")]
    )[0]
    new = state.get_checklist(record.checklist_id)
    assert new is not None and state.get_record(record.checklist_id).version == 2
    text = json.dumps(summary.params["blocks"], ensure_ascii=False)
    assert "*Rechecked: version 2*" in text and f"was {gone.number}:" in text
    assert "new:" in text and "kept their status" in text and "stay in `export`" in text
    [moved] = [i.number for i in new.items if i.quote == kept.quote and i.kind == kept.kind]
    assert state.statuses(record.checklist_id)[moved].status == "verified"
    assert state.owners(record.checklist_id) == {moved: OTHER_EDITOR}
    # Version 1 with its statuses and owners is kept, and export shows it.
    snapshot = json.loads(state.get_version(record.checklist_id, 1) or "{}")
    assert snapshot["statuses"][str(gone.number)]["status"] == "flagged"
    bot.reply(record.thread_ts, "export")
    files = wait_until(lambda: (f := bot.slack.files_in_thread(CHANNEL, record.thread_ts)) and len(f) == 2 and f)
    md = next(f["content"].decode() for f in files if f["filename"].endswith(".md"))
    assert "## Version 1 (replaced by a recheck)" in md and "flagged by @U0EDITOR" in md
    assert "| rechecked |" in md


def test_retention_is_a_setting(settings: Settings, redis_client: redis.Redis, slack) -> None:  # type: ignore[no-untyped-def]
    for days, expect in ((0, -1), (2, 2 * 24 * 3600)):
        bot = start_bot(dataclasses.replace(settings, state_ttl_days=days), redis_client, slack)
        try:
            ts = f"1700000{days}00.000100"
            record = checked_by_reaction(bot, ts)
            bot.reply(record.thread_ts, "verified 1")
            wait_until(lambda: bot.services.state.history(record.checklist_id))  # noqa: B023
            keys = _keys(redis_client, record.checklist_id)
            assert {"rec", "checklist", "article", "status", "history"} <= {k.split(":")[1] for k in keys}
            for key in keys:
                if key.startswith(("fc:rec:", "fc:checklist:", "fc:article:", "fc:status:", "fc:history:")):
                    ttl = redis_client.ttl(key)
                    assert ttl == -1 if expect == -1 else 0 < ttl <= expect, (key, ttl)
        finally:
            bot.drain()


def test_retention_setting_is_read_from_the_environment() -> None:
    assert Settings.from_env({}).state_ttl_days == 30
    assert Settings.from_env({"FACTCHECK_STATE_TTL_DAYS": "0"}).state_ttl_days == 0
    assert Settings.from_env({"FACTCHECK_READY_EMOJI": ":rocket:"}).ready_emoji == "rocket"
    with pytest.raises(ValueError):
        Settings.from_env({"FACTCHECK_STATE_TTL_DAYS": "-1"})
