"""Slack's side for the new ways in: the message shortcut and the modal's submission, signed like Slack;
messages carrying files; settings that let the fetcher reach the local stand-ins."""

from __future__ import annotations

import json
import time
from itertools import count
from typing import Any
from urllib.parse import urlsplit

from bot.config import Settings
from bot.slack.modal import LINK_ACTION, LINK_BLOCK, TEXT_ACTION, TEXT_BLOCK
from standins.desk_driver import submit
from standins.slack_api import SlackAPIStandIn
from standins.slack_driver import CHANNEL, EDITOR, SECRET, TOKEN, Bot, Response
from standins.web_pages import WebPages

_ids = count(1)


def inputs_settings(slack: SlackAPIStandIn, web: WebPages, **extra: Any) -> Settings:
    """The Slack tests' settings, with both stand-ins allowed (FACTCHECK_FETCH_ALLOW_HOSTS) and short timeouts."""
    values: dict[str, Any] = {
        "slack_bot_token": TOKEN,
        "slack_signing_secret": SECRET,
        "slack_api_url": slack.base_url,
        "max_article_chars": 60_000,
        "worker_heartbeat_seconds": 1,
        "fetch_allow_hosts": (web.allow_hosts, urlsplit(slack.root).netloc),
        "fetch_timeout_seconds": 1.0,
        "max_download_bytes": 300_000,
    }
    values.update(extra)
    return Settings(**values)


def seed_with_file(slack: SlackAPIStandIn, ts: str, file: dict[str, Any], text: str = "") -> None:
    slack.seed_message(CHANNEL, {"ts": ts, "user": EDITOR, "text": text, "files": [file], "upload": True})


def shortcut(bot: Bot, ts: str, user: str = EDITOR, channel: str = CHANNEL, response_url: str = "") -> Response:
    """The "Fact-check this message" message shortcut on the message at ``ts``."""
    message = bot.slack.message(channel, ts) or {"ts": ts, "type": "message", "text": ""}
    n = next(_ids)
    payload = {
        "type": "message_action",
        "callback_id": "factcheck_message",
        "trigger_id": f"{n}.1.shortcut",
        "team": {"id": "T1", "domain": "example"},
        "user": {"id": user, "username": "editor", "team_id": "T1"},
        "channel": {"id": channel, "name": "news"},
        "message": message,
        "message_ts": ts,
        "response_url": response_url or bot.slack.response_url(f"shortcut{n}"),
        "action_ts": f"{time.time():.6f}",
        "token": "legacy",
        "api_app_id": "A1",
    }
    return bot.interaction(payload)


def submit_modal(bot: Bot, view: dict[str, Any], link: str = "", text: str = "", user: str = EDITOR) -> Response:
    """A ``view_submission`` of the modal ``views.open`` received, with the fields filled in."""
    values = {
        LINK_BLOCK: {LINK_ACTION: {"type": "url_text_input", "value": link or None}},
        TEXT_BLOCK: {TEXT_ACTION: {"type": "plain_text_input", "value": text or None}},
    }
    return submit(bot, {**view, "hash": "h1", "app_id": "A1"}, values, user)


def opened_view(slack: SlackAPIStandIn, index: int = -1) -> dict[str, Any]:
    """The view the bot opened (with the id the stand-in gave it, as Slack sends it back on submission)."""
    call = slack.calls_to("views.open")[index]
    view = call.params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    return {**view, "id": f"V{index % 1000:03d}{next(_ids):05d}"}
