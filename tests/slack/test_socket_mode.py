"""Socket Mode, end to end: ``factcheck serve`` with ``SLACK_APP_TOKEN`` in its own process opens a
connection with ``apps.connections.open`` (on the Web API stand-in), connects to the Socket Mode
stand-in over a real WebSocket, acks each envelope and posts checklists through the Web API."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from bot.slack.state import StateStore
from standins.slack_api import BOT_USER_ID, TEAM_ID, SlackAPIStandIn
from standins.slack_driver import ARTICLE, CHANNEL, EDITOR, TOKEN, process_env, wait_until
from standins.socket_mode import SocketModeStandIn

ROOT = Path(__file__).resolve().parents[2]
APP_TOKEN = "xapp-1-test-app-token"
ARTICLE_TS = "1700000000.000300"


@pytest.fixture
def socket_mode() -> Iterator[SocketModeStandIn]:
    with SocketModeStandIn() as standin:
        yield standin


@pytest.fixture
def slack(socket_mode: SocketModeStandIn) -> Iterator[SlackAPIStandIn]:
    with SlackAPIStandIn(token=TOKEN, app_token=APP_TOKEN) as standin:
        standin.socket_url = socket_mode.url
        yield standin


@pytest.fixture
def serve_env(slack: SlackAPIStandIn, redis_client: redis.Redis, tmp_path: Path) -> dict[str, str]:
    """Socket Mode: an app-level token, no signing secret, no port."""
    return process_env(slack, redis_client, tmp_path, SLACK_APP_TOKEN=APP_TOKEN)


@pytest.fixture
def serve(serve_env: dict[str, str], tmp_path: Path) -> Iterator[Path]:
    """``factcheck serve`` in Socket Mode, in its own process; its log file."""
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "bot", "serve"], env=serve_env, cwd=ROOT, stdout=out,
                                   stderr=subprocess.STDOUT)
    try:
        yield log
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(30)
    assert code == 0, log.read_text()


def _event(event: dict[str, object], event_id: str) -> dict[str, object]:
    return {
        "token": "legacy", "team_id": TEAM_ID, "api_app_id": "A1", "event": event, "type": "event_callback",
        "event_id": event_id, "event_time": int(time.time()),
        "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
    }


def test_socket_mode_serves_the_command_the_reaction_and_thread_replies(
    serve: Path, socket_mode: SocketModeStandIn, slack: SlackAPIStandIn, redis_client: redis.Redis
) -> None:
    socket_mode.wait_connected()
    assert slack.calls_to("apps.connections.open")[0].headers["authorization"] == f"Bearer {APP_TOKEN}"
    state = StateStore(redis_client)

    # /factcheck: the ack carries the private "Checking…" answer; the checklist goes in a thread.
    command = {
        "token": "legacy", "team_id": TEAM_ID, "team_domain": "example", "channel_id": CHANNEL,
        "channel_name": "news", "user_id": EDITOR, "user_name": "editor", "command": "/factcheck",
        "text": ARTICLE, "api_app_id": "A1", "response_url": slack.response_url("sm"), "trigger_id": "7.7.sm",
    }
    sent = socket_mode.send_envelope("slash_commands", command, accepts_response_payload=True)
    ack = socket_mode.wait_ack(sent)
    assert ack["payload"]["text"].startswith(f"Checking {len(ARTICLE):,} characters")
    job = wait_until(lambda: (j := state.job_get("cmd-7.7.sm")).get("done") and j, 30)
    parent_ts = job["parent_ts"]
    assert any("Fact-check checklist" in m["text"] for m in slack.thread_messages(CHANNEL, parent_ts))

    # A reaction with the trigger emoji on a posted article: its checklist goes in that message's thread.
    slack.seed_message(CHANNEL, {"ts": ARTICLE_TS, "user": EDITOR, "text": ARTICLE})
    reaction = {"type": "reaction_added", "user": EDITOR, "reaction": "mag", "item_user": EDITOR,
                "item": {"type": "message", "channel": CHANNEL, "ts": ARTICLE_TS}, "event_ts": f"{time.time():.6f}"}
    socket_mode.wait_ack(socket_mode.send_envelope("events_api", _event(reaction, "EvSM1")))
    wait_until(lambda: state.job_get(f"react-{CHANNEL}-{ARTICLE_TS}").get("done"), 30)
    record = state.record_for_thread(CHANNEL, ARTICLE_TS)
    assert record is not None and record.trigger == "reaction"

    # A reply in that thread works the checklist (a lazy listener, after the ack).
    updates = len(slack.calls_to("chat.update"))
    reply = {"type": "message", "channel": CHANNEL, "user": EDITOR, "text": "verified 1 called the union",
             "ts": "1900000000.000001", "thread_ts": ARTICLE_TS}
    socket_mode.wait_ack(socket_mode.send_envelope("events_api", _event(reply, "EvSM2")))
    wait_until(lambda: state.statuses(record.checklist_id).get(1) and
               state.statuses(record.checklist_id)[1].status == "verified", 15)
    wait_until(lambda: len(slack.calls_to("chat.update")) > updates, 15)
    assert "called the union" in json.dumps([c.params for c in slack.calls_to("chat.update")])
    assert socket_mode.connections == 1  # one connection throughout: no reconnects
    assert "40,000 people attended" not in serve.read_text()  # article text stays out of the logs


@pytest.mark.parametrize("token", ["xapp-1-revoked", TOKEN])  # a wrong app token; the bot token by mistake
def test_a_refused_app_token_is_one_clear_line_and_exit_1(serve_env: dict[str, str], token: str) -> None:
    done = subprocess.run([sys.executable, "-m", "bot", "serve"], env={**serve_env, "SLACK_APP_TOKEN": token},
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "factcheck: Slack refused SLACK_APP_TOKEN (" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
