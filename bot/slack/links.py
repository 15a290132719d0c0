"""Links to a checklist thread, for the assignee's message and App Home."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot import store
from bot.slack.services import Services

log = logging.getLogger(__name__)

LINK_TTL_SECONDS = 30 * 24 * 3600  # a permalink does not change; the cache only saves calls


def archive_link(channel: str, ts: str) -> str:
    """Slack's archive URL for a message; it opens in the workspace the reader is signed in to."""
    return f"https://slack.com/archives/{channel}/p{ts.replace('.', '')}"


def thread_link(services: Services, channel: str, thread_ts: str) -> str:
    """chat.getPermalink once per thread (cached in Redis); the archive link when Slack will not say."""
    key = f"fc:link:{channel}:{thread_ts}"
    cached = services.redis.get(key)
    if cached:
        return store.text(cached)
    try:
        link = str(services.client.chat_getPermalink(channel=channel, message_ts=thread_ts)["permalink"])
    except (SlackApiError, KeyError) as exc:
        log.warning("no permalink for a thread in %s: %s", channel, exc)
        return archive_link(channel, thread_ts)
    services.redis.set(key, link, ex=LINK_TTL_SECONDS)
    return link
