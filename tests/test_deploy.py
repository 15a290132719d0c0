"""The Dockerfile and docker-compose.yml have what running them needs (Docker itself is not run here)."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def instructions(text: str) -> list[tuple[str, str]]:
    joined = re.sub(r"\\\n\s*", " ", text)  # continuation lines
    out = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def test_dockerfile() -> None:
    steps = instructions((ROOT / "Dockerfile").read_text())
    words = [w for w, _ in steps]
    assert steps[0] == ("FROM", "python:3.11-slim")
    runs = " ".join(rest for w, rest in steps if w == "RUN")
    assert "pip install -r requirements.lock" in runs and "pip install --no-deps ." in runs
    users = [rest for w, rest in steps if w == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert words.index("USER") < words.index("CMD")
    health = next(rest for w, rest in steps if w == "HEALTHCHECK")
    assert "/healthz" in health and "urllib" in health and "curl" not in health
    command = json.loads(health.split("CMD", 1)[1].strip())
    assert command[:2] == ["python", "-c"]
    compile(command[2], "healthcheck", "exec")  # the probe is valid Python
    assert json.loads(next(rest for w, rest in steps if w == "CMD")) == ["factcheck", "serve"]
    copied = " ".join(rest for w, rest in steps if w == "COPY")
    for needed in ("requirements.lock", "pyproject.toml", "README.md", "bot", "prompts"):
        assert needed in copied
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert ".venv" in ignored and ".env" in ignored


def test_compose() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    services = dict(re.findall(r"^  (\w+):\n((?:    .*\n|\n)*)", text, re.MULTILINE))
    assert set(services) >= {"redis", "bot", "worker"}
    assert "image: redis:7" in services["redis"]
    for name, command in (("bot", '["factcheck", "serve"]'), ("worker", '["factcheck", "worker"]')):
        body = services[name]
        assert f"command: {command}" in body
        assert "REDIS_URL: redis://redis:6379/0" in body
        assert "path: .env" in body
        assert "condition: service_healthy" in body
    assert re.search(r"deploy:\n\s+replicas: 2", services["worker"])
    assert 'FACTCHECK_INPROCESS_WORKER: "0"' in services["bot"]
    assert "3000:3000" in services["bot"]
