"""Every Web API call that posts: post, update, reply, ephemeral, respond, the placeholder's progress,
and the checklist messages (posted, or updated in place where a rerun knows their timestamps).

Listeners, jobs and status changes all send through here, so a message renders and fails the same way
whichever path sent it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.engine import Progress
from bot.jobs.model import Job
from bot.slack.blocks import SlackMessage, notice_message, placeholder_message
from bot.slack.records import ThreadRecord
from bot.slack.services import Services

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_SECONDS = 1.0  # chat.update is rate limited (Tier 3, ~50/min): one update a second at most


def post(services: Services, channel: str, message: SlackMessage, thread_ts: str | None = None) -> str:
    response = services.client.chat_postMessage(
        channel=channel,
        thread_ts=thread_ts,
        text=message.text,
        blocks=message.blocks,
        unfurl_links=False,  # article links would unfurl into the thread otherwise
        unfurl_media=False,
    )
    return str(response["ts"])


def update(services: Services, channel: str, ts: str, message: SlackMessage) -> None:
    services.client.chat_update(channel=channel, ts=ts, text=message.text, blocks=message.blocks)


def reply(services: Services, channel: str, thread_ts: str, text: str) -> None:
    """A notice in the thread. ``text`` is escaped by ``notice_message``."""
    post(services, channel, notice_message(text), thread_ts)


def ephemeral(services: Services, channel: str, user: str, text: str, thread_ts: str | None = None) -> None:
    message = notice_message(text)
    try:
        services.client.chat_postEphemeral(
            channel=channel, user=user, text=message.text, blocks=message.blocks, thread_ts=thread_ts
        )
    except SlackApiError as exc:
        log.warning("ephemeral to %s failed: %s", user, exc.response.get("error"))


def respond(response_url: str, text: str) -> None:
    """An ephemeral answer to a slash command through its response_url (valid 30 minutes, 5 uses)."""
    message = notice_message(text)
    try:
        WebhookClient(response_url, timeout=10).send(
            text=message.text, blocks=message.blocks, response_type="ephemeral", replace_original=False
        )
    except Exception:  # a notice that cannot be delivered must not hide the original problem
        log.warning("response_url answer failed", exc_info=True)


def tell(services: Services, job: Job, text: str, thread_ts: str | None, placeholder_ts: str | None) -> None:
    """Tell the requester something went wrong, in the most visible place available."""
    if placeholder_ts and thread_ts:
        update(services, job.channel, placeholder_ts, notice_message(text))
    elif thread_ts:
        reply(services, job.channel, thread_ts, text)
    elif job.response_url:
        respond(job.response_url, text)
    else:
        ephemeral(services, job.channel, job.user, text)


def progress_updater(services: Services, channel: str, ts: str) -> Callable[[Progress], None]:
    """A progress callback that edits the placeholder at most once a second, from any engine thread."""
    lock = threading.Lock()
    last = [time.monotonic()]

    def on_progress(p: Progress) -> None:
        if p.done >= p.total or not lock.acquire(blocking=False):
            return  # finished (the checklist replaces it next) or another thread is updating
        try:
            now = time.monotonic()
            if now - last[0] < PROGRESS_INTERVAL_SECONDS:
                return
            last[0] = now
            update(services, channel, ts, placeholder_message(p.total, p.done, p.cached))
        except SlackApiError as exc:
            log.warning("progress update failed: %s", exc.response.get("error"))
        finally:
            lock.release()

    return on_progress


def publish(
    services: Services, record: ThreadRecord, messages: list[SlackMessage], existing: list[str], job_id: str | None
) -> list[str]:
    """Post (or update, where a timestamp is known) each checklist message; returns their timestamps."""
    ts_list: list[str] = []
    for index, message in enumerate(messages):
        if index < len(existing) and existing[index]:
            ts = existing[index]
            update(services, record.channel, ts, message)
        else:
            ts = post(services, record.channel, message, record.thread_ts)
            if job_id:
                services.state.job_set(job_id, **{f"msg{index}": ts})
        services.state.mark_rendered(record.checklist_id, index, message.blocks)
        ts_list.append(ts)
    return ts_list
