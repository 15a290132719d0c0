"""Idempotent posting: an ambiguous failure (Slack stored the message, then answered 5xx or dropped the
connection) never leaves a second parent, placeholder or checklist part. Over HTTP, against the stand-in."""

from __future__ import annotations

import http.client
import urllib.error

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.jobs.model import Job
from bot.models import Checklist, ChecklistStats, ClaimItem
from bot.slack.blocks import checklist_messages
from bot.slack.jobs import run_job
from bot.slack.outbox import POST_EVENT_TYPE, ambiguous
from bot.slack.records import ThreadRecord
from bot.slack.statuses import refresh
from standins.slack_driver import ARTICLE, CHANNEL, EDITOR, Bot
from tests.slack.helpers import item_numbers, seed_article

TS = "1700000000.000400"


def top_level(bot: Bot) -> list[dict]:
    return [m for m in bot.slack.messages.get(CHANNEL, []) if not m.get("thread_ts") and m.get("user") == "UBOT"]


def command_job(n: int = 1) -> Job:
    return Job(kind="check", job_id=f"cmd-posting-{n}", channel=CHANNEL, user=EDITOR, text=ARTICLE, trigger="command")


def test_an_ambiguous_5xx_on_the_parent_leaves_one_parent(bot: Bot) -> None:
    bot.slack.fail("chat.postMessage", status=500, store=True)  # stored by Slack, answered 500
    bot.command(ARTICLE)
    progress = bot.wait_job(bot.last_job_id)
    [parent] = top_level(bot)
    assert parent["ts"] == progress["parent_ts"]
    assert parent["metadata"] == {
        "event_type": POST_EVENT_TYPE,
        "event_payload": {"job_id": bot.last_job_id, "role": "parent", "part": 0},
    }
    [look] = bot.slack.calls_to("conversations.history")
    assert look.params["include_all_metadata"] in (True, "1", "true")
    assert item_numbers(bot.slack.thread_messages(CHANNEL, parent["ts"]))  # the checklist is in its thread


def test_a_dropped_connection_after_the_placeholder_was_stored_leaves_one(bot: Bot) -> None:
    job = Job(
        kind="check", job_id=f"react-{CHANNEL}-{TS}", channel=CHANNEL, user=EDITOR, text=ARTICLE,
        trigger="reaction", thread_ts=TS,
    )  # fmt: skip
    seed_article(bot.slack, TS)
    bot.slack.fail("chat.postMessage", drop=True)
    run_job(bot.services, job)
    thread = bot.slack.thread_messages(CHANNEL, TS)
    assert [m for m in thread if "Checking" in m["text"]] == []  # the one placeholder became the checklist
    record = bot.services.state.record_for_thread(CHANNEL, TS)
    assert record is not None and [m["ts"] for m in thread] == record.message_ts
    assert len(bot.slack.calls_to("conversations.replies")) == 1


def test_a_5xx_that_stored_nothing_is_posted_again_once(bot: Bot) -> None:
    bot.slack.fail("chat.postMessage", status=503)  # not stored: the look finds nothing, the retry posts
    run_job(bot.services, command_job())
    assert len(top_level(bot)) == 1
    assert [c.status for c in bot.slack.calls_to("chat.postMessage", ok_only=False)][:2] == [503, 200]


def test_a_rerun_after_every_attempt_failed_reuses_the_stored_parent(bot: Bot) -> None:
    bot.slack.fail("chat.postMessage", status=500, times=3, store=True)  # every attempt stored, none answered
    bot.slack.fail("conversations.history", status=500, times=3)  # and the looks fail: give up, post nothing more
    job = command_job(2)
    with pytest.raises(SlackApiError):
        run_job(bot.services, job)
    assert len(top_level(bot)) == 1  # the first attempt's; no blind re-post
    run_job(bot.services, job)  # the queue's retry: the job record says a post was attempted, so it looks first
    [parent] = top_level(bot)
    assert bot.services.state.job_get(job.job_id)["parent_ts"] == parent["ts"]
    assert item_numbers(bot.slack.thread_messages(CHANNEL, parent["ts"]))


def test_a_refresh_that_spills_into_a_new_message_posts_it_once(bot: Bot) -> None:
    quote = "The ministry said the harbour plan may cost about $3 billion over ten years. " * 30
    items = [
        ClaimItem(
            number=n, quote=quote, start=0, end=len(quote), why="a figure", how_to_verify="ask", priority="high",
            claim=f"the plan may cost $3 billion ({n})", basis="disputed_figure",
        )
        for n in range(1, 31)
    ]  # fmt: skip
    checklist = Checklist(article_id="a1", title="T", text_length=1, items=items, stats=ChecklistStats())
    seed_article(bot.slack, TS)
    first = bot.slack.seed_message(CHANNEL, {"ts": "1700000000.000401", "thread_ts": TS, "user": "UBOT", "text": "."})
    record = ThreadRecord(
        checklist_id=f"{CHANNEL}:{TS}", channel=CHANNEL, thread_ts=TS, requested_by=EDITOR, trigger="reaction",
        article_id="a1", title="T", message_ts=[first["ts"]],
    )  # fmt: skip
    bot.services.state.save_checklist(record, checklist, "text", {})
    pages = len(checklist_messages(checklist, record, {}))
    assert pages >= 2
    bot.slack.fail("chat.postMessage", status=500, store=True)
    refresh(bot.services, record.checklist_id)
    thread = bot.slack.thread_messages(CHANNEL, TS)
    assert len(thread) == pages  # the first message and one of each spilled part, no copy
    saved = bot.services.state.get_record(record.checklist_id)
    assert saved is not None and saved.message_ts == [m["ts"] for m in thread]


def _api_error(status: int, error: str) -> SlackApiError:
    response = SlackResponse(
        client=None, http_verb="POST", api_url="u", req_args={}, data={"ok": False, "error": error},
        headers={}, status_code=status,
    )  # fmt: skip
    return SlackApiError("failed", response)


def test_which_failures_are_ambiguous() -> None:
    assert ambiguous(_api_error(500, "fatal_error")) and ambiguous(_api_error(503, "service_unavailable"))
    assert ambiguous(TimeoutError()) and ambiguous(http.client.RemoteDisconnected())
    assert ambiguous(urllib.error.URLError(ConnectionResetError()))
    # A definite answer: Slack did not post (or said why); re-posting or looking would not help.
    assert not ambiguous(_api_error(200, "not_in_channel")) and not ambiguous(_api_error(429, "ratelimited"))
    assert not ambiguous(ValueError("bad blocks"))
