"""The check job, run directly (no HTTP), against the stand-in and real Redis."""

from __future__ import annotations

import pytest

from bot.engine import CheckFailed
from bot.jobs.model import Job
from bot.models import Checklist
from bot.slack.jobs import run_job
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


@pytest.mark.parametrize("lost", ["parent_ts", "msg0"])
def test_a_try_killed_between_posting_and_recording_is_not_posted_twice(
    bot: Bot, monkeypatch: pytest.MonkeyPatch, lost: str
) -> None:
    """A worker killed (or Redis lost) right after Slack stored the parent or the placeholder, before the
    job recorded its ts: the rerun finds the message by its tag instead of posting a second one."""
    job = Job(kind="check", job_id=f"cmd-killed-{lost}", channel=CHANNEL, user=EDITOR, text=ARTICLE,
              response_url=None)
    state = bot.services.state
    real_set = state.job_set

    def dies_before_recording(job_id: str, **fields: str) -> None:
        if lost in fields:
            raise SystemExit("killed")  # what SIGKILL looks like to the rest of the job: nothing more runs
        real_set(job_id, **fields)

    monkeypatch.setattr(state, "job_set", dies_before_recording)
    with pytest.raises(SystemExit):
        run_job(bot.services, job)
    monkeypatch.setattr(state, "job_set", real_set)
    run_job(bot.services, job)  # the retry
    assert len(top_level_posts(bot.slack)) == 1  # one parent
    thread = bot.slack.thread_messages(CHANNEL, bot.slack.messages[CHANNEL][0]["ts"])
    assert len(thread) == 1 and item_numbers(thread)  # one message: the placeholder, now the checklist
    assert "Checking" not in str(bot.slack.messages[CHANNEL][0]["blocks"])
