"""Messages that stay true (#10 item 9): no "something went wrong, try again" while the queue will still
retry the job, one notice after its last attempt; an ack that promises no checklist where the bot may
not be, and a private word from the job when it cannot post. Over HTTP, real RQ retries."""

from __future__ import annotations

import pytest

from bot.models import Checklist
from standins.slack_driver import ARTICLE, CHANNEL, Bot, wait_until
from tests.slack.helpers import all_posted_text, item_numbers, top_level_posts

APOLOGY = "did not run"  # the one notice once the queue has given a job up (bot.slack.jobs.tell_gave_up)


def failing_check(bot: Bot, monkeypatch: pytest.MonkeyPatch, failures: int) -> list[int]:
    """The engine raises on its first ``failures`` calls; returns the call counter."""
    calls = [0]
    real = bot.services.engine.check

    def check(*args: object, **kwargs: object) -> Checklist:
        calls[0] += 1
        if calls[0] <= failures:
            raise RuntimeError("the analysis crashed")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(bot.services.engine, "check", check)
    bot.services.queue.retry_intervals = [0, 0]  # type: ignore[attr-defined]  # retries at once: no waiting
    return calls


def test_no_apology_before_a_retry_that_succeeds(bot: Bot, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = failing_check(bot, monkeypatch, failures=1)
    bot.command(ARTICLE)
    progress = bot.wait_job(bot.last_job_id)
    assert calls[0] == 2
    assert APOLOGY not in all_posted_text(bot.slack)
    assert item_numbers(bot.slack.thread_messages(CHANNEL, progress["parent_ts"]))


def test_one_apology_after_the_last_attempt_in_place_of_the_placeholder(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = failing_check(bot, monkeypatch, failures=99)
    bot.command(ARTICLE)
    wait_until(lambda: APOLOGY in all_posted_text(bot.slack))
    assert calls[0] == 3  # the first attempt and both retries ran before anything was said
    bot.drain()
    parent_ts = bot.services.state.job_get(bot.last_job_id)["parent_ts"]
    [notice] = bot.slack.thread_messages(CHANNEL, parent_ts)  # the placeholder, now the notice
    assert APOLOGY in notice["text"] and "Checking" not in notice["text"]
    assert len([c for c in bot.slack.calls_to("chat.update") if c.params.get("ts") == notice["ts"]]) == 1


@pytest.mark.parametrize("error", ["not_in_channel", "channel_not_found"])
def test_a_channel_the_bot_cannot_post_in(bot: Bot, monkeypatch: pytest.MonkeyPatch, error: str) -> None:
    calls = failing_check(bot, monkeypatch, failures=0)
    channel = "CPRIVATE"
    (bot.slack.not_in_channel if error == "not_in_channel" else bot.slack.missing_channels).add(channel)
    response = bot.command(ARTICLE, channel=channel)
    ack = response.body  # plain text: Slack shows it only to the requester
    assert "If I'm in this channel" in ack and "will appear in a thread in this channel" not in ack
    [private] = wait_until(lambda: bot.slack.calls_to("response_url"))
    assert "/invite" in private.params["text"] and private.params["response_type"] == "ephemeral"
    bot.wait_job(bot.last_job_id)
    bot.drain()
    assert top_level_posts(bot.slack) == [] and calls[0] == 0
    assert len(bot.slack.calls_to("response_url")) == 1 and APOLOGY not in all_posted_text(bot.slack)
