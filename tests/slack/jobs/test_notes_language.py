"""The channel's "language for the bot's notes" (#14 item 6) reaches the analysis: the check and recheck
jobs pass it to the engine, which asks the LLM (the stand-in, over HTTP) for notes in it; a checklist the
offline analyzer made says its notes are English. Slack through its stand-in, Redis real."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator

import pytest
import redis

from bot.config import Settings
from bot.slack.channel_settings import ChannelSettings, save
from bot.slack.state import checklist_id_for
from standins.openai_server import OpenAIStandIn
from standins.slack_api import SlackAPIStandIn
from standins.slack_driver import ARTICLE, CHANNEL, Bot, start_bot, wait_until
from tests.slack.helpers import checked_by_reaction

INSTRUCTION = "Write why and how_to_verify in {}.\n<article>"


@pytest.fixture
def llm() -> Iterator[OpenAIStandIn]:
    with OpenAIStandIn() as server:
        yield server


@pytest.fixture
def llm_bot(settings: Settings, redis_client: redis.Redis, slack: SlackAPIStandIn, llm: OpenAIStandIn) -> Iterator[Bot]:
    options = {
        "openai_api_key": llm.api_key,
        "openai_base_url": llm.base_url,
        "model": "standin-model",
        "llm_timeout_seconds": 5.0,
        "extra": {"llm_backoff_scale": "0.001"},
    }
    bot = start_bot(dataclasses.replace(settings, **options), redis_client, slack)
    yield bot
    bot.drain()


def test_check_and_recheck_ask_the_llm_in_the_channels_language(llm_bot: Bot, llm: OpenAIStandIn) -> None:
    save(llm_bot.services, CHANNEL, ChannelSettings(language="Español"))
    response = llm_bot.command(ARTICLE)
    thread_ts = llm_bot.wait_job(response.job_id)["parent_ts"]
    (first,) = llm.completion_requests
    assert first.message("user").startswith(INSTRUCTION.format("Español"))
    checklist = llm_bot.services.state.get_checklist(checklist_id_for(CHANNEL, thread_ts))
    assert checklist is not None and checklist.stats.analyzer == "llm" and checklist.stats.note is None

    save(llm_bot.services, CHANNEL, ChannelSettings(language="Deutsch"))  # changed before the recheck
    llm_bot.reply(thread_ts, "recheck")
    wait_until(lambda: len(llm.completion_requests) == 2)
    assert llm.completion_requests[1].message("user").startswith(INSTRUCTION.format("Deutsch"))


def test_a_channel_without_the_setting_gets_the_articles_language(llm_bot: Bot, llm: OpenAIStandIn) -> None:
    llm_bot.wait_job(llm_bot.command(ARTICLE).job_id)
    assert llm.completion_requests[0].message("user").startswith(INSTRUCTION.format("the article's language"))


def test_the_offline_analyzer_says_its_notes_are_english(bot: Bot) -> None:
    save(bot.services, CHANNEL, ChannelSettings(language="Français"))
    record = checked_by_reaction(bot)
    checklist = bot.services.state.get_checklist(record.checklist_id)
    assert checklist is not None and checklist.stats.analyzer == "offline"
    note = "The notes are in English, not Français: the offline analyzer writes English only."
    assert checklist.stats.note == note
    shown = json.dumps([bot.slack.message(CHANNEL, ts) for ts in record.message_ts], ensure_ascii=False)
    assert note in shown
