"""Structured JSON logs, request ids, and no article text in logs at INFO."""

from __future__ import annotations

import io
import json
import logging
import threading
from collections.abc import Iterator

import pytest
import redis

from bot.config import Settings
from bot.jobs.model import Job
from bot.jobs.queue import RQJobQueue
from bot.jobs.worker import perform, register_runner
from bot.logs import (
    JsonFormatter,
    configure_logging,
    get_request_id,
    request_context,
    reset_request_id,
    set_request_id,
)
from bot.slack.jobs import runner_for
from bot.slack.services import build_services
from standins.openai_server import OpenAIStandIn
from standins.slack_api import SlackAPIStandIn

SENTENCES = [
    "The port authority said on Friday that 12,500 containers were stranded at the docks.",
    "A senior official, who asked not to be named, said the losses could reach $40 million.",
    "Analysts have said the dispute may reportedly spread to three other harbours next week.",
]
ARTICLE = "Port chaos deepens\n\n" + "\n\n".join(SENTENCES)


def record(message: str, *args: object, **extra: object) -> logging.LogRecord:
    rec = logging.LogRecord("bot.test", logging.INFO, __file__, 1, message, args, None)
    rec.__dict__.update(extra)
    return rec


def test_one_json_object_per_line_with_request_id_and_extras() -> None:
    formatter = JsonFormatter()
    with request_context("req-42"):
        line = formatter.format(record("job %s done", "j1", items=12, elapsed_s=0.5))
    entry = json.loads(line)
    assert "\n" not in line
    assert entry["level"] == "INFO" and entry["logger"] == "bot.test" and entry["message"] == "job j1 done"
    assert entry["request_id"] == "req-42" and entry["items"] == 12 and entry["elapsed_s"] == 0.5
    assert entry["ts"].endswith("Z") and "T" in entry["ts"]
    assert json.loads(formatter.format(record("outside")))["request_id"] is None


def test_exceptions_are_one_line_of_json() -> None:
    formatter = JsonFormatter()
    try:
        raise ValueError("boom")
    except ValueError:
        rec = logging.LogRecord("bot.test", logging.ERROR, __file__, 1, "failed", (), __import__("sys").exc_info())
    line = formatter.format(rec)
    assert "\n" not in line and "ValueError: boom" in json.loads(line)["exc_info"]


def test_rq_job_arguments_are_redacted() -> None:
    # RQ attaches a failed job's arguments (the job JSON, with the article) to its error record.
    line = JsonFormatter().format(record("job failed", arguments=[ARTICLE], kwargs={}, job_id="fc-1"))
    assert SENTENCES[0] not in line
    assert json.loads(line)["arguments"] == "[redacted]" and json.loads(line)["job_id"] == "fc-1"


def test_request_ids_are_per_thread_and_context() -> None:
    token = set_request_id("outer")
    seen: list[str | None] = []
    thread = threading.Thread(target=lambda: seen.append(get_request_id()))
    thread.start()
    thread.join()
    with request_context() as rid:
        assert get_request_id() == rid and len(rid) == 12
    assert get_request_id() == "outer"
    reset_request_id(token)
    assert get_request_id() is None and seen == [None]


def test_configure_logging_writes_json_lines_for_rq_too() -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    try:
        configure_logging("INFO", json=True, stream=stream)
        with request_context("r1"):
            logging.getLogger("bot.x").info("hello", extra={"n": 1})
            logging.getLogger("rq.job").info("job scheduled for retry")
            logging.getLogger("rq.worker").info("cleaning registries")  # RQ's chatter stays at WARNING+
        lines = [json.loads(line) for line in stream.getvalue().splitlines()]
        assert [entry["message"] for entry in lines] == ["hello", "job scheduled for retry"]
        assert all(entry["request_id"] == "r1" for entry in lines)
        configure_logging("DEBUG", json=False, stream=stream)
        logging.getLogger("bot.x").debug("plain")
        assert "DEBUG bot.x [None]: plain" in stream.getvalue()
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in saved[0]:
            root.addHandler(handler)
        root.setLevel(saved[1])


@pytest.fixture
def slack() -> Iterator[SlackAPIStandIn]:
    with SlackAPIStandIn(token="xoxb-logs") as server:
        yield server


@pytest.mark.parametrize("analyzer", ["offline", "llm"])
def test_a_check_job_never_logs_article_text_at_info(
    analyzer: str, redis_client: redis.Redis, slack: SlackAPIStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    env = {"SLACK_BOT_TOKEN": "xoxb-logs", "SLACK_API_URL": slack.base_url}
    with OpenAIStandIn(api_key="sk-logs", hallucinate=True) as llm:
        if analyzer == "llm":
            env |= {"OPENAI_API_KEY": "sk-logs", "OPENAI_BASE_URL": llm.base_url}
        settings = Settings.from_env(env)
        services = build_services(settings, redis_client=redis_client, queue=RQJobQueue(redis_client))
        register_runner(lambda: runner_for(services))
        try:
            job = Job(kind="check", job_id=f"cmd-logs-{analyzer}", channel="C1", user="U1", text=ARTICLE)
            with caplog.at_level(logging.INFO):
                perform(job.model_dump_json())
        finally:
            register_runner(None)
    assert redis_client.hget(f"fc:job:{job.job_id}", "done") == b"1"
    assert len(slack.calls_to("chat.postMessage")) == 2
    formatter = JsonFormatter()
    logged = "\n".join(formatter.format(r) for r in caplog.records if r.levelno >= logging.INFO)
    assert f'"request_id": "cmd-logs-{analyzer}"' in logged  # the job's lines were captured
    for sentence in SENTENCES:
        for fragment in (sentence, sentence[:40], sentence[-40:]):
            assert fragment not in logged


def test_refusal_text_is_never_logged_at_warning(redis_client: redis.Redis, caplog: pytest.LogCaptureFixture) -> None:
    """A refusal may quote the article (issue #10, item 9): its kind is logged, never its words."""
    from bot.factory import build_engine
    from standins.openai_server import Scripted

    secret_words = "I will not repeat: the minister's SECRET-QUOTE-7731 about the budget"
    with OpenAIStandIn(api_key="sk-test") as llm:
        llm.script(*[Scripted.refused(secret_words)] * 8)
        settings = Settings(openai_api_key="sk-test", openai_base_url=llm.base_url, llm_timeout_seconds=5.0)
        engine = build_engine(settings, redis_client=redis_client)
        with caplog.at_level(logging.DEBUG):
            checklist = engine.check("Budget row\n\nOfficials said the plan may cost about $3 billion.")
    assert checklist.stats.fallback_reason  # the offline analyzer stood in
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert warnings and any("refus" in m for m in warnings)
    assert not any("SECRET-QUOTE-7731" in m for m in warnings), warnings
