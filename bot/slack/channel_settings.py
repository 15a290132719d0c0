"""Per-channel settings (``/factcheck settings``), kept in Redis; the environment gives the defaults.

Key: ``fc:chan:{channel}``, a hash (``min_priority``, ``ready_emoji``, ``language``) that never expires:
a channel's choices outlive its stories.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from bot import store
from bot.desk import PRIORITY_RANK, shown_items
from bot.models import Checklist
from bot.slack.services import Services

PRIORITIES = ("low", "medium", "high")
EMOJI_NAME = re.compile(r"^[a-z0-9_+'\-]{1,100}$")  # Slack's emoji names: lower case, digits, _ + - '
MAX_LANGUAGE = 40


@dataclass(frozen=True)
class ChannelSettings:
    min_priority: str = "low"  # items below are not shown in the thread (export still has them)
    ready_emoji: str = "white_check_mark"
    language: str = ""  # for the bot's notes (why, how to verify); "" = the article's language


def _key(channel: str) -> str:
    return f"fc:chan:{channel}"


def emoji_name(raw: str) -> str | None:
    """``":rocket:"`` -> ``"rocket"``; None when it cannot be an emoji name."""
    name = raw.strip().strip(":").strip().lower()
    return name if EMOJI_NAME.match(name) else None


def load(services: Services, channel: str) -> ChannelSettings:
    raw = services.redis.hgetall(_key(channel)) if channel else {}
    data = {store.text(k): store.text(v) for k, v in raw.items()}
    priority = data.get("min_priority", "low")
    return ChannelSettings(
        min_priority=priority if priority in PRIORITY_RANK else "low",
        ready_emoji=emoji_name(data.get("ready_emoji", "")) or services.settings.ready_emoji,
        language=data.get("language", "")[:MAX_LANGUAGE],
    )


def save(services: Services, channel: str, chosen: ChannelSettings) -> None:
    services.redis.hset(_key(channel), mapping=asdict(chosen))


def shown(services: Services, channel: str, checklist: Checklist) -> tuple[Checklist, int]:
    """The checklist as this channel shows it, and how many lower-priority items that leaves out."""
    kept = shown_items(checklist, load(services, channel).min_priority)
    return kept, len(checklist.items) - len(kept.items)
