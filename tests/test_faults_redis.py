"""The one-command deployment through a Redis outage and a killed worker, end to end (issue #10).

``factcheck serve`` runs as a process (HTTP, offline analyzer, its two supervised worker processes)
against a test-owned redis-server (append-only, like production) and the Slack Web API stand-in,
which answers chat.* calls after a short delay so that the workers stay busy. 100 signed
``/factcheck`` commands go out from 20 senders in five waves; after the second wave Redis is killed
for 10 s while the workers are busy, then restarted; then one worker process is killed with SIGKILL.
Last, Redis is frozen (SIGSTOP) for a moment: acks still leave in time and say the queue is unreachable.

Every command must end with exactly one answer the requester can see: a checklist in its thread, or
an explicit message (the ack saying the queue is unreachable, or a notice that the job did not run);
no placeholder is left at "Checking…", no parent is posted twice, and ``/healthz`` answers 503 while
Redis is down and 200 once the app serves again. Every wait is bounded; the test stops by itself.
"""

from __future__ import annotations

import http.client
import json
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
import pytest

from standins.slack_api import SlackAPIStandIn
from standins.slack_driver import ROOT, SECRET, Bot
from tests.redis_process import RedisProcess, redis_process

__all__ = ["redis_process"]

TOKEN = "xoxb-faults-redis"
COMMANDS = 100
SENDERS = 20
WAVES = 5  # 20 commands each, WAVE_SECONDS apart
WAVE_SECONDS = 4.0
OUTAGE_AFTER_WAVE = 2  # Redis is killed once this many waves are acked (the workers have a backlog)
OUTAGE_SECONDS = 10.0
SETTLE_SECONDS = 60.0  # after the last wave, every command must have its answer within this
CHANNELS = ["C0NEWS", "C0POLITICS", "C0METRO", "C0BUSINESS"]
QUEUE_DOWN = "can't reach my job queue"
GAVE_UP = "did not run"


def article(n: int) -> str:
    return (
        f"Story {n:03d}: council weighs bridge plan\n\n"
        f"The mayor said on Monday that {n * 13 + 7} households would lose access during the works.\n\n"
        f"Officials, who spoke on condition of anonymity, said the plan may cost about ${n + 2} million, "
        "according to a report in the Gazette."
    )


@dataclass
class Ack:
    n: int
    status: int
    text: str
    seconds: float
    sent_at: float


@pytest.fixture
def slack() -> Iterator[SlackAPIStandIn]:
    with SlackAPIStandIn(token=TOKEN) as server:
        server.latency_seconds = 0.1
        yield server


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(port: int, path: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=3)
    try:
        conn.request("GET", path)
        answer = conn.getresponse()
        return answer.status, answer.read().decode()
    except OSError as exc:
        return 0, str(exc)
    finally:
        conn.close()


def _command(slack: SlackAPIStandIn, n: int) -> tuple[bytes, dict[str, str]]:
    fields = {
        "token": "legacy", "team_id": "T1", "channel_id": CHANNELS[n % len(CHANNELS)], "channel_name": "news",
        "user_id": f"U0EDITOR{n % 10}", "user_name": "editor", "command": "/factcheck", "text": article(n),
        "api_app_id": "A1", "response_url": slack.response_url(f"s{n}"), "trigger_id": f"{n}.1.faults{n}",
    }
    signed = Bot.sign(urllib.parse.urlencode(fields), "application/x-www-form-urlencoded")
    return signed.body, signed.headers


def _send(port: int, n: int, body: bytes, headers: dict[str, str]) -> Ack:
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("POST", "/slack/events", body=body, headers=headers)
        answer = conn.getresponse()
        raw = answer.read().decode()
        status = answer.status
    except OSError as exc:
        status, raw = 0, str(exc)
    finally:
        conn.close()
    try:
        text = json.loads(raw).get("text", "") if raw.startswith("{") else raw
    except ValueError:
        text = raw
    return Ack(n, status, text, time.monotonic() - started, started)


class HealthLog(threading.Thread):
    """Polls /healthz every 0.1 s: (time answered, status, body)."""

    def __init__(self, port: int) -> None:
        super().__init__(daemon=True)
        self.port = port
        self.samples: list[tuple[float, int, str]] = []
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.1):
            status, body = _get(self.port, "/healthz")
            self.samples.append((time.monotonic(), status, body))  # when answered: after what it saw


def _text_of(message: dict[str, Any]) -> str:
    parts = [message.get("text") or ""]
    for block in message.get("blocks") or []:
        for element in [block.get("text"), *(block.get("elements") or [])]:  # sections and context lines
            if isinstance(element, dict):
                text = element.get("text")
                parts.append((text.get("text") if isinstance(text, dict) else text) or "")
    return "\n".join(parts)


def _is_checklist(message: dict[str, Any]) -> bool:
    return any(b.get("block_id") == "fc_summary" for b in message.get("blocks") or [])


def test_redis_outage_and_a_killed_worker_leave_no_command_unanswered(
    redis_process: RedisProcess, slack: SlackAPIStandIn, tmp_path: Path
) -> None:
    port = _port()
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack.base_url,
        "REDIS_URL": redis_process.url,
        "PORT": str(port),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "FACTCHECK_INPROCESS_WORKER": "2",
        "FACTCHECK_WORKER_HEARTBEAT": "1",  # a killed worker's job is retried 3 s after its last beat
        "FACTCHECK_USER_LIMIT": "1000",
        "FACTCHECK_CHANNEL_LIMIT": "1000",
        "FACTCHECK_LOG_LEVEL": "INFO",  # every job's steps: a failure shows what happened to each story
    }
    log_path = tmp_path / "serve.log"
    log = open(log_path, "wb")  # noqa: SIM115 - closed below
    serve = subprocess.Popen([sys.executable, "-m", "bot", "serve"], cwd=ROOT, env=env, stdout=log,
                             stderr=subprocess.STDOUT)
    health = HealthLog(port)
    children: list[psutil.Process] = []

    def output() -> str:
        lines = log_path.read_text(errors="replace").splitlines()
        return "\n".join(line for line in lines if '"level": "INFO"' not in line)[-4000:]

    def trail(stories: list[int]) -> str:
        """Every log line about these stories' jobs (their ids end in ``faults<n>``)."""
        pattern = re.compile(rf"faults(?:{'|'.join(map(str, stories))})(?!\d)")
        return "\n".join(line for line in log_path.read_text(errors="replace").splitlines() if pattern.search(line))

    try:
        deadline = time.monotonic() + 30
        while _get(port, "/healthz")[0] != 200:
            assert serve.poll() is None and time.monotonic() < deadline, output()
            time.sleep(0.1)
        children = [c for c in psutil.Process(serve.pid).children() if "worker" in " ".join(c.cmdline())]
        assert len(children) == 2, output()
        health.start()

        requests = [_command(slack, n) for n in range(COMMANDS)]
        acks: list[Ack] = []
        marks: dict[str, float] = {}
        with ThreadPoolExecutor(SENDERS) as pool:
            started = time.monotonic()
            for wave in range(WAVES):
                if wave == OUTAGE_AFTER_WAVE:
                    redis_process.stop()  # workers are busy with the first waves' backlog
                    marks["down"] = time.monotonic()
                if wave == OUTAGE_AFTER_WAVE + 2:
                    time.sleep(max(0.0, marks["down"] + OUTAGE_SECONDS - time.monotonic()))
                    marks["restarting"] = time.monotonic()
                    redis_process.start()  # same folder: the append-only file brings everything back
                    marks["up"] = time.monotonic()
                time.sleep(max(0.0, started + wave * WAVE_SECONDS - time.monotonic()))
                batch = range(wave * SENDERS, (wave + 1) * SENDERS)
                acks += pool.map(lambda n: _send(port, n, *requests[n]), batch)
        # One worker process dies (SIGKILL) while the last waves' jobs run; the supervisor starts another.
        victim = children[0]
        victim.kill()
        marks["killed"] = time.monotonic()

        # -- every acked command settles ---------------------------------------------------------------
        queued = {a.n for a in acks if "Checking" in a.text}
        refused = {a.n for a in acks if QUEUE_DOWN in a.text}

        def settled() -> dict[int, list[str]]:
            with slack._lock:
                messages = {ch: [dict(m) for m in msgs] for ch, msgs in slack.messages.items()}
                told = {c.path.rsplit("/", 1)[-1]: c.params.get("text", "") for c in slack.calls
                        if c.method == "response_url"}
            outcome: dict[int, list[str]] = {}
            for msgs in messages.values():
                for parent in (m for m in msgs if not m.get("thread_ts")):
                    story = _story(parent)
                    if story is None:
                        continue
                    thread = [m for m in msgs if m.get("thread_ts") == parent["ts"]]
                    seen = outcome.setdefault(story, [])
                    seen.append("parent")
                    seen += ["checklist" for m in thread if _is_checklist(m)]
                    seen += ["notice" for m in [parent, *thread] if GAVE_UP in _text_of(m)]
                    seen += ["checking" for m in [parent, *thread] if "Checking" in _text_of(m)]
            for n in queued:
                if GAVE_UP in told.get(f"s{n}", ""):
                    outcome.setdefault(n, []).append("told")
            return outcome

        def waiting(outcome: dict[int, list[str]]) -> list[tuple[int, list[str]]]:
            return [
                (n, outcome.get(n, []))
                for n in sorted(queued)
                if not {"checklist", "notice"} & set(outcome.get(n, [])) or "checking" in outcome.get(n, [])
            ]

        settle_by = time.monotonic() + SETTLE_SECONDS
        while waiting(outcome := settled()) and time.monotonic() < settle_by:
            time.sleep(0.25)
        marks["settled"] = time.monotonic()
        # Health: back to 200 (one worker may still be restarting, the other serves).
        recovered_by = time.monotonic() + 20
        while _get(port, "/healthz")[0] != 200 and time.monotonic() < recovered_by:
            time.sleep(0.2)
        final_health = _get(port, "/healthz")
        health.done.set()
        health.join(5)
        # A frozen Redis (SIGSTOP: connections open, no answers): acks still leave in time, and say why.
        redis_process.freeze()
        try:
            with ThreadPoolExecutor(5) as pool:
                frozen = list(pool.map(lambda n: _send(port, n, *_command(slack, n)), range(1000, 1005)))
            frozen_health = _get(port, "/healthz")
        finally:
            redis_process.thaw()
        left = waiting(outcome)
        assert not left, f"unanswered (story, what it has): {left[:10]}\n{trail([n for n, _ in left])}\n{output()}"

        # -- assertions ----------------------------------------------------------------------------------
        assert len(acks) == COMMANDS
        assert all(a.status == 200 for a in acks), [(a.n, a.status, a.text) for a in acks if a.status != 200]
        assert all(a.seconds < 3.0 for a in acks), max(a.seconds for a in acks)  # Slack's limit
        assert queued | refused == set(range(COMMANDS)), [a.text for a in acks if a.n not in queued | refused]
        assert refused, "no command arrived while Redis was down"
        for n in refused:  # told at once that it did not start, and nothing was posted for it
            assert n not in outcome, (n, outcome.get(n))
        for n in queued:
            seen = outcome[n]
            assert seen.count("parent") == 1, (n, seen)
            assert "checking" not in seen, (n, seen)
            if "checklist" in seen:
                assert seen.count("checklist") == 1 and "notice" not in seen, (n, seen)
            else:  # given up: the placeholder (or parent) says so and the requester was told
                assert seen.count("notice") == 1 and "told" in seen, (n, seen)
        down = [s for s in health.samples if marks["down"] + 1.0 <= s[0] < marks["restarting"]]
        assert down and all(s[1] == 503 for s in down), [s[1:] for s in down if s[1] != 503][:3]
        assert all("Redis does not answer" in s[2] for s in down)
        assert final_health[0] == 200, final_health
        assert all(a.status == 200 and QUEUE_DOWN in a.text and a.seconds < 2.0 for a in frozen), frozen
        assert frozen_health[0] == 503 and "Redis does not answer" in frozen_health[1]
        # The supervisor replaced the killed worker (logged, not silent).
        assert "exited with signal SIGKILL" in log_path.read_text(errors="replace")

        timings = {
            "acks": len(acks), "queued": len(queued), "refused_during_outage": len(refused),
            "checklists": sum("checklist" in outcome[n] for n in queued),
            "given_up": sum("checklist" not in outcome[n] for n in queued),
            "ack_max_s": round(max(a.seconds for a in acks), 3),
            "ack_max_frozen_s": round(max(a.seconds for a in frozen), 3),
            "outage_s": round(marks["up"] - marks["down"], 1),
            "last_answer_after_restart_s": round(marks["settled"] - marks["up"], 1),
        }
        print("fault test:", json.dumps(timings))
    finally:
        health.done.set()
        if serve.poll() is None:
            children += psutil.Process(serve.pid).children()  # the replacement worker too
            serve.send_signal(signal.SIGTERM)
            try:
                serve.wait(40)
            except subprocess.TimeoutExpired:
                serve.kill()
                serve.wait(10)
        log.close()
        _gone, alive = psutil.wait_procs(children, timeout=5)
        for child in alive:
            child.kill()
        assert not alive, "a worker process outlived serve"
        assert "second signal" not in log_path.read_text(errors="replace")  # one SIGTERM each: jobs finish


def _story(message: dict[str, Any]) -> int | None:
    text = _text_of(message)
    start = text.find("Story ")
    if start < 0 or not text[start + 6 : start + 9].isdigit():
        return None
    return int(text[start + 6 : start + 9])
