"""``/factcheck <article>``: ack at once (Slack allows 3 s), then hand the check to the job queue.

Slash-command text limit: Slack documents none for the ``text`` field, and the composer accepts a
message of up to 40,000 characters (Slack changelog, 2018-04 "Truncating really long messages").
Whether long slash-command text reaches the app whole is not documented, so the bot guards both ways:
text at or over ``SLACK_MESSAGE_LIMIT`` is treated as cut by Slack, and text longer than
``settings.max_article_chars`` is refused. Either way the answer suggests the reaction, which reads the
posted message itself (``conversations.history``) and has no such limit.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

import redis
from slack_bolt import Ack, App

from bot import metrics
from bot.jobs.model import Job
from bot.slack.blocks import help_message
from bot.slack.gates import Dedup, admit
from bot.slack.listeners.modal import open_check_modal
from bot.slack.listeners.settings_modal import open_settings
from bot.slack.mrkdwn import decode_incoming, escape
from bot.slack.services import Services
from bot.slack.sources import link_in

log = logging.getLogger(__name__)

COMMAND = "/factcheck"
SLACK_MESSAGE_LIMIT = 40_000  # chat message text; anything this long has most likely been cut


def register(app: App, services: Services) -> None:
    app.command(COMMAND)(lambda ack, command: handle_command(services, ack, command))


def handle_command(services: Services, ack: Ack, command: dict[str, Any]) -> None:
    settings = services.settings
    raw = command.get("text") or ""
    if raw.strip().lower() == "settings":
        open_settings(services, ack, command)
        return
    if not raw.strip() and open_check_modal(
        services, command.get("trigger_id") or "", command.get("channel_id") or "", command.get("user_id") or ""
    ):
        ack()
        return
    if not raw.strip() or raw.strip().lower() in {"help", "?"}:
        message = help_message(settings.trigger_emoji)
        ack(text=message.text, blocks=message.blocks)
        return
    url = link_in(raw)
    text = "" if url else decode_incoming(raw)
    emoji = settings.trigger_emoji
    instead = (
        "Post it as a snippet or a file (.txt, .md, .html, .docx, .pdf), or post its link, and react to that "
        f"message with :{emoji}: or use its “Fact-check this message” shortcut; or give `/factcheck` the link."
    )
    if len(text) > settings.max_article_chars:
        ack(
            text=f"The article is {len(text):,} characters; the limit is {settings.max_article_chars:,}. "
            f"Split it and check the parts: post each as a message, a snippet or a file and react with :{emoji}: "
            "(or use its “Fact-check this message” shortcut)."
        )
        return
    if len(raw) >= SLACK_MESSAGE_LIMIT:
        ack(
            text=f"Your text reached Slack's {SLACK_MESSAGE_LIMIT:,}-character limit, so Slack has probably cut it "
            f"short. {instead}"
        )
        return
    try:
        _queue_check(services, ack, command, text, url)
    except redis.RedisError as exc:  # Redis down or restarting: say so instead of failing the request (500)
        metrics.count_error("redis_unavailable")
        log.error("/factcheck not queued: Redis is unreachable (%s)", type(exc).__name__)
        ack(text="I can't reach my job queue right now, so this check did not start. Try again in a minute.")


def _queue_check(services: Services, ack: Ack, command: dict[str, Any], text: str, url: str | None) -> None:
    trigger_id = command.get("trigger_id")
    job = Job(
        kind="check",
        job_id=f"cmd-{trigger_id or uuid.uuid4().hex}",
        channel=command["channel_id"],
        user=command["user_id"],
        text=text,
        trigger="command",
        response_url=command.get("response_url"),
        url=url,  # the job fetches it: a page may take seconds, the ack may not
    )
    admission = admit(
        services,
        job,
        gate=Dedup(services.redis).command(trigger_id) if trigger_id else None,
        limited=True,
        tell=lambda refusal: ack(text=refusal),
        busy="Too many checks are running right now. Try again in a minute.",
    )
    if admission == "skipped":
        ack()  # the same command delivered twice: the first delivery is being handled
    elif admission == "queued":
        ack(text=queued_text(f"Fetching {escape(url)}…" if url else f"Checking {len(text):,} characters…"))


def queued_text(doing: str) -> str:
    """The ack of a queued check. The ack cannot know (without an API call, too slow here) whether the
    bot is in the channel, so it promises nothing it cannot keep; the job tells the requester if not."""
    return (
        f"{doing} If I'm in this channel, the checklist will appear in a thread here; "
        "if I'm not, I'll tell you (only you) how to invite me."
    )
