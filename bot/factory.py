"""Wire the engine from settings: which analyzer, which fallback, which cache."""

from __future__ import annotations

import logging
from collections.abc import Callable

import redis

from bot import store
from bot.analyzers.base import Analyzer
from bot.analyzers.offline import OfflineAnalyzer
from bot.cache import AnalysisCache
from bot.config import Settings
from bot.engine import Engine

log = logging.getLogger(__name__)


def build_analyzer(settings: Settings, *, offline: bool = False) -> Analyzer:
    if offline or not settings.llm_enabled:
        return OfflineAnalyzer()
    from bot.llm.checklist import LLMAnalyzer  # the openai client loads only when it is used

    return LLMAnalyzer(settings)


def build_engine(
    settings: Settings,
    *,
    offline: bool = False,
    redis_client: redis.Redis | None = None,
    wrap: Callable[[Analyzer], Analyzer] | None = None,
) -> Engine:
    """``wrap`` decorates the LLM analyzer (metrics, token accounting); the offline one needs none."""
    analyzer = build_analyzer(settings, offline=offline)
    fallback = None if analyzer.name == "offline" else OfflineAnalyzer()
    if wrap is not None and fallback is not None:
        analyzer = wrap(analyzer)
    client = redis_client if redis_client is not None else store.connect(settings.redis_url)
    return Engine(
        analyzer,
        fallback=fallback,
        cache=AnalysisCache(client, settings.cache_ttl_seconds),
        concurrency=settings.llm_concurrency,
        batch_chars=settings.batch_chars,
        max_chars=settings.max_article_chars,
        max_dropped_share=settings.llm_max_dropped_share,
        deadline_seconds=settings.llm_deadline_seconds or None,
    )
