"""The job runner and the state store, driven directly (no HTTP), against the stand-in and real Redis."""

from __future__ import annotations

import threading

import pytest
import redis

from bot.engine import CheckFailed
from bot.jobs.model import Job
from bot.models import Checklist
from bot.slack.dedup import first_delivery
from bot.slack.records import ItemStatus
from bot.slack.state import carry_statuses
from bot.slack.tasks import run_job
from standins.slack_driver import ARTICLE, CHANNEL, EDITOR, Bot, wait_until
from tests.slack.helpers import item_numbers, posts_in_thread, top_level_posts

TS = "1700000000.000300"


def reaction_job(text: str = ARTICLE) -> Job:
    return Job(
        kind="check",
        job_id=f"react-{CHANNEL}-{TS}",
        channel=CHANNEL,
        user=EDITOR,
        text=text,
        trigger="reaction",
        thread_ts=TS,
    )


def test_a_job_run_twice_posts_one_checklist(bot: Bot) -> None:
    job = reaction_job()
    run_job(bot.services, job)
    posted = len(bot.slack.calls_to("chat.postMessage"))
    run_job(bot.services, job)
    run_job(bot.services, Job.model_validate_json(job.model_dump_json()))  # as a worker would receive it
    assert len(bot.slack.calls_to("chat.postMessage")) == posted
    record = bot.services.state.record_for_thread(CHANNEL, TS)
    assert record is not None and len(record.message_ts) == len(posts_in_thread(bot.slack, TS))


def test_a_rerun_after_a_crash_reuses_the_posted_messages(bot: Bot, monkeypatch: pytest.MonkeyPatch) -> None:
    job = reaction_job()
    engine = bot.services.engine
    real_check = engine.check
    monkeypatch.setattr(engine, "check", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("worker died")))
    with pytest.raises(RuntimeError):
        run_job(bot.services, job)
    monkeypatch.setattr(engine, "check", real_check)
    run_job(bot.services, job)
    placeholders = [c for c in posts_in_thread(bot.slack, TS) if "Checking" in c.params["text"]]
    assert len(placeholders) == 1
    assert item_numbers(bot.slack.thread_messages(CHANNEL, TS))


def test_check_failure_becomes_a_notice(bot: Bot, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> Checklist:
        raise CheckFailed("auth: invalid key")

    monkeypatch.setattr(bot.services.engine, "check", fail)
    run_job(bot.services, reaction_job())
    (message,) = bot.slack.thread_messages(CHANNEL, TS)
    assert "analysis failed" in message["text"] and "Traceback" not in message["text"]


def test_empty_message_becomes_a_notice(bot: Bot) -> None:
    run_job(bot.services, reaction_job(text="   "))
    (message,) = bot.slack.thread_messages(CHANNEL, TS)
    assert "no text to check" in message["text"]


def test_slash_command_where_the_bot_is_not_a_member(bot: Bot) -> None:
    bot.slack.not_in_channel.add("CPRIVATE")
    bot.command(ARTICLE, channel="CPRIVATE")
    wait_until(lambda: bot.slack.calls_to("response_url"))
    assert "/invite" in bot.slack.calls_to("response_url")[0].params["text"]
    assert top_level_posts(bot.slack) == []


def test_first_delivery_is_atomic(redis_client: redis.Redis) -> None:
    results: list[bool] = []
    threads = [
        threading.Thread(target=lambda: results.append(first_delivery(redis_client, "evt:X", 60))) for _ in range(20)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(True) == 1


def test_carry_statuses_maps_by_quote_and_kind(bot: Bot) -> None:
    engine = bot.services.engine
    old = engine.check(ARTICLE)
    new = engine.check("Intro: the mayor said 12 roads will close.\n\n" + ARTICLE)
    first = old.items[0]
    carried = carry_statuses(old, {first.number: ItemStatus(status="flagged", by=EDITOR)}, new)
    (number,) = carried
    assert new.item(number).quote == first.quote and carried[number].status == "flagged"
