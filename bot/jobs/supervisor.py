"""``factcheck serve``'s workers as child processes (``FACTCHECK_INPROCESS_WORKER`` of them), supervised.

Why processes and not threads: worker threads share the GIL with the acks (ack p99 at 50
concurrent commands missed 100 ms in the one-process deployment), and a process is the unit an
operator can see, kill and restart. Each child is ``factcheck worker`` (``python -m bot worker``)
with this process's environment, ``REDIS_URL`` pointing at the same Redis (the embedded server's
unix socket when there is no ``REDIS_URL``).

- A child that dies (a crash, the OOM killer, ``kill -9``) is logged and started again after a
  backoff (``RESTART_FIRST_SECONDS`` doubling to ``RESTART_MAX_SECONDS``; reset once a child has
  lived ``RESTART_RESET_SECONDS``). The job it held is retried by RQ (see ``bot.jobs.worker``).
- ``stop(timeout)``: SIGTERM (each child finishes its job in hand), after ``timeout`` a second
  SIGTERM (the job is recorded as failed and retried later), then SIGKILL ``KILL_AFTER_SECONDS`` on.
- Children sit in their own session (Ctrl+C in a terminal reaches only the parent, which stops them
  in order) and ask the kernel for SIGTERM when the parent dies (``bind_to_parent``): none outlives it.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

# Worker children run at a lower CPU priority than the web process that spawned them: Slack waits at most
# 3 s for an ack, a check in a queue can wait. On a small machine the analysis otherwise takes the cores
# the acks need (bench: one-process ack p99 against a bare Bolt app).
WORKER_NICENESS = 10

PARENT_ENV = "FACTCHECK_SUPERVISOR_PID"  # set in each child: the pid of the serve process that owns it
RESTART_FIRST_SECONDS = 1.0
RESTART_MAX_SECONDS = 30.0
RESTART_RESET_SECONDS = 60.0  # a child that lived this long restarts after the first delay again
KILL_AFTER_SECONDS = 3.0  # after the second SIGTERM
POLL_SECONDS = 0.2
_PR_SET_PDEATHSIG = 1


def worker_command() -> list[str]:
    return [sys.executable, "-m", "bot", "worker"]


def bind_to_parent() -> None:
    """In a child of ``serve``: die with the parent (Linux ``PR_SET_PDEATHSIG``), and leave at once if
    the parent is already gone (it died between fork and here)."""
    parent = os.environ.get(PARENT_ENV)
    if not parent:
        return
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if str(os.getppid()) != parent:
        sys.exit(0)


@dataclass
class _Slot:
    index: int
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    delay: float = RESTART_FIRST_SECONDS
    restart_at: float = 0.0  # when a dead child is started again
    restarts: int = 0


@dataclass
class WorkerProcesses:
    """``count`` worker processes, restarted when they die. ``env`` is added to this process's environment."""

    count: int
    env: dict[str, str] = field(default_factory=dict)
    command: list[str] = field(default_factory=worker_command)
    processes = True  # for the server: stop with the worker stop timeout, not the job timeout

    def __post_init__(self) -> None:
        self._slots = [_Slot(i) for i in range(self.count)]
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._started = threading.Event()
        self._stop_timeout = 20.0
        self._graceful = False
        # The monitor thread starts every child: PR_SET_PDEATHSIG follows the thread that forked, and
        # this thread lives until stop() has ended the children.
        self._monitor = threading.Thread(target=self._watch, name="fc-worker-supervisor", daemon=True)

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self) -> WorkerProcesses:
        self._monitor.start()
        self._started.wait(10)
        return self

    def _spawn(self, slot: _Slot) -> None:
        env = {**os.environ, **self.env, PARENT_ENV: str(os.getpid())}
        slot.process = subprocess.Popen(self.command, env=env, start_new_session=True)
        try:  # set from here, not in the child before exec: this process has threads (preexec_fn is unsafe)
            os.setpriority(os.PRIO_PROCESS, slot.process.pid, WORKER_NICENESS)
        except OSError:
            log.debug("worker process %d keeps the default CPU priority", slot.process.pid)
        slot.started_at = time.monotonic()
        log.info("worker process %d started (slot %d)", slot.process.pid, slot.index)

    def _watch(self) -> None:
        with self._lock:
            for slot in self._slots:
                self._spawn(slot)
        self._started.set()
        while not self._stopping.wait(POLL_SECONDS):
            with self._lock:
                for slot in self._slots:
                    self._check(slot)
        # Stopped from this thread: the children's PR_SET_PDEATHSIG fires when it ends, which must be
        # after they are gone (else each gets a second SIGTERM, which cuts its job short).
        self._graceful = self._terminate(self._stop_timeout)

    def _check(self, slot: _Slot) -> None:
        now = time.monotonic()
        if slot.process is not None:
            code = slot.process.poll()
            if code is None:
                return
            lived = now - slot.started_at
            if lived >= RESTART_RESET_SECONDS:
                slot.delay = RESTART_FIRST_SECONDS
            log.error(
                "worker process %d (slot %d) exited with %s after %.0f s; restarting it in %.0f s",
                slot.process.pid, slot.index, _describe(code), lived, slot.delay,
            )
            slot.process = None
            slot.restart_at = now + slot.delay
            slot.delay = min(slot.delay * 2, RESTART_MAX_SECONDS)
            return
        if now >= slot.restart_at and not self._stopping.is_set():
            slot.restarts += 1
            self._spawn(slot)

    def stop(self, timeout: float = 20.0) -> bool:
        """SIGTERM every child; True when all ended within ``timeout`` (the rest are stopped harder)."""
        self._stop_timeout = timeout
        self._stopping.set()
        self._monitor.join(timeout=timeout + 3 * KILL_AFTER_SECONDS + 5)
        return self._graceful

    def _terminate(self, timeout: float) -> bool:
        with self._lock:
            live = [s.process for s in self._slots if s.process is not None and s.process.poll() is None]
        for process in live:
            _signal(process, signal.SIGTERM)
        graceful = _wait_all(live, timeout)
        if not graceful:
            left = [p for p in live if p.poll() is None]
            log.warning("%d worker process(es) still busy after %.0f s: stopping their jobs", len(left), timeout)
            for process in left:
                _signal(process, signal.SIGTERM)  # the second: the job in hand ends (RQ retries it later)
            if not _wait_all(left, KILL_AFTER_SECONDS):
                for process in left:
                    _signal(process, signal.SIGKILL)
                _wait_all(left, KILL_AFTER_SECONDS)
        return graceful

    # -- state -------------------------------------------------------------------------------------
    def alive_count(self) -> int:
        with self._lock:
            return sum(1 for s in self._slots if s.process is not None and s.process.poll() is None)

    def is_alive(self) -> bool:
        return self.alive_count() == self.count

    def pids(self) -> list[int]:
        with self._lock:
            return [s.process.pid for s in self._slots if s.process is not None and s.process.poll() is None]

    @property
    def restarts(self) -> int:
        return sum(s.restarts for s in self._slots)


def _describe(code: int) -> str:
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"signal {signal.Signals(-code).name}"
        return f"signal {-code}"
    return f"code {code}"


def _signal(process: subprocess.Popen[bytes], sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(sig)


def _wait_all(processes: list[subprocess.Popen[bytes]], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    for process in processes:
        try:
            process.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            return False
    return True
