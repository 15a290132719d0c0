"""Prior fact-checks in Slack (#15 item 2), end to end: a signed /factcheck over HTTP, the Slack Web API
stand-in, the claims:search stand-in, real Redis. The checklist is posted first, then updated."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from bot.config import Settings
from standins.claimreview import ClaimReviewStandIn, Scripted, fact_check
from standins.slack_api import SlackAPIStandIn
from standins.slack_driver import ARTICLE, CHANNEL, SECRET, TOKEN, Bot, wait_until
from tests.slack.helpers import all_posted_text, call_texts, statuses

KEY = "k-slack-test"
PLAN_CHECK = fact_check(
    "The plan may cost about $3 billion, officials said",
    publisher="Fact & Co <!channel>",
    url="https://factdesk.example/plan-cost",
    rating="Mostly false",
    review_date="2026-11-30T00:00:00Z",
)
LOOKING = "Looking for published fact-checks"
ALREADY = "Already fact-checked"


@pytest.fixture
def claimreview() -> Iterator[ClaimReviewStandIn]:
    with ClaimReviewStandIn(api_key=KEY) as server:
        yield server


@pytest.fixture
def settings(slack: SlackAPIStandIn, claimreview: ClaimReviewStandIn) -> Settings:
    return Settings(
        slack_bot_token=TOKEN,
        slack_signing_secret=SECRET,
        slack_api_url=slack.base_url,
        max_article_chars=60_000,
        worker_heartbeat_seconds=1,
        claimreview_api_key=KEY,
        claimreview_url=claimreview.url,
        claimreview_timeout_seconds=0.5,
        claimreview_deadline_seconds=1.5,
        claimreview_max_attempts=1,
    )


def checklist_renderings(bot: Bot, ts: str) -> list[str]:
    """The text of every version of the message ``ts`` the bot sent, in order (post, then updates)."""
    calls = [c for c in bot.slack.calls_to("chat.update") if c.params.get("ts") == ts]
    return ["\n".join(call_texts(c)) for c in calls]


def test_prior_check_shown_under_its_claim_after_the_update(bot: Bot, claimreview: ClaimReviewStandIn) -> None:
    claimreview.claims = [PLAN_CHECK]
    bot.command(ARTICLE)
    progress = bot.wait_job(bot.last_job_id)
    record = bot.services.state.record_for_thread(CHANNEL, progress["parent_ts"])
    assert record is not None
    renderings = checklist_renderings(bot, record.message_ts[0])
    first_checklist = next(r for r in renderings if "Fact-check checklist" in r)
    assert LOOKING in first_checklist and ALREADY not in first_checklist  # posted first, without them
    final = bot.slack.message(CHANNEL, record.message_ts[0])
    assert final is not None
    blocks = final["blocks"]
    [prior] = [b for b in blocks if b.get("block_id", "").startswith("fc_prior:")]
    number = int(prior["block_id"].split(":")[1])
    assert blocks[blocks.index(prior) - 1]["block_id"] == f"fc_item:{number}"  # under its claim
    assert "$3 billion" in blocks[blocks.index(prior) - 1]["text"]["text"]
    text = prior["elements"][0]["text"]
    assert "<https://factdesk.example/plan-cost|Fact &amp; Co &lt;!channel&gt;>, 30 Nov 2026: “Mostly false”" in text
    assert LOOKING not in json.dumps(blocks) and "<!channel>" not in all_posted_text(bot.slack)
    stored = bot.services.state.get_checklist(record.checklist_id)
    assert stored is not None and stored.stats.prior_checks == "done"
    # A later refresh (a click) re-renders from the stored checklist: the prior check stays.
    bot.click(f"{record.checklist_id}|1|{number}", message_ts=record.message_ts[0], thread_ts=record.thread_ts)
    wait_until(lambda: statuses(bot, record).get(number) == "verified")
    bot.drain()
    after = bot.slack.message(CHANNEL, record.message_ts[0])
    assert (
        after is not None
        and "fc_prior:" in json.dumps(after["blocks"])
        and ":white_check_mark:" in json.dumps(after["blocks"])
    )


def test_a_timeout_posts_the_checklist_first_then_the_note(bot: Bot, claimreview: ClaimReviewStandIn) -> None:
    claimreview.claims = [PLAN_CHECK]
    claimreview.script(*[Scripted.stall(3) for _ in range(10)])
    bot.command(ARTICLE)
    progress = bot.wait_job(bot.last_job_id)
    record = bot.services.state.record_for_thread(CHANNEL, progress["parent_ts"])
    assert record is not None
    renderings = [r for r in checklist_renderings(bot, record.message_ts[0]) if "Fact-check checklist" in r]
    assert len(renderings) == 2
    assert LOOKING in renderings[0] and "could not be fetched" not in renderings[0]  # the checklist came first
    assert "Prior fact-checks could not be fetched (" in renderings[1] and "no answer within" in renderings[1]
    assert ALREADY not in renderings[1]
    assert claimreview.requests  # the searches were made, and timed out
