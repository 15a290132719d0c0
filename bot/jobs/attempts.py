"""Where the job in hand stands among its attempts: a message that says "try again" must only go out
when the queue will not try again itself (RQ's ``Retry``: ``retries_left`` counts the reruns to come)."""

from __future__ import annotations

from rq import get_current_job


def retries_left() -> int | None:
    """How many more runs the queue gives the current job if this one fails: 0 on its last attempt;
    None outside a queue worker (a direct call: nobody runs it again)."""
    job = get_current_job()
    if job is None:
        return None
    return max(0, int(job.retries_left or 0))


def final_attempt() -> bool:
    """True when a failure now is final: no automatic retry will follow."""
    return not retries_left()
