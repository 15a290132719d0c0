"""serve's worker processes, supervised (``bot.jobs.supervisor``): a dead child is restarted and logged;
a stop sends each child one SIGTERM (a second one would cut its job in hand short) and waits for it.

The children here are small Python scripts that behave like a worker towards signals, so the test
needs no Redis; the real ``factcheck worker`` children are covered by tests/slack/test_server.py and
tests/test_faults_redis.py.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

import psutil
import pytest

from bot.jobs.supervisor import WorkerProcesses
from standins.slack_driver import ROOT, wait_until

CHILD = """
import signal, sys, time
from bot.jobs.supervisor import bind_to_parent
bind_to_parent()
out = sys.argv[1]
got = []
def on_term(signum, frame):
    got.append(signum)
    with open(out, "a") as f:
        f.write("TERM\\n")
signal.signal(signal.SIGTERM, on_term)
with open(out, "a") as f:
    f.write("ready\\n")
while not got:
    time.sleep(0.02)
time.sleep(0.5)  # finishing the job in hand
"""


@pytest.fixture
def child(tmp_path: Path) -> tuple[list[str], Path]:
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    out = tmp_path / "signals.txt"
    return [sys.executable, str(script), str(out)], out


def test_a_stop_sends_one_sigterm_and_waits_for_the_job_in_hand(child: tuple[list[str], Path]) -> None:
    command, out = child
    workers = WorkerProcesses(1, {"PYTHONPATH": str(ROOT)}, command=command).start()
    try:
        wait_until(lambda: out.exists() and "ready" in out.read_text(), timeout=10)
        pids = workers.pids()
        assert workers.stop(timeout=5) is True  # ended by itself, after finishing
        assert out.read_text().count("TERM") == 1
        assert not any(psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie" for pid in pids)
    finally:
        workers.stop(timeout=1)


def test_a_dead_child_is_logged_and_restarted(
    child: tuple[list[str], Path], caplog: pytest.LogCaptureFixture
) -> None:
    command, out = child
    workers = WorkerProcesses(2, {"PYTHONPATH": str(ROOT)}, command=command).start()
    try:
        wait_until(lambda: out.exists() and out.read_text().count("ready") == 2, timeout=10)
        first = workers.pids()
        with caplog.at_level(logging.ERROR, logger="bot.jobs.supervisor"):
            psutil.Process(first[0]).kill()
            wait_until(lambda: workers.restarts == 1 and workers.alive_count() == 2, timeout=10)
        assert first[0] not in workers.pids() and first[1] in workers.pids()
        assert any("exited with signal SIGKILL" in r.getMessage() for r in caplog.records)
        time.sleep(0.1)
    finally:
        assert workers.stop(timeout=5) is True
