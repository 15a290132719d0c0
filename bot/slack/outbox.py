"""Every Web API call that posts: post, update, reply, ephemeral, respond, the placeholder's progress,
and the checklist messages (posted, or updated in place where a rerun knows their timestamps).

Listeners, jobs and status changes all send through here, so a message renders and fails the same way
whichever path sent it.
"""

from __future__ import annotations

import copy
import http.client
import logging
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.webhook import WebhookClient

from bot.engine import Progress
from bot.jobs.model import Job
from bot.slack.blocks import SlackMessage, notice_message, placeholder_message
from bot.slack.records import ThreadRecord
from bot.slack.services import Services

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_SECONDS = 1.0  # chat.update is rate limited (Tier 3, ~50/min): one update a second at most


def post(
    services: Services,
    channel: str,
    message: SlackMessage,
    thread_ts: str | None = None,
    key: PostKey | None = None,
) -> str:
    """Post ``message``; with a ``key``, at most once per key (see ``post_once``)."""
    if key is not None:
        return post_once(services, channel, message, thread_ts, key)
    response = services.client.chat_postMessage(
        channel=channel,
        thread_ts=thread_ts,
        text=message.text,
        blocks=message.blocks,
        unfurl_links=False,  # article links would unfurl into the thread otherwise
        unfurl_media=False,
    )
    return str(response["ts"])


# --- idempotent posts -------------------------------------------------------------------------------
# slack_sdk's ServerErrorRetryHandler re-sends chat.postMessage after a 5xx, but Slack may have stored
# the message before answering 5xx (or before a timeout or a dropped connection): the re-send leaves a
# second copy. A job's posts therefore carry message metadata naming the job and the post's role, go
# through a client without automatic 5xx/connection retries, and after an ambiguous failure the thread
# (or channel) is searched for the tagged message before posting again.

POST_EVENT_TYPE = "factcheck_post"
POST_ATTEMPTS = 3  # the first included, as slack_sdk's ServerErrorRetryHandler(max_retry_count=2) did
POST_BACKOFF_SECONDS = 0.5  # before the look that follows a failure: 0.5 s, then 1 s
LOOKUP_MARGIN_SECONDS = 300  # look this far before the first attempt (clock skew between us and Slack)
LOOKUP_LIMIT = 100


@dataclass(frozen=True)
class PostKey:
    """What one post of a job is: the thread ``parent``, the ``placeholder``, or ``checklist`` part n."""

    job_id: str
    role: str
    part: int = 0

    def metadata(self) -> dict[str, Any]:
        return {
            "event_type": POST_EVENT_TYPE,
            "event_payload": {"job_id": self.job_id, "role": self.role, "part": self.part},
        }

    def matches(self, message: dict[str, Any]) -> bool:
        meta = message.get("metadata") or {}
        payload = meta.get("event_payload") or {}
        return (
            meta.get("event_type") == POST_EVENT_TYPE
            and payload.get("job_id") == self.job_id
            and payload.get("role") == self.role
            and str(payload.get("part")) == str(self.part)
        )

    @property
    def intent_field(self) -> str:
        """The job-record field written before the first attempt: a rerun knows to look first."""
        return f"posting:{self.role}:{self.part}"


_posters: weakref.WeakKeyDictionary[WebClient, WebClient] = weakref.WeakKeyDictionary()
_posters_lock = threading.Lock()


def posting_client(client: WebClient) -> WebClient:
    """``client`` without its 5xx and connection-error retries (429 is safe: nothing was stored)."""
    with _posters_lock:
        poster = _posters.get(client)
        if poster is None:
            poster = copy.copy(client)
            poster.retry_handlers = [h for h in client.retry_handlers if isinstance(h, RateLimitErrorRetryHandler)]
            _posters[client] = poster
        return poster


def ambiguous(exc: BaseException) -> bool:
    """True when Slack may have carried out the call although it failed: 5xx, timeout, lost connection."""
    if isinstance(exc, SlackApiError):
        return int(getattr(exc.response, "status_code", 200) or 200) >= 500
    return isinstance(exc, (OSError, http.client.HTTPException))  # URLError, TimeoutError, resets


def post_once(services: Services, channel: str, message: SlackMessage, thread_ts: str | None, key: PostKey) -> str:
    """Post ``message`` tagged with ``key``, never twice: after an ambiguous failure, look before re-posting.

    A run that finds the intent of an earlier run in the job record (it crashed or gave up after an
    ambiguous failure) looks first too. When a look itself fails, the post's error is raised rather
    than risking a second copy; the job's retry looks again."""
    state = services.state
    intent = state.job_get(key.job_id).get(key.intent_field)
    if intent:
        found = find_post(services, channel, thread_ts, key, float(intent) - LOOKUP_MARGIN_SECONDS)
        if found:
            log.info("job %s: %s %d was already posted (%s); reusing it", key.job_id, key.role, key.part, found)
            return found
    started = time.time()
    state.job_set(key.job_id, **{key.intent_field: f"{started:.6f}"})
    poster = posting_client(services.client)
    for attempt in range(1, POST_ATTEMPTS + 1):
        try:
            response = poster.chat_postMessage(
                channel=channel,
                thread_ts=thread_ts,
                text=message.text,
                blocks=message.blocks,
                metadata=key.metadata(),
                unfurl_links=False,
                unfurl_media=False,
            )
            return str(response["ts"])
        except Exception as exc:
            if not ambiguous(exc) or attempt == POST_ATTEMPTS:
                raise
            log.warning(
                "job %s: posting %s %d failed ambiguously (%s); looking before trying again",
                key.job_id,
                key.role,
                key.part,
                _describe(exc),
            )
            time.sleep(POST_BACKOFF_SECONDS * 2 ** (attempt - 1))
            try:
                found = find_post(services, channel, thread_ts, key, started - LOOKUP_MARGIN_SECONDS)
            except Exception as look_error:
                log.warning("job %s: cannot look for %s %d: %s", key.job_id, key.role, key.part, _describe(look_error))
                raise exc from look_error
            if found:
                log.info("job %s: %s %d was stored despite the error (%s)", key.job_id, key.role, key.part, found)
                return found
    raise AssertionError("unreachable")


def find_post(services: Services, channel: str, thread_ts: str | None, key: PostKey, oldest: float) -> str | None:
    """The ts of the message tagged ``key`` posted since ``oldest``: in the thread, or the channel's top level."""
    common = {
        "channel": channel,
        "oldest": f"{max(0.0, oldest):.6f}",
        "limit": LOOKUP_LIMIT,
        "include_all_metadata": True,
    }
    if thread_ts:
        response = services.client.conversations_replies(ts=thread_ts, **common)
    else:
        response = services.client.conversations_history(**common)
    for found in response.get("messages") or []:
        if key.matches(found):
            return str(found["ts"])
    return None


def _describe(exc: BaseException) -> str:
    if isinstance(exc, SlackApiError):
        return f"HTTP {getattr(exc.response, 'status_code', '?')} {exc.response.get('error')}"
    return type(exc).__name__


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
            key = PostKey(job_id, "checklist", index) if job_id else None
            ts = post(services, record.channel, message, record.thread_ts, key)
            if job_id:
                services.state.job_set(job_id, **{f"msg{index}": ts})
        services.state.mark_rendered(record.checklist_id, index, message.blocks)
        ts_list.append(ts)
    return ts_list
