"""THE seam where work leaves the request: listeners build a ``Job`` and ``submit`` it.

A job carries only JSON-serializable data, so the in-process pool here can be replaced by a Redis
queue and separate worker processes that call ``bot.slack.tasks.run_job(services, job)``.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Literal, Protocol

from pydantic import BaseModel, Field

log = logging.getLogger(__name__)

JobKind = Literal["check", "recheck", "answer"]


class Job(BaseModel):
    kind: JobKind
    job_id: str = Field(default_factory=lambda: uuid.uuid4().hex)  # idempotency key: reruns reuse its messages
    channel: str
    user: str
    text: str = ""  # the article (check, recheck) or the question (answer)
    trigger: Literal["command", "reaction", "recheck"] = "command"
    thread_ts: str | None = None  # None for a slash command: the job posts the parent itself
    response_url: str | None = None  # slash commands: ephemeral answers to the requester
    checklist_id: str | None = None  # recheck, answer


class QueueFull(RuntimeError):
    """More jobs are waiting than the queue accepts; the requester is told to retry."""


class JobQueue(Protocol):
    """Raises ``QueueFull`` when it cannot take more. Queues that hold threads also offer
    ``shutdown(wait)``; the server calls it when present (see ``shutdown_queue``)."""

    def submit(self, job: Job) -> object: ...


def shutdown_queue(queue: JobQueue, wait: bool = True) -> None:
    """Let in-flight jobs finish (in-process queue); a Redis queue keeps its jobs for the workers."""
    shutdown = getattr(queue, "shutdown", None)
    if callable(shutdown):
        shutdown(wait=wait)


class InProcessQueue:
    """A bounded thread pool: ``max_workers`` jobs run at once, at most ``max_pending`` wait or run."""

    def __init__(self, runner: Callable[[Job], None], max_workers: int = 8, max_pending: int = 200) -> None:
        self._runner = runner
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="fc-job")
        self._max_pending = max_pending
        self._slots = threading.BoundedSemaphore(max_pending)

    def submit(self, job: Job) -> None:
        if not self._slots.acquire(blocking=False):
            raise QueueFull(f"{self._max_pending} jobs are already pending")
        # Round-trip through JSON so nothing that works here would fail on a real queue.
        wire = job.model_dump_json()
        try:
            self._pool.submit(self._run, wire)
        except RuntimeError:  # the pool is shutting down
            self._slots.release()
            raise

    def _run(self, wire: str) -> None:
        job = Job.model_validate_json(wire)
        try:
            self._runner(job)
        except Exception:
            log.exception("job %s (%s) failed", job.job_id, job.kind)
        finally:
            self._slots.release()

    def shutdown(self, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait)
