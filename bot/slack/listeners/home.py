"""``app_home_opened``: the user's checklists, open items assigned to them and their channels' open stories."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.slack.home import publish_home
from bot.slack.listeners import ack_at_once
from bot.slack.services import Services


def register(app: App, services: Services) -> None:
    app.event("app_home_opened")(ack=ack_at_once, lazy=[lambda event: handle_home_opened(services, event)])


def handle_home_opened(services: Services, event: dict[str, Any]) -> None:
    if event.get("tab", "home") != "home" or not event.get("user"):
        return  # the Messages tab opens the DM, not Home
    publish_home(services, event["user"])
