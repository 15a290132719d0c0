"""Everything a listener or a job needs, built once per process."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import redis
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot import store
from bot.config import Settings
from bot.engine import Engine
from bot.factory import build_engine
from bot.jobs.queue import RQJobQueue
from bot.limits import Limits
from bot.metrics import MeteredAnalyzer
from bot.slack.state import StateStore

WEB_TIMEOUT_SECONDS = 15
RATE_LIMIT_RETRIES = 3  # Retry-After is honoured; chat.postMessage allows ~1 message/s per channel
SERVER_ERROR_RETRIES = 2


def make_web_client(settings: Settings) -> WebClient:
    """One client for Bolt and the jobs: every Web API call (Bolt's auth.test too) goes to SLACK_API_URL."""
    client = WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=WEB_TIMEOUT_SECONDS,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=1),
            RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
            ServerErrorRetryHandler(max_retry_count=SERVER_ERROR_RETRIES),
        ],
    )
    return client


@dataclass
class Services:
    settings: Settings
    redis: redis.Redis
    engine: Engine  # the LLM when one is configured, with the offline analyzer as its fallback
    offline_engine: Engine  # when the day's LLM token budget is spent
    state: StateStore
    limits: Limits
    client: WebClient
    queue: RQJobQueue = field(repr=False)
    listener_executor: ThreadPoolExecutor | None = field(default=None, repr=False)  # set by build_app
    worker: Any = field(default=None, repr=False)  # the in-process worker, when this process runs one
    scripts: store.HeldConnectionScripts = field(init=False, repr=False)  # the ack's one round trip

    def __post_init__(self) -> None:
        self.scripts = store.HeldConnectionScripts(self.redis)


def build_services(
    settings: Settings, redis_client: redis.Redis | None = None, queue: RQJobQueue | None = None
) -> Services:
    """``queue`` defaults to the Redis job queue that every web and worker process shares."""
    client_redis = redis_client if redis_client is not None else store.connect(settings.redis_url)
    limits = Limits(client_redis, settings)
    return Services(
        settings=settings,
        redis=client_redis,
        engine=build_engine(
            settings,
            redis_client=client_redis,
            wrap=lambda analyzer: MeteredAnalyzer(analyzer, on_tokens=limits.record_tokens),
        ),
        offline_engine=build_engine(settings, offline=True, redis_client=client_redis),
        state=StateStore(client_redis, ttl=settings.state_ttl_days * 24 * 3600),
        limits=limits,
        client=make_web_client(settings),
        queue=queue if queue is not None else RQJobQueue.from_settings(client_redis, settings),
    )
