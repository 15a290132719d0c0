"""Reading what the bot posted, from the stand-in's record."""

from __future__ import annotations

import json
from typing import Any

from bot.slack.records import ThreadRecord
from standins.slack_api import Call, SlackAPIStandIn, _block_texts
from standins.slack_driver import ARTICLE, CHANNEL, EDITOR, Bot

ARTICLE_TS = "1700000000.000100"


def call_texts(call: Call) -> list[str]:
    """Every piece of text a call would show: ``text`` and all block texts."""
    blocks = call.params.get("blocks")
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    return [call.params.get("text") or "", *_block_texts(blocks or [])]


def all_posted_text(slack: SlackAPIStandIn) -> str:
    methods = ("chat.postMessage", "chat.update", "chat.postEphemeral", "response_url")
    return "\n".join(t for c in slack.calls if c.method in methods for t in call_texts(c))


def posts_in_thread(slack: SlackAPIStandIn, thread_ts: str) -> list[Call]:
    return [c for c in slack.calls_to("chat.postMessage") if c.params.get("thread_ts") == thread_ts]


def top_level_posts(slack: SlackAPIStandIn) -> list[Call]:
    return [c for c in slack.calls_to("chat.postMessage") if not c.params.get("thread_ts")]


def button_values(messages: list[dict[str, Any]], action_id: str = "fc_verify") -> list[str]:
    values = []
    for message in messages:
        for block in message.get("blocks") or []:
            for element in block.get("elements") or []:
                if element.get("action_id") == action_id:
                    values.append(element["value"])
    return values


def item_numbers(messages: list[dict[str, Any]], folded: bool = True) -> list[int]:
    """The item numbers shown, read from the buttons (each item has exactly one of verify or reopen),
    and (``folded``) those folded into the one line of routine on-record items ("3, 5–7 · ...")."""
    values = button_values(messages, "fc_verify") + button_values(messages, "fc_reopen")
    numbers = [int(v.rsplit("|", 1)[1]) for v in values]
    if folded:
        numbers += folded_numbers(messages)
    return sorted(numbers)


def folded_numbers(messages: list[dict[str, Any]]) -> list[int]:
    out: list[int] = []
    for message in messages:
        for block in message.get("blocks") or []:
            if block.get("block_id") == "fc_folded":
                listed = block["text"]["text"].split("(low): ", 1)[1].split(" · ", 1)[0]
                for part in listed.split(", "):
                    first, _, last = part.partition("–")
                    out += range(int(first), int(last or first) + 1)
    return out


def seed_article(slack: SlackAPIStandIn, ts: str = ARTICLE_TS, text: str = ARTICLE) -> str:
    slack.seed_message(CHANNEL, {"ts": ts, "user": EDITOR, "text": text})
    return ts


def checked_by_reaction(bot: Bot, ts: str = ARTICLE_TS) -> ThreadRecord:
    seed_article(bot.slack, ts)
    assert bot.reaction(ts).status == 200
    bot.wait_job(f"react-{CHANNEL}-{ts}")
    record = bot.services.state.record_for_thread(CHANNEL, ts)
    assert record is not None
    return record


def statuses(bot: Bot, record: ThreadRecord) -> dict[int, str]:
    return {n: s.status for n, s in bot.services.state.statuses(record.checklist_id).items()}
