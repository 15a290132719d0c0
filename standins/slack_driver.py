"""Slack's side of the HTTP conversation with the running app: signed slash commands, events, clicks.

Used by the end-to-end tests and the benchmarks. Requests are signed exactly as Slack signs them;
results are read from what the Web API stand-in recorded.
"""

from __future__ import annotations

import http.client
import json
import os
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any

import redis
from slack_sdk.signature import SignatureVerifier

from bot.config import Settings
from bot.jobs.queue import RQJobQueue
from bot.slack.server import start_http_server, start_worker, stop_http_server
from bot.slack.services import Services, build_services
from standins.slack_api import SlackAPIStandIn

TOKEN = "xoxb-test-token"
SECRET = "test-signing-secret"
CHANNEL = "C0NEWS"
EDITOR, OTHER_EDITOR = "U0EDITOR", "U0OTHER"

ARTICLE = """Minister resigns over budget row

The minister said on Tuesday that 40,000 people attended the rally.

Officials, who spoke on condition of anonymity, said the plan may cost about $3 billion.

Critics have said the scheme could reportedly double the deficit, according to a report in the Post.
"""

_ids = count(1)


@dataclass
class Response:
    status: int
    body: str
    seconds: float
    job_id: str = ""  # for slash commands: the job the command started

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass
class SignedRequest:
    body: bytes
    headers: dict[str, str]
    job_id: str = ""  # for slash commands: the job the command starts


@dataclass
class Bot:
    """The app under test, reachable over HTTP at ``port``."""

    services: Services
    slack: SlackAPIStandIn
    port: int
    _server: Any = field(repr=False)
    _thread: Any = field(repr=False)
    _stopped: bool = False
    last_job_id: str = ""  # the job the last slash command started

    # -- raw HTTP ----------------------------------------------------------------------------------
    def request(self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Response:
        started = time.monotonic()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            answer = conn.getresponse()
            text = answer.read().decode("utf-8")
            return Response(answer.status, text, time.monotonic() - started)
        finally:
            conn.close()

    def signed_post(
        self,
        body: str,
        content_type: str,
        timestamp: int | None = None,
        secret: str = SECRET,
        extra_headers: dict[str, str] | None = None,
    ) -> Response:
        return self.send(self.sign(body, content_type, timestamp, secret, extra_headers))

    @staticmethod
    def sign(
        body: str,
        content_type: str,
        timestamp: int | None = None,
        secret: str = SECRET,
        extra_headers: dict[str, str] | None = None,
    ) -> SignedRequest:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature,
            **(extra_headers or {}),
        }
        return SignedRequest(body.encode("utf-8"), headers)

    def send(self, signed: SignedRequest) -> Response:
        response = self.request("POST", "/slack/events", signed.body, signed.headers)
        response.job_id = signed.job_id
        return response

    # -- Slack's three kinds of request ------------------------------------------------------------
    def command_request(self, text: str, user: str = EDITOR, channel: str = CHANNEL, **kwargs: Any) -> SignedRequest:
        """A signed slash command, ready to send (benchmarks prepare them before timing)."""
        n = next(_ids)
        fields = {
            "token": "legacy",
            "team_id": "T1",
            "team_domain": "example",
            "channel_id": channel,
            "channel_name": "news",
            "user_id": user,
            "user_name": "editor",
            "command": "/factcheck",
            "text": text,
            "api_app_id": "A1",
            "response_url": self.slack.response_url(str(n)),
            "trigger_id": f"{n}.1.trigger{n}",
        }
        signed = self.sign(urllib.parse.urlencode(fields), "application/x-www-form-urlencoded", **kwargs)
        signed.job_id = f"cmd-{fields['trigger_id']}"
        return signed

    def command(self, text: str, user: str = EDITOR, channel: str = CHANNEL, **kwargs: Any) -> Response:
        signed = self.command_request(text, user, channel, **kwargs)
        self.last_job_id = signed.job_id
        return self.send(signed)

    def event(
        self, event: dict[str, Any], event_id: str | None = None, retry: int | None = None, **kwargs: Any
    ) -> Response:
        envelope = {
            "token": "legacy",
            "team_id": "T1",
            "api_app_id": "A1",
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(_ids):08d}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": "T1", "user_id": "UBOT", "is_bot": True}],
        }
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else None
        return self.signed_post(json.dumps(envelope), "application/json", extra_headers=headers, **kwargs)

    def reaction(
        self, ts: str, reaction: str = "mag", user: str = EDITOR, channel: str = CHANNEL, **kwargs: Any
    ) -> Response:
        event = {
            "type": "reaction_added",
            "user": user,
            "reaction": reaction,
            "item_user": EDITOR,
            "item": {"type": "message", "channel": channel, "ts": ts},
            "event_ts": f"{time.time():.6f}",
        }
        return self.event(event, **kwargs)

    def reply(self, thread_ts: str, text: str, user: str = EDITOR, channel: str = CHANNEL, **kwargs: Any) -> Response:
        ts = f"1900000000.{next(_ids):06d}"
        event = {
            "type": "message",
            "channel": channel,
            "user": user,
            "text": text,
            "ts": ts,
            "thread_ts": thread_ts,
            "channel_type": "channel",
            "event_ts": ts,
        }
        return self.event(event, **kwargs)

    def mention(self, thread_ts: str, text: str, user: str = EDITOR, channel: str = CHANNEL) -> Response:
        ts = f"1900000000.{next(_ids):06d}"
        event = {
            "type": "app_mention",
            "channel": channel,
            "user": user,
            "text": f"<@UBOT> {text}",
            "ts": ts,
            "thread_ts": thread_ts,
            "event_ts": ts,
        }
        return self.event(event)

    def click(
        self,
        value: str,
        action_id: str = "fc_verify",
        user: str = EDITOR,
        message_ts: str = "",
        thread_ts: str = "",
        channel: str = CHANNEL,
    ) -> Response:
        button = {"action_id": action_id, "block_id": "b", "value": value, "type": "button"}
        return self.block_action(button, user=user, message_ts=message_ts, thread_ts=thread_ts, channel=channel)

    def block_action(
        self, action: dict[str, Any], *, user: str, message_ts: str, thread_ts: str, channel: str
    ) -> Response:
        """A signed ``block_actions`` payload: ``action`` (a button click, an overflow choice) under the message
        ``message_ts`` in ``thread_ts``."""
        payload = {
            "type": "block_actions",
            "user": {"id": user, "username": "editor", "team_id": "T1"},
            "api_app_id": "A1",
            "token": "legacy",
            "trigger_id": f"{next(_ids)}.1.t",
            "team": {"id": "T1", "domain": "example"},
            "container": {"type": "message", "message_ts": message_ts, "channel_id": channel, "is_ephemeral": False},
            "channel": {"id": channel, "name": "news"},
            "message": {"type": "message", "ts": message_ts, "thread_ts": thread_ts, "user": "UBOT", "text": ""},
            "response_url": self.slack.response_url("click"),
            "actions": [{**action, "action_ts": f"{time.time():.6f}"}],
        }
        return self.interaction(payload)

    def interaction(self, payload: dict[str, Any]) -> Response:
        """Any interactivity ``payload`` (block actions, shortcuts, view submissions), form-encoded and
        signed as Slack sends it."""
        body = urllib.parse.urlencode({"payload": json.dumps(payload)})
        return self.signed_post(body, "application/x-www-form-urlencoded")

    # -- waiting ------------------------------------------------------------------------------------
    def wait_job(self, job_id: str, timeout: float = 20.0) -> dict[str, str]:
        """Poll Redis until the job has finished (it marks itself done as its last step)."""
        return wait_until(lambda: (p := self.services.state.job_get(job_id)).get("done") and p, timeout)

    # -- lifecycle ---------------------------------------------------------------------------------
    def drain(self) -> None:
        """Wait for every listener and job in flight, then stop (the server answers no more)."""
        if not self._stopped:
            self._stopped = True
            stop_http_server(self._server, self._thread, self.services)


ROOT = Path(__file__).resolve().parents[1]


def redis_url(client: redis.Redis) -> str:
    """The URL another process uses to reach the test's Redis (embedded: its unix socket)."""
    kwargs = client.connection_pool.connection_kwargs
    return f"unix://{kwargs['path']}" if "path" in kwargs else os.environ["REDIS_URL"]


def process_env(slack: SlackAPIStandIn, redis_client: redis.Redis, cache_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a ``factcheck`` process a test starts: none of this machine's OPENAI_, SLACK_ or
    FACTCHECK_ settings; the test's Slack stand-in (and its token), Redis and cache folder; then ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "FACTCHECK_", "SLACK_"))}
    env.update(
        SLACK_BOT_TOKEN=slack.token,
        SLACK_API_URL=slack.base_url,
        REDIS_URL=redis_url(redis_client),
        XDG_CACHE_HOME=str(cache_dir),
        FACTCHECK_WORKER_HEARTBEAT="1",  # idle workers look up every second: SIGTERM stops them fast
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


def wait_until(predicate: Callable[[], Any], timeout: float = 20.0, interval: float = 0.02) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        time.sleep(interval)


def start_bot(
    settings: Settings, redis_client: redis.Redis, slack: SlackAPIStandIn, queue: RQJobQueue | None = None
) -> Bot:
    services = build_services(settings, redis_client=redis_client, queue=queue)
    start_worker(services)
    server, thread = start_http_server(services, "127.0.0.1", 0)
    return Bot(services, slack, server.server_port, server, thread)
