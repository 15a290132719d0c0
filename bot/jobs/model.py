"""THE seam where work leaves the request: listeners build a ``Job`` and admit it to the queue.

A job carries only JSON-serializable data: the Redis queue (``bot.jobs.queue``) stores it and any
worker process (``bot.jobs.worker``) runs it with the runner its face registered (the Slack side's
``bot.slack.jobs.run_job``).
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

from pydantic import BaseModel, Field

JobKind = Literal["check", "recheck", "answer"]


class Job(BaseModel):
    kind: JobKind
    job_id: str = Field(default_factory=lambda: uuid.uuid4().hex)  # idempotency key: reruns reuse its messages
    channel: str
    user: str
    text: str = ""  # the article (check, recheck) or the question (answer)
    trigger: Literal["command", "reaction", "recheck", "shortcut"] = "command"
    thread_ts: str | None = None  # None for a slash command: the job posts the parent itself
    response_url: str | None = None  # slash commands: ephemeral answers to the requester
    checklist_id: str | None = None  # recheck, answer
    message_ts: str | None = None  # reaction: the message to read and check (the job reads it)
    bot_user_id: str | None = None  # reaction: our own messages are not articles
    url: str | None = None  # check: a link to fetch and check (the job fetches it, never the listener)
    message: dict[str, Any] | None = None  # shortcut: the message as Slack sent it (no conversations.history)


class QueueFull(RuntimeError):
    """More jobs are waiting than the queue accepts; the requester is told to retry."""
