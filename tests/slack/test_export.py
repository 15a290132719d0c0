"""`export` in the thread and the Export button: Markdown and CSV uploaded with files_upload_v2."""

from __future__ import annotations

import csv
import io

from standins.slack_driver import CHANNEL, OTHER_EDITOR, Bot, wait_until
from tests.slack.helpers import button_values, checked_by_reaction


def test_export_uploads_markdown_and_csv_to_the_thread(bot: Bot) -> None:
    record = checked_by_reaction(bot)
    bot.reply(record.thread_ts, "verified 1 called the ministry")
    bot.reply(record.thread_ts, f"assign 2 <@{OTHER_EDITOR}>")
    wait_until(lambda: len(bot.services.state.history(record.checklist_id)) == 2)
    bot.reply(record.thread_ts, "export")
    files = wait_until(lambda: (f := bot.slack.files_in_thread(CHANNEL, record.thread_ts)) and len(f) == 2 and f)
    # The three steps of files_upload_v2, each over HTTP.
    assert len(bot.slack.calls_to("files.getUploadURLExternal")) == 2
    assert len(bot.slack.calls_to("upload")) == 2
    [complete] = bot.slack.calls_to("files.completeUploadExternal")
    assert complete.params["channel_id"] == CHANNEL and complete.params["thread_ts"] == record.thread_ts
    by_name = {f["filename"].rsplit(".", 1)[1]: f["content"].decode("utf-8") for f in files}
    md, table = by_name["md"], by_name["csv"]
    assert files[0]["filename"].startswith("factcheck-minister-resigns-over-budget-row-v1")
    assert "- Status: verified by @U0EDITOR" in md and "called the ministry" in md
    assert f"- Owner: @{OTHER_EDITOR}" in md and "## Who did what, when" in md
    rows = list(csv.DictReader(io.StringIO(table)))
    assert rows[0]["status"] == "verified" and rows[1]["owner"] == OTHER_EDITOR
    wait_until(lambda: bot.services.state.history(record.checklist_id)[-1].action == "exported")


def test_export_button(bot: Bot) -> None:
    record = checked_by_reaction(bot)
    last = bot.slack.message(CHANNEL, record.message_ts[-1])
    [value] = button_values([last], "fc_export")
    # From another message (a copied value): refused, nothing uploaded.
    bot.click(value, "fc_export", message_ts=record.thread_ts, thread_ts=record.thread_ts)
    wait_until(lambda: bot.slack.calls_to("chat.postEphemeral"))
    assert "does not belong to this message" in bot.slack.calls_to("chat.postEphemeral")[-1].params["text"]
    assert not bot.slack.files_in_thread(CHANNEL, record.thread_ts)
    clicked = bot.click(value, "fc_export", message_ts=record.message_ts[-1], thread_ts=record.thread_ts)
    assert clicked.status == 200
    wait_until(lambda: len(bot.slack.files_in_thread(CHANNEL, record.thread_ts)) == 2)


def test_a_failed_upload_is_said_in_the_thread(bot: Bot) -> None:
    record = checked_by_reaction(bot)
    bot.slack.fail("files.getUploadURLExternal", status=500, times=10)
    bot.reply(record.thread_ts, "export")
    wait_until(
        lambda: any("could not upload the export" in c.params["text"] for c in bot.slack.calls_to("chat.postMessage"))
    )
    assert not bot.slack.files_in_thread(CHANNEL, record.thread_ts)
