"""``/factcheck`` end to end over HTTP."""

from __future__ import annotations

from bot.slack.state import checklist_id_for
from standins.slack_driver import ARTICLE, CHANNEL, EDITOR, Bot
from tests.slack.helpers import all_posted_text, item_numbers, posts_in_thread, top_level_posts


def test_factcheck_posts_parent_placeholder_and_checklist(bot: Bot) -> None:
    response = bot.command(ARTICLE)
    assert response.status == 200
    assert response.seconds < 3
    assert "Checking" in response.body  # plain text: Slack shows it only to the requester
    bot.wait_job(bot.last_job_id)

    slack = bot.slack
    (parent,) = top_level_posts(slack)
    thread_ts = slack.messages[CHANNEL][0]["ts"]
    assert f"<@{EDITOR}>" in parent.params["text"]
    assert "Minister resigns over budget row" in parent.params["text"]
    placeholder = posts_in_thread(slack, thread_ts)[0]
    assert "Checking 4 sections" in placeholder.params["text"]

    expected = bot.services.engine.check(ARTICLE)
    shown = slack.thread_messages(CHANNEL, thread_ts)
    assert item_numbers(shown) == [item.number for item in expected.items]
    text = all_posted_text(slack)
    for item in expected.items:
        assert item.quote[:60] in text
    # the parent now carries the counts
    assert any(c.params["ts"] == thread_ts and "items" in c.params["text"] for c in slack.calls_to("chat.update"))
    record = bot.services.state.get_record(checklist_id_for(CHANNEL, thread_ts))
    assert record is not None and record.requested_by == EDITOR and record.trigger == "command"


def test_help_answers_with_help(bot: Bot) -> None:
    # "/factcheck" alone opens the modal (tests/slack/listeners/test_inputs.py); help still answers with help
    for text in ("help", "?", " Help "):
        response = bot.command(text)
        assert response.status == 200
        assert "/factcheck" in response.body and ":mag:" in response.body
    assert bot.slack.calls_to("chat.postMessage") == []


def test_over_limit_text_is_refused_with_a_reason(bot: Bot) -> None:
    limit = bot.services.settings.max_article_chars
    response = bot.command("Officials said so. " * (limit // 19 + 10))
    assert response.status == 200
    assert f"limit is {limit:,}" in response.body
    response = bot.command("x" * 40_000)
    assert "cut it short" in response.body and ":mag:" in response.body
    assert "snippet or a file" in response.body and "shortcut" in response.body
    bot.drain()
    assert bot.slack.calls_to("chat.postMessage") == []


def test_article_markup_is_never_posted_unescaped(bot: Bot) -> None:
    # As Slack delivers it: mentions and specials as markup, & < > as entities.
    article = (
        "Budget row <!channel> deepens\n\n"
        "<@U123> said the plan may cost about $3 billion &amp; more, officials said.\n\n"
        "Critics <!here> have said the figure &lt;is&gt; reportedly wrong, according to <@U123|bob>."
    )
    bot.command(article)
    bot.wait_job(bot.last_job_id)
    posted = all_posted_text(bot.slack)
    assert "said the plan may cost" in posted
    assert "<!" not in posted
    assert "<@U123" not in posted
    assert "&lt;is&gt;" in posted  # the editor's literal <is>, escaped once


def test_long_article_is_split_into_messages_slack_accepts(bot: Bot) -> None:
    paragraphs = [
        f"Officials, who spoke on condition of anonymity, said district {n} may lose about {n * 7},000 jobs."
        for n in range(1, 61)
    ]
    article = "Jobs report\n\n" + "\n\n".join(paragraphs)
    expected = bot.services.engine.check(article)
    assert len(expected.items) >= 60  # one item per paragraph: the claim carries its anonymous source
    bot.command(article)
    bot.wait_job(bot.last_job_id, timeout=40)
    slack = bot.slack
    rejected = [c for c in slack.calls if c.error]
    assert rejected == []
    thread_ts = top_level_posts(slack)[0].params and slack.messages[CHANNEL][0]["ts"]
    shown = slack.thread_messages(CHANNEL, thread_ts)
    assert len(shown) >= 3
    assert item_numbers(shown) == list(range(1, len(expected.items) + 1))


def test_rate_limited_post_is_retried_and_posted_once(bot: Bot) -> None:
    bot.slack.fail("chat.postMessage", status=429, times=1)
    bot.command(ARTICLE)
    bot.wait_job(bot.last_job_id)
    attempts = bot.slack.calls_to("chat.postMessage", ok_only=False)
    assert attempts[0].status == 429
    assert len(top_level_posts(bot.slack)) == 1  # the parent, posted once after Retry-After


def test_server_errors_are_retried(bot: Bot) -> None:
    bot.slack.fail("chat.update", status=500, times=1)
    bot.command(ARTICLE)
    bot.wait_job(bot.last_job_id)
    assert any(c.status == 500 for c in bot.slack.calls_to("chat.update", ok_only=False))
    thread_ts = bot.slack.messages[CHANNEL][0]["ts"]
    assert item_numbers(bot.slack.thread_messages(CHANNEL, thread_ts))
