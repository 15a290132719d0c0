"""Settings, read once from the environment. Every limit the bot enforces is named here."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field


class ConfigError(ValueError):
    """A setting has a value the bot cannot use."""


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 0) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from exc
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}")
    return value


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from exc


def _str(env: Mapping[str, str], name: str, default: str | None = None) -> str | None:
    value = env.get(name, "").strip()
    return value or default


@dataclass(frozen=True)
class Settings:
    # LLM
    openai_api_key: str | None = None
    openai_base_url: str | None = None
    model: str = "gpt-4o-mini"
    llm_timeout_seconds: float = 60.0
    llm_max_attempts: int = 4  # tenacity attempts per request, the first included
    llm_concurrency: int = 4  # requests in flight for one article
    batch_chars: int = 8_000  # paragraphs are packed into requests of at most this many characters
    # Input
    max_article_chars: int = 250_000  # about 40,000 words; longer input is refused, not truncated
    # Redis
    redis_url: str | None = None
    cache_ttl_seconds: int = 30 * 24 * 3600
    # Slack
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = "https://slack.com/api/"
    port: int = 3000
    trigger_emoji: str = "mag"
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def llm_enabled(self) -> bool:
        return bool(self.openai_api_key)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        api_url = _str(env, "SLACK_API_URL", cls.slack_api_url) or cls.slack_api_url
        if not api_url.endswith("/"):
            api_url += "/"  # slack_sdk joins method names onto the base URL
        return cls(
            openai_api_key=_str(env, "OPENAI_API_KEY"),
            openai_base_url=_str(env, "OPENAI_BASE_URL"),
            model=_str(env, "FACTCHECK_MODEL", cls.model) or cls.model,
            llm_timeout_seconds=_float(env, "FACTCHECK_LLM_TIMEOUT", cls.llm_timeout_seconds),
            llm_max_attempts=_int(env, "FACTCHECK_LLM_ATTEMPTS", cls.llm_max_attempts, minimum=1),
            llm_concurrency=_int(env, "FACTCHECK_LLM_CONCURRENCY", cls.llm_concurrency, minimum=1),
            batch_chars=_int(env, "FACTCHECK_BATCH_CHARS", cls.batch_chars, minimum=500),
            max_article_chars=_int(env, "FACTCHECK_MAX_CHARS", cls.max_article_chars, minimum=100),
            redis_url=_str(env, "REDIS_URL"),
            cache_ttl_seconds=_int(env, "FACTCHECK_CACHE_TTL", cls.cache_ttl_seconds, minimum=1),
            slack_bot_token=_str(env, "SLACK_BOT_TOKEN"),
            slack_signing_secret=_str(env, "SLACK_SIGNING_SECRET"),
            slack_app_token=_str(env, "SLACK_APP_TOKEN"),
            slack_api_url=api_url,
            port=_int(env, "PORT", cls.port, minimum=1),
            trigger_emoji=(_str(env, "FACTCHECK_TRIGGER_EMOJI", cls.trigger_emoji) or "mag").strip(":"),
        )
