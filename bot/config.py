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


def _float(env: Mapping[str, str], name: str, default: float, minimum: float | None = None) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from exc
    if minimum is not None and not value >= minimum:  # "not >=" also refuses nan
        raise ConfigError(f"{name} must be at least {minimum:g}, got {raw}")
    return value


def _list(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """Comma-separated, lower-cased: ``"Localhost:8080, example.org"`` -> ``("localhost:8080", "example.org")``."""
    return tuple(part.strip().lower() for part in env.get(name, "").split(",") if part.strip())


def _share(env: Mapping[str, str], name: str, default: float, maximum: float = 1.0) -> float:
    value = _float(env, name, default)
    if not 0.0 <= value <= maximum:
        raise ConfigError(f"{name} must be between 0 and {maximum:g}, got {value:g}")
    return value


def _str(env: Mapping[str, str], name: str, default: str | None = None) -> str | None:
    value = env.get(name, "").strip()
    return value or default


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be 1 or 0 (true or false), got {raw!r}")


def _log_level(env: Mapping[str, str], name: str, default: str) -> str:
    raw = env.get(name, "").strip().upper() or default
    if raw not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        raise ConfigError(f"{name} must be DEBUG, INFO, WARNING or ERROR, got {raw!r}")
    return raw


@dataclass(frozen=True)
class Settings:
    # LLM
    openai_api_key: str | None = None
    openai_base_url: str | None = None
    model: str = "gpt-4o-mini"
    llm_timeout_seconds: float = 60.0
    llm_max_attempts: int = 4  # tenacity attempts per request, the first included
    llm_concurrency: int = 2  # requests in flight for one article; match the server's slots (llama.cpp --parallel)
    batch_chars: int = 8_000  # paragraphs are packed into requests of at most this many characters
    llm_max_output_tokens: int = 16_384  # FACTCHECK_LLM_MAX_OUTPUT_TOKENS: cap on max_completion_tokens per request
    llm_deadline_seconds: float = 300.0  # FACTCHECK_LLM_DEADLINE: the LLM's whole share of one check
    llm_max_dropped_share: float = 0.5  # FACTCHECK_LLM_MAX_DROPPED_SHARE: more invented quotes = a failed answer
    # Input
    max_article_chars: int = 250_000  # about 40,000 words; longer input is refused, not truncated
    fetch_allow_hosts: tuple[str, ...] = ()  # FACTCHECK_FETCH_ALLOW_HOSTS: hosts (host or host:port) never refused
    fetch_timeout_seconds: float = 10.0  # FACTCHECK_FETCH_TIMEOUT: connect and read; 3x this overall
    max_download_bytes: int = 10_000_000  # FACTCHECK_MAX_DOWNLOAD_BYTES: links and files (pages, .docx, .pdf)
    # Redis
    redis_url: str | None = None
    cache_ttl_seconds: int = 30 * 24 * 3600
    state_ttl_days: int = 30  # FACTCHECK_STATE_TTL_DAYS: checklist threads kept after their last change; 0 = keep
    # Slack
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = "https://slack.com/api/"
    port: int = 3000
    trigger_emoji: str = "mag"
    ready_emoji: str = "white_check_mark"  # FACTCHECK_READY_EMOJI: on the parent once the publish gate opens
    # HTTP server (waitress; see docs/reliability-server.md)
    http_threads: int = 32  # FACTCHECK_HTTP_THREADS: requests handled at once
    http_max_connections: int = 500  # FACTCHECK_HTTP_CONNECTIONS: open connections at most
    http_max_body_bytes: int = 4 * 1024 * 1024  # FACTCHECK_HTTP_MAX_BODY: larger bodies get 413, unread
    http_idle_timeout_seconds: int = 30  # FACTCHECK_HTTP_IDLE_TIMEOUT: silent connections are closed
    http_stop_seconds: float = 5.0  # FACTCHECK_HTTP_STOP_SECONDS: on SIGTERM, requests in flight get this long
    # Limits (0 = unlimited): checks per user and per channel in a sliding window, LLM tokens per UTC day
    user_limit: int = 20  # FACTCHECK_USER_LIMIT
    channel_limit: int = 60  # FACTCHECK_CHANNEL_LIMIT
    limit_window_seconds: int = 3600  # FACTCHECK_LIMIT_WINDOW
    daily_token_budget: int = 2_000_000  # FACTCHECK_DAILY_TOKEN_BUDGET; when spent, checks run offline
    # Queue and workers
    job_timeout_seconds: int = 900  # FACTCHECK_JOB_TIMEOUT: one job (a long article on a slow LLM) at most
    worker_heartbeat_seconds: int = 10  # FACTCHECK_WORKER_HEARTBEAT: a worker silent 3x this long is dead
    queue_max_pending: int = 500  # FACTCHECK_QUEUE_MAX_PENDING: submits beyond this are refused (QueueFull)
    # FACTCHECK_INPROCESS_WORKER: worker processes `factcheck serve` starts and supervises (checks at once
    # per serve); 0 = web only: the process acks and queues, separate `factcheck worker` processes run them.
    inprocess_workers: int = 2
    worker_stop_seconds: float = 20.0  # FACTCHECK_WORKER_STOP_SECONDS: on SIGTERM, jobs in hand get this long
    # Logs (serve and worker): one JSON object per line unless FACTCHECK_LOG_JSON=0
    log_level: str = "INFO"  # FACTCHECK_LOG_LEVEL
    log_json: bool = True  # FACTCHECK_LOG_JSON
    # Prior fact-checks (ClaimReview search), off unless FACTCHECK_CLAIMREVIEW_API_KEY is set
    claimreview_api_key: str | None = field(default=None, repr=False)  # FACTCHECK_CLAIMREVIEW_API_KEY
    claimreview_url: str = "https://factchecktools.googleapis.com/v1alpha1/claims:search"  # FACTCHECK_CLAIMREVIEW_URL
    claimreview_cache_ttl_seconds: int = 24 * 3600  # FACTCHECK_CLAIMREVIEW_CACHE_TTL
    claimreview_timeout_seconds: float = 5.0  # FACTCHECK_CLAIMREVIEW_TIMEOUT: one request
    claimreview_deadline_seconds: float = 15.0  # FACTCHECK_CLAIMREVIEW_DEADLINE: the whole step, all claims
    claimreview_concurrency: int = 4  # FACTCHECK_CLAIMREVIEW_CONCURRENCY: requests in flight for one checklist
    claimreview_max_attempts: int = 3  # FACTCHECK_CLAIMREVIEW_ATTEMPTS: per request, the first included
    claimreview_max_age_days: int = 0  # FACTCHECK_CLAIMREVIEW_MAX_AGE_DAYS: 0 = fact-checks of any age
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def llm_enabled(self) -> bool:
        return bool(self.openai_api_key)

    @property
    def claimreview_enabled(self) -> bool:
        return bool(self.claimreview_api_key)

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
            llm_max_output_tokens=_int(env, "FACTCHECK_LLM_MAX_OUTPUT_TOKENS", cls.llm_max_output_tokens, minimum=16),
            llm_deadline_seconds=_share(env, "FACTCHECK_LLM_DEADLINE", cls.llm_deadline_seconds, maximum=86_400),
            llm_max_dropped_share=_share(env, "FACTCHECK_LLM_MAX_DROPPED_SHARE", cls.llm_max_dropped_share),
            max_article_chars=_int(env, "FACTCHECK_MAX_CHARS", cls.max_article_chars, minimum=100),
            fetch_allow_hosts=_list(env, "FACTCHECK_FETCH_ALLOW_HOSTS"),
            fetch_timeout_seconds=_float(env, "FACTCHECK_FETCH_TIMEOUT", cls.fetch_timeout_seconds, minimum=0.1),
            max_download_bytes=_int(env, "FACTCHECK_MAX_DOWNLOAD_BYTES", cls.max_download_bytes, minimum=1000),
            redis_url=_str(env, "REDIS_URL"),
            cache_ttl_seconds=_int(env, "FACTCHECK_CACHE_TTL", cls.cache_ttl_seconds, minimum=1),
            state_ttl_days=_int(env, "FACTCHECK_STATE_TTL_DAYS", cls.state_ttl_days),
            slack_bot_token=_str(env, "SLACK_BOT_TOKEN"),
            slack_signing_secret=_str(env, "SLACK_SIGNING_SECRET"),
            slack_app_token=_str(env, "SLACK_APP_TOKEN"),
            slack_api_url=api_url,
            port=_int(env, "PORT", cls.port, minimum=1),
            trigger_emoji=(_str(env, "FACTCHECK_TRIGGER_EMOJI", cls.trigger_emoji) or "mag").strip(":"),
            ready_emoji=(_str(env, "FACTCHECK_READY_EMOJI", cls.ready_emoji) or cls.ready_emoji).strip(":"),
            http_threads=_int(env, "FACTCHECK_HTTP_THREADS", cls.http_threads, minimum=1),
            http_max_connections=_int(env, "FACTCHECK_HTTP_CONNECTIONS", cls.http_max_connections, minimum=10),
            http_max_body_bytes=_int(env, "FACTCHECK_HTTP_MAX_BODY", cls.http_max_body_bytes, minimum=1024),
            http_idle_timeout_seconds=_int(
                env, "FACTCHECK_HTTP_IDLE_TIMEOUT", cls.http_idle_timeout_seconds, minimum=1
            ),
            http_stop_seconds=_float(env, "FACTCHECK_HTTP_STOP_SECONDS", cls.http_stop_seconds),
            user_limit=_int(env, "FACTCHECK_USER_LIMIT", cls.user_limit),
            channel_limit=_int(env, "FACTCHECK_CHANNEL_LIMIT", cls.channel_limit),
            limit_window_seconds=_int(env, "FACTCHECK_LIMIT_WINDOW", cls.limit_window_seconds, minimum=1),
            daily_token_budget=_int(env, "FACTCHECK_DAILY_TOKEN_BUDGET", cls.daily_token_budget),
            job_timeout_seconds=_int(env, "FACTCHECK_JOB_TIMEOUT", cls.job_timeout_seconds, minimum=10),
            worker_heartbeat_seconds=_int(env, "FACTCHECK_WORKER_HEARTBEAT", cls.worker_heartbeat_seconds, minimum=1),
            queue_max_pending=_int(env, "FACTCHECK_QUEUE_MAX_PENDING", cls.queue_max_pending, minimum=1),
            inprocess_workers=_int(env, "FACTCHECK_INPROCESS_WORKER", cls.inprocess_workers),
            worker_stop_seconds=_float(env, "FACTCHECK_WORKER_STOP_SECONDS", cls.worker_stop_seconds),
            log_level=_log_level(env, "FACTCHECK_LOG_LEVEL", cls.log_level),
            log_json=_bool(env, "FACTCHECK_LOG_JSON", cls.log_json),
            claimreview_api_key=_str(env, "FACTCHECK_CLAIMREVIEW_API_KEY"),
            claimreview_url=_str(env, "FACTCHECK_CLAIMREVIEW_URL", cls.claimreview_url) or cls.claimreview_url,
            claimreview_cache_ttl_seconds=_int(
                env, "FACTCHECK_CLAIMREVIEW_CACHE_TTL", cls.claimreview_cache_ttl_seconds, minimum=1
            ),
            claimreview_timeout_seconds=_float(env, "FACTCHECK_CLAIMREVIEW_TIMEOUT", cls.claimreview_timeout_seconds),
            claimreview_deadline_seconds=_float(
                env, "FACTCHECK_CLAIMREVIEW_DEADLINE", cls.claimreview_deadline_seconds
            ),
            claimreview_concurrency=_int(
                env, "FACTCHECK_CLAIMREVIEW_CONCURRENCY", cls.claimreview_concurrency, minimum=1
            ),
            claimreview_max_attempts=_int(
                env, "FACTCHECK_CLAIMREVIEW_ATTEMPTS", cls.claimreview_max_attempts, minimum=1
            ),
            claimreview_max_age_days=_int(env, "FACTCHECK_CLAIMREVIEW_MAX_AGE_DAYS", cls.claimreview_max_age_days),
        )
