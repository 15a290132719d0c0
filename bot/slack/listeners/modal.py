"""The modal: ``/factcheck`` with no text opens it (``open_check_modal``, called by the command listener
with the command's trigger_id), and its submission starts a check in the channel the command came from.

The submission is answered in the request (Slack waits for ``response_action``): field errors keep the
modal open; a queued check turns it into a short "Checking…" note. Only Redis is touched before the ack;
the link is fetched by the job.
"""

from __future__ import annotations

import logging
from typing import Any

import redis
from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import metrics
from bot.jobs.model import Job
from bot.slack.gates import Dedup, admit
from bot.slack.modal import CALLBACK_ID, TEXT_BLOCK, check_modal, queued_view, read_submission
from bot.slack.services import Services

log = logging.getLogger(__name__)

VIEWS_OPEN_TIMEOUT = 2.0  # seconds: the command's ack waits for views.open


def register(app: App, services: Services) -> None:
    app.view(CALLBACK_ID)(lambda ack, body, view: handle_submission(services, ack, body, view))


def open_check_modal(services: Services, trigger_id: str, channel: str, user: str) -> bool:
    """``views.open`` within the trigger's 3 seconds; False when Slack refused (the caller shows help)."""
    if not trigger_id or not channel:
        return False
    # Its own client without retries: the trigger expires 3 s after the command, and the ack waits for this
    # call, so a retry after a rate limit or a 5xx would only make Slack show the user a timeout.
    shared = services.client
    client = WebClient(token=shared.token, base_url=shared.base_url, timeout=VIEWS_OPEN_TIMEOUT, retry_handlers=[])
    try:
        client.views_open(trigger_id=trigger_id, view=check_modal(channel, user))
    except SlackApiError as exc:
        log.warning("views.open failed: %s", exc.response.get("error"))
        return False
    except OSError as exc:  # a timeout or a refused connection: answer with the help instead
        log.warning("views.open failed: %s", type(exc).__name__)
        return False
    return True


def handle_submission(services: Services, ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
    submission = read_submission(view)
    if submission.errors:
        ack(response_action="errors", errors=submission.errors)
        return
    user = (body.get("user") or {}).get("id") or ""
    view_id = view.get("id") or ""
    job = Job(
        kind="check",
        job_id=f"modal-{view_id}" if view_id else f"modal-{body.get('trigger_id') or ''}",
        channel=submission.channel,
        user=user,
        text=submission.text,
        url=submission.url,
        trigger="command",  # like /factcheck with text: the job posts a parent message in the channel
    )
    refusals: list[str] = []
    try:
        admission = admit(
            services,
            job,
            gate=Dedup(services.redis).command(f"view-{view_id}") if view_id else None,
            limited=True,
            tell=refusals.append,
            busy="Too many checks are running right now. Try again in a minute.",
        )
    except redis.RedisError as exc:
        metrics.count_error("redis_unavailable")
        log.error("modal check not queued: Redis is unreachable (%s)", type(exc).__name__)
        refusals.append("I can't reach my job queue right now, so this check did not start. Try again in a minute.")
        admission = "refused"
    if admission == "refused":
        ack(response_action="errors", errors={TEXT_BLOCK: (refusals or ["This check did not start."])[0]})
        return
    ack(response_action="update", view=queued_view(submission.channel))
