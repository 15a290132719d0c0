"""The RQ job queue on a real Redis: ids, duplicates, limits on pending jobs, what is stored."""

from __future__ import annotations

import json
import zlib

import pytest
import redis
from rq.job import Job as RQJob
from rq.job import JobStatus
from rq.registry import StartedJobRegistry

from bot.jobs.model import Job, QueueFull
from bot.jobs.queue import INTAKE_PUSH_FUNCTION, PERFORM, QUEUE_NAME, RQJobQueue, make_queue, rq_job_id


def job(job_id: str = "cmd-1", kind: str = "check", text: str = "An article.") -> Job:
    return Job(kind=kind, job_id=job_id, channel="C1", user="U1", text=text)  # type: ignore[arg-type]


def test_job_id_comes_from_the_idempotency_key() -> None:
    assert rq_job_id(job("react-C1-1700000000_000100")) == "fc-react-C1-1700000000_000100"
    dotted = rq_job_id(job("cmd-1.1.trigger1"))
    assert dotted.startswith("fc-cmd-1_1_trigger1-") and "." not in dotted
    assert rq_job_id(job("cmd-1_1_trigger1")) != dotted  # sanitizing never merges two keys
    assert rq_job_id(job("cmd-1.1.trigger1")) == dotted  # stable across processes


def test_submit_enqueues_perform_with_the_job_as_json(redis_client: redis.Redis) -> None:
    queue = RQJobQueue(redis_client, job_timeout=123)
    assert queue.submit(job(text="The minister said 40,000 people came.")) is True
    rq_queue = make_queue(redis_client)
    assert rq_queue.name == QUEUE_NAME and rq_queue.count == 1
    stored = RQJob.fetch("fc-cmd-1", connection=redis_client, serializer=rq_queue.serializer)
    assert stored.func_name == PERFORM
    assert Job.model_validate_json(stored.args[0]) == job(text="The minister said 40,000 people came.")
    assert stored.timeout == 123
    assert stored.retries_left == 2 and stored.retry_intervals == [5, 15]
    assert stored.result_ttl is not None and stored.result_ttl <= 600
    assert "minister" not in (stored.description or "")  # RQ logs the description: no article text
    # JSON, not pickle: the stored call is readable by anything.
    raw = redis_client.hget(f"rq:job:{stored.id}", "data")
    assert raw is not None
    json.loads(zlib.decompress(raw))


def test_duplicate_submits_are_a_no_op(redis_client: redis.Redis) -> None:
    queue = RQJobQueue(redis_client)
    assert queue.submit(job("react-C1-1")) is True
    assert queue.submit(job("react-C1-1")) is False
    assert RQJobQueue(redis_client).submit(job("react-C1-1")) is False  # another web process
    assert queue.depth() == 1
    assert queue.submit(job("react-C1-2")) is True
    assert queue.depth() == 2


def test_a_job_that_failed_for_good_can_be_submitted_again(redis_client: redis.Redis) -> None:
    queue = RQJobQueue(redis_client)
    assert queue.submit(job("react-C1-9")) is True
    rq_queue = make_queue(redis_client)
    stored = RQJob.fetch("fc-react-C1-9", connection=redis_client, serializer=rq_queue.serializer)
    rq_queue.remove(stored)
    stored.set_status(JobStatus.FINISHED)
    assert queue.submit(job("react-C1-9")) is False  # done: a duplicate
    stored.set_status(JobStatus.FAILED)
    assert queue.submit(job("react-C1-9")) is True  # failed every attempt: a new try
    assert queue.depth() == 1


def test_duplicate_of_a_running_job_is_a_no_op(redis_client: redis.Redis) -> None:
    queue = RQJobQueue(redis_client)
    queue.submit(job("cmd-running"))
    rq_queue = make_queue(redis_client)
    popped = rq_queue.dequeue_any([rq_queue], None, connection=redis_client, serializer=rq_queue.serializer)
    assert popped is not None
    assert queue.depth() == 0
    assert queue.submit(job("cmd-running")) is False


def _push(redis_client: redis.Redis, queue: RQJobQueue, item: Job) -> list:
    """``intake_push`` alone, as the admission script runs it (after its gate and limits)."""
    script = redis_client.register_script(
        INTAKE_PUSH_FUNCTION + "return intake_push(KEYS, ARGV)"
    )
    request = queue.intake_request(item)
    return script(keys=list(request.keys), args=list(request.args))


def test_a_full_queue_counts_the_intake_and_rqs_queue(redis_client: redis.Redis) -> None:
    queue = RQJobQueue(redis_client, max_pending=2)
    queue.submit(job("a"))  # in RQ's queue
    assert queue.intake_verdict(_push(redis_client, queue, job("b"))) == 2  # in the intake
    assert queue.depth() == 2
    with pytest.raises(QueueFull, match=r"2 jobs are already waiting .*FACTCHECK_QUEUE_MAX_PENDING=2"):
        queue.intake_verdict(_push(redis_client, queue, job("c")))
    assert redis_client.llen(queue.intake_key) == 1  # the refused one was not pushed
    assert Job.model_validate_json(redis_client.lindex(queue.intake_key, 0)) == job("b")


def test_stats_count_each_state(redis_client: redis.Redis) -> None:
    queue = RQJobQueue(redis_client)
    queue.submit(job("a"))
    _push(redis_client, queue, job("b"))
    stats = queue.stats()
    assert (stats.intake, stats.queued, stats.started, stats.scheduled, stats.failed) == (1, 1, 0, 0, 0)
    assert StartedJobRegistry(QUEUE_NAME, connection=redis_client).count == 0
    assert queue.depth() == 2


def test_jobs_queued_under_the_old_function_name_still_run() -> None:
    from rq.utils import import_attribute

    from bot.jobs.worker import perform

    assert import_attribute(PERFORM) is perform
    assert import_attribute("bot.worker.perform") is perform  # queued before the move to bot.jobs
