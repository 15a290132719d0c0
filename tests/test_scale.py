"""Scale-out, end to end: limits in the listeners, the token budget in the task, and ``factcheck serve`` on
the Redis queue (in-process workers by default, web-only with separate ``factcheck worker`` processes)."""

from __future__ import annotations

import http.client
import json
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest
import redis

from bot.config import Settings
from bot.jobs.queue import RQJobQueue, make_queue
from standins.openai_server import OpenAIStandIn
from standins.slack_api import SlackAPIStandIn
from standins.slack_driver import (
    CHANNEL,
    EDITOR,
    SECRET,
    TOKEN,
    Bot,
    process_env,
    start_bot,
    wait_until,
)

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = (
    "Harbour strike enters second week\n\n"
    "The union said on Monday that 4,000 dockers had walked out.\n\n"
    "Officials, who spoke on condition of anonymity, said the strike may cost about $30 million a day."
)


@pytest.fixture
def slack() -> Iterator[SlackAPIStandIn]:
    with SlackAPIStandIn(token=TOKEN) as standin:
        yield standin


@pytest.fixture
def settings(slack: SlackAPIStandIn) -> Settings:
    return Settings(
        slack_bot_token=TOKEN, slack_signing_secret=SECRET, slack_api_url=slack.base_url, worker_heartbeat_seconds=1
    )


@pytest.fixture
def limited_bot(settings: Settings, redis_client: redis.Redis, slack: SlackAPIStandIn) -> Iterator[Bot]:
    instance = start_bot(replace(settings, user_limit=1, channel_limit=2), redis_client, slack)
    yield instance
    instance.drain()


def test_slash_command_over_the_user_limit_is_refused_privately(limited_bot: Bot, slack: SlackAPIStandIn) -> None:
    first = limited_bot.command(ARTICLE)
    assert first.status == 200
    limited_bot.wait_job(first.job_id)
    second = limited_bot.command(ARTICLE)
    assert second.status == 200
    # The ack's text is the answer only the requester sees (a slash command's default response type).
    assert second.body.startswith(
        "You have run 1 check in the last hour; the limit is 1 (FACTCHECK_USER_LIMIT). Try again in 60 minutes"
    )
    assert limited_bot.services.state.job_get(second.job_id) == {}  # nothing was queued
    assert len(slack.calls_to("chat.postMessage")) == 2  # the first check's parent and checklist only


def test_reaction_over_the_channel_limit_gets_an_ephemeral_note(limited_bot: Bot, slack: SlackAPIStandIn) -> None:
    for n, user in enumerate(["U0A", "U0B", "U0C"], start=1):
        slack.seed_message(CHANNEL, {"ts": f"1700000000.00000{n}", "user": EDITOR, "text": ARTICLE})
        assert limited_bot.reaction(f"1700000000.00000{n}", user=user).status == 200
        if n < 3:  # a reaction is admitted after its ack, on the listener pool: let the two allowed ones in first
            limited_bot.wait_job(f"react-{CHANNEL}-1700000000.00000{n}")
    wait_until(lambda: slack.calls_to("chat.postEphemeral"), 10)
    notes = slack.calls_to("chat.postEphemeral")
    assert len(notes) == 1 and notes[0].params["user"] == "U0C"
    assert "This channel has had 2 checks in the last hour; the limit is 2 (FACTCHECK_CHANNEL_LIMIT)" in str(
        notes[0].params
    )
    limited_bot.wait_job(f"react-{CHANNEL}-1700000000.000002")
    assert limited_bot.services.state.job_get(f"react-{CHANNEL}-1700000000.000003") == {}


BUDGET = 1_000_000  # LLM tokens a day


@contextmanager
def llm_bot_with_budget(
    settings: Settings, redis_client: redis.Redis, slack: SlackAPIStandIn
) -> Iterator[tuple[Bot, OpenAIStandIn]]:
    """A bot on the LLM stand-in with a daily budget of ``BUDGET`` tokens."""
    with OpenAIStandIn(api_key="sk-budget") as llm:
        llm_settings = replace(settings, openai_api_key=llm.api_key, openai_base_url=llm.base_url,
                               daily_token_budget=BUDGET)
        bot = start_bot(llm_settings, redis_client, slack)
        try:
            yield bot, llm
        finally:
            bot.drain()


def test_spent_token_budget_runs_offline_and_the_checklist_says_why(
    settings: Settings, redis_client: redis.Redis, slack: SlackAPIStandIn
) -> None:
    with llm_bot_with_budget(settings, redis_client, slack) as (bot, llm):
        limits = bot.services.limits
        first = bot.command(ARTICLE)
        bot.wait_job(first.job_id)
        assert llm.completion_requests  # under budget: the LLM did the work ...
        used = BUDGET - (limits.budget_left() or 0)
        assert used == llm.total_usage()["prompt_tokens"] + llm.total_usage()["completion_tokens"] > 0
        limits.record_tokens(BUDGET)  # ... and now the day's budget is gone
        asked = len(llm.completion_requests)
        second = bot.command(ARTICLE.replace("second week", "third week"))
        bot.wait_job(second.job_id)
        assert len(llm.completion_requests) == asked  # no LLM request once the budget is spent
    checklist_ts = bot.services.state.job_get(second.job_id)["msg0"]
    shown = json.dumps(slack.message(CHANNEL, checklist_ts))
    assert "The offline analyzer made this checklist." in shown
    assert "Today's LLM token budget (1,000,000 tokens, FACTCHECK_DAILY_TOKEN_BUDGET) is spent" in shown
    assert "because the LLM failed" not in shown


# -- factcheck serve as a real process, on the Redis queue --------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(port: int, path: str) -> tuple[int, str]:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=3)
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8")
    except OSError:
        return 0, ""


@pytest.fixture
def serve_env(slack: SlackAPIStandIn, redis_client: redis.Redis, tmp_path: Path) -> dict[str, str]:
    return process_env(slack, redis_client, tmp_path, SLACK_SIGNING_SECRET=SECRET, PORT=str(_free_port()))


def _start(env: dict[str, str], args: list[str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "wb") as out:
        return subprocess.Popen([sys.executable, "-m", "bot", *args], env=env, cwd=ROOT, stdout=out,
                                stderr=subprocess.STDOUT)


def test_serve_queues_in_redis_runs_jobs_in_process_and_serves_metrics(
    serve_env: dict[str, str], slack: SlackAPIStandIn, redis_client: redis.Redis, tmp_path: Path
) -> None:
    port = int(serve_env["PORT"])
    log = tmp_path / "serve.log"
    process = _start(serve_env, ["serve"], log)
    try:
        wait_until(lambda: _get(port, "/healthz")[0] == 200, 30)
        driver = Bot(services=None, slack=slack, port=port, _server=None, _thread=None)  # type: ignore[arg-type]
        response = driver.command(ARTICLE)
        assert response.status == 200
        wait_until(lambda: redis_client.hget(f"fc:job:{response.job_id}", "done"), 30)
        assert len(slack.calls_to("chat.postMessage")) == 2
        status, body = _get(port, "/metrics")
        assert status == 200
        assert 'factcheck_requests_total{kind="check"} 1.0' in body
        assert 'factcheck_checks_total{analyzer="offline",outcome="ok"} 1.0' in body
        assert "factcheck_queue_depth 0.0" in body
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(30)
    output = log.read_text()
    assert code == 0, output
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert any(entry.get("request_id") == response.job_id for entry in lines), output
    assert "4,000 dockers" not in output


def test_web_only_serve_leaves_checks_to_worker_processes(
    serve_env: dict[str, str], slack: SlackAPIStandIn, redis_client: redis.Redis, tmp_path: Path
) -> None:
    env = {**serve_env, "FACTCHECK_INPROCESS_WORKER": "0"}
    port = int(env["PORT"])
    process = _start(env, ["serve"], tmp_path / "serve.log")
    try:
        # Up, but honest: no worker has a recent heartbeat in Redis yet, so it cannot serve checks.
        wait_until(lambda: _get(port, "/healthz")[0] == 503, 30)
        assert "no worker is alive" in _get(port, "/healthz")[1]
        driver = Bot(services=None, slack=slack, port=port, _server=None, _thread=None)  # type: ignore[arg-type]
        response = driver.command(ARTICLE)
        assert response.status == 200
        wait_until(lambda: RQJobQueue(redis_client).depth() == 1, 10)
        assert make_queue(redis_client).count == 0  # in the intake: the workers' movers hand it to RQ
        assert not slack.calls_to("chat.postMessage")  # queued, not run: no worker in the web process
        worker = _start(env, ["worker", "--burst"], tmp_path / "worker.log")
        assert worker.wait(30) == 0, (tmp_path / "worker.log").read_text()
        assert redis_client.hget(f"fc:job:{response.job_id}", "done") == b"1"
        assert len(slack.calls_to("chat.postMessage")) == 2
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0, (tmp_path / "serve.log").read_text()


def test_questions_count_against_the_token_budget_and_stop_when_it_is_spent(
    settings: Settings, redis_client: redis.Redis, slack: SlackAPIStandIn
) -> None:
    with llm_bot_with_budget(settings, redis_client, slack) as (bot, llm):
        check = bot.command(ARTICLE)
        thread_ts = bot.wait_job(check.job_id)["parent_ts"]
        left = bot.services.limits.budget_left() or 0
        asked = len(llm.completion_requests)
        bot.mention(thread_ts, "How many dockers walked out?")
        wait_until(lambda: len(llm.completion_requests) == asked + 1 and
                   (bot.services.limits.budget_left() or 0) < left, 15)
        answer_usage = llm.completion_requests[-1].usage or {}
        assert left - (bot.services.limits.budget_left() or 0) == (
            answer_usage["prompt_tokens"] + answer_usage["completion_tokens"]
        )
        bot.services.limits.record_tokens(BUDGET)
        bot.mention(thread_ts, "Who said so?")
        wait_until(lambda: any("Questions need the LLM. Today's LLM token budget" in json.dumps(c.params)
                               for c in slack.calls_to("chat.postMessage")), 15)
        assert len(llm.completion_requests) == asked + 1  # no request once the budget is spent
