"""``/factcheck settings``: a modal for this channel's settings (minimum priority shown, ready emoji, language
of the bot's notes), saved in Redis on submit."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk.errors import SlackApiError

from bot.slack.channel_settings import PRIORITIES, ChannelSettings, emoji_name, load, save
from bot.slack.mrkdwn import escape
from bot.slack.outbox import ephemeral
from bot.slack.services import Services
from bot.slack.views import SETTINGS_MODAL, settings_modal, settings_submitted

log = logging.getLogger(__name__)


def register(app: App, services: Services) -> None:
    app.view(SETTINGS_MODAL)(ack=ack_settings, lazy=[lambda body: save_settings(services, body)])


def open_settings(services: Services, ack: Ack, command: dict[str, Any]) -> None:
    """From the slash command's listener: ack, then the modal (its trigger_id lasts 3 seconds)."""
    ack()
    channel = command.get("channel_id") or ""
    current = load(services, channel)
    view = settings_modal(channel, current.min_priority, current.ready_emoji, current.language)
    try:
        services.client.views_open(trigger_id=command.get("trigger_id") or "", view=view)
    except SlackApiError as exc:  # the ack is already set: the user sees nothing open, and may try again
        log.warning("settings modal not opened: %s", exc.response.get("error"))


def ack_settings(ack: Ack, body: dict[str, Any]) -> None:
    _, chosen = settings_submitted(body.get("view") or {})
    if emoji_name(chosen["ready_emoji"]) is None:
        ack(response_action="errors", errors={"fc_set_emoji": "Give an emoji name, such as white_check_mark."})
        return
    ack()


def save_settings(services: Services, body: dict[str, Any]) -> None:
    user = (body.get("user") or {}).get("id") or ""
    channel, chosen = settings_submitted(body.get("view") or {})
    emoji = emoji_name(chosen["ready_emoji"])
    if not channel or emoji is None:
        return
    priority = chosen["min_priority"] if chosen["min_priority"] in PRIORITIES else "low"
    save(services, channel, ChannelSettings(priority, emoji, chosen["language"][:40]))
    log.info("channel settings changed", extra={"channel": channel})
    shown = {"low": "every item", "medium": "medium and high priority", "high": "high priority only"}[priority]
    language = escape(chosen["language"][:40]) if chosen["language"] else "the article's language"
    ephemeral(
        services,
        channel,
        user,
        f"Saved for this channel: checklists show {shown}; a ready story gets :{emoji}:; notes in {language}. "
        "Open checklists follow at their next change.",
    )
