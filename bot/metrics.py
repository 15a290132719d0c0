"""Prometheus metrics for ``GET /metrics``.

Per process: every metric lives in this process's own registry (``REGISTRY``), so each web process
reports the work it did itself, plus (``collect_children``) what the worker processes it started
counted; Prometheus sums them over its scrape targets. Separate ``factcheck worker`` processes have
no HTTP server: their work is not scraped (push from them if that is ever needed). Only the queue
depth is global: it is read from Redis at scrape time.

Every helper here is safe to call from any thread and never raises: metrics must not break a check.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

log = logging.getLogger(__name__)
T = TypeVar("T")

REGISTRY = CollectorRegistry(auto_describe=True)

REQUESTS = Counter(
    "factcheck_requests", "Requests accepted from Slack, by kind (check, recheck, answer, status...)",
    ["kind"], registry=REGISTRY,
)
CHECKS = Counter(
    "factcheck_checks", "Checks run, by analyzer (llm, offline, llm+offline) and outcome (ok, failed, refused)",
    ["analyzer", "outcome"], registry=REGISTRY,
)
CACHE_HITS = Counter(
    "factcheck_cache_hits", "Paragraph units served from the analysis cache", registry=REGISTRY
)
CACHE_UNITS = Counter(
    "factcheck_cache_units", "Paragraph units looked up in the analysis cache (hits and misses)", registry=REGISTRY
)
LLM_TOKENS = Counter(
    "factcheck_llm_tokens", "LLM tokens billed, by type (prompt, completion)", ["type"], registry=REGISTRY
)
LLM_LATENCY = Histogram(
    "factcheck_llm_request_seconds", "Seconds per LLM request (each attempt)",
    buckets=(0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120), registry=REGISTRY,
)
CHECK_LATENCY = Histogram(
    "factcheck_check_seconds", "Seconds per check, from job start to checklist",
    buckets=(0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900), registry=REGISTRY,
)
ERRORS = Counter(
    "factcheck_errors", "Errors by kind (llm_timeout, slack_api, redis, job_failed, ...)", ["kind"], registry=REGISTRY
)
LIMITED = Counter(
    "factcheck_limited", "Requests refused by a limit, by limit (user, channel) or downgraded (budget)",
    ["limit"], registry=REGISTRY,
)
QUEUE_DEPTH = Gauge("factcheck_queue_depth", "Jobs waiting in the Redis queue (read at scrape time)", registry=REGISTRY)
QUEUE_DEPTH.set_function(lambda: float("nan"))  # until a queue is attached

_depth_source: Callable[[], int] | None = None


def _read_depth() -> float:
    if _depth_source is None:
        return float("nan")
    try:
        return float(_depth_source())
    except Exception as exc:  # Redis down: the scrape still works, the gauge says "unknown"
        log.warning("queue depth unavailable: %s", exc)
        return float("nan")


def track_queue_depth(source: Callable[[], int] | None) -> None:
    """Make the queue depth gauge call ``source`` (e.g. ``RQJobQueue.depth``) at every scrape."""
    global _depth_source
    _depth_source = source
    QUEUE_DEPTH.set_function(_read_depth)


def _safe(action: Callable[[], None]) -> None:
    try:
        action()
    except Exception:  # pragma: no cover - prometheus_client does not raise on these
        log.debug("metric update failed", exc_info=True)


_request_counters: dict[str, Any] = {}  # kind -> its child counter: ``labels()`` locks and hashes on every ack


def count_request(kind: str) -> None:
    def act() -> None:
        counter = _request_counters.get(kind)
        if counter is None:
            counter = _request_counters[kind] = REQUESTS.labels(kind=kind)
        counter.inc()

    _safe(act)


def count_check(analyzer: str, outcome: str, seconds: float | None = None) -> None:
    def act() -> None:
        CHECKS.labels(analyzer=analyzer or "unknown", outcome=outcome).inc()
        if seconds is not None:
            CHECK_LATENCY.observe(seconds)

    _safe(act)


def count_cache(hits: int, units: int) -> None:
    def act() -> None:
        CACHE_HITS.inc(max(0, hits))
        CACHE_UNITS.inc(max(0, units))

    _safe(act)


def record_llm(prompt_tokens: int = 0, completion_tokens: int = 0, seconds: float | None = None) -> None:
    def act() -> None:
        LLM_TOKENS.labels(type="prompt").inc(max(0, prompt_tokens))
        LLM_TOKENS.labels(type="completion").inc(max(0, completion_tokens))
        if seconds is not None:
            LLM_LATENCY.observe(seconds)

    _safe(act)


def count_error(kind: str) -> None:
    _safe(lambda: ERRORS.labels(kind=kind).inc())


def count_limited(limit: str) -> None:
    _safe(lambda: LIMITED.labels(limit=limit).inc())


def record_checklist(checklist: object, seconds: float | None = None) -> None:
    """What a finished check tells: analyzer and outcome, its duration, cache hits."""
    stats = getattr(checklist, "stats", None)
    if stats is None:
        return
    count_check(stats.analyzer, "ok", seconds)
    count_cache(stats.cache_hits, stats.chunks)  # tokens are counted per request by MeteredAnalyzer


class MeteredAnalyzer:
    """An analyzer that reports each request's latency and tokens (to ``LLM_*`` and to ``on_tokens``).

    Wraps the LLM analyzer in place of hooks inside the client: one ``analyze`` call is one batch
    of paragraphs (its retries included). Failed calls count their billed tokens too.
    """

    def __init__(self, inner: Any, on_tokens: Callable[[int], None] | None = None) -> None:
        self.inner = inner
        self.on_tokens = on_tokens
        self.name = inner.name

    @property
    def cache_identity(self) -> str:
        return self.inner.cache_identity

    @property
    def model(self) -> str | None:
        return self.inner.model

    @property
    def prompt_version(self) -> str | None:
        return self.inner.prompt_version

    def __getattr__(self, attr: str) -> Any:  # anything else the engine or a test reads
        return getattr(self.inner, attr)

    def analyze(self, text: str, control: Any = None, **options: Any) -> Any:
        """``options``: what else the engine passes on (``notes_language``), as it passes it."""

        def call() -> Any:
            if control is not None:
                options["control"] = control
            return self.inner.analyze(text, **options)

        return metered_llm_call(call, lambda result: result.usage, self.on_tokens)


def metered_llm_call(
    call: Callable[[], T], usage_of: Callable[[T], Any], on_tokens: Callable[[int], None] | None = None
) -> T:
    """Run one LLM request (``call``) and report its latency and tokens to ``LLM_*`` and to
    ``on_tokens``; a failure counts as an ``llm_<kind>`` error, with the tokens it was billed."""
    started = time.monotonic()
    usage = None
    try:
        result = call()
        usage = usage_of(result)
        return result
    except Exception as exc:
        usage = getattr(exc, "usage", None)
        kind = getattr(exc, "kind", type(exc).__name__)
        if kind != "cancelled":  # stopped by the check after another request failed: not an LLM error
            count_error(f"llm_{kind}")
        raise
    finally:
        prompt = getattr(usage, "prompt_tokens", 0) or 0
        completion = getattr(usage, "completion_tokens", 0) or 0
        record_llm(prompt, completion, time.monotonic() - started)
        if on_tokens is not None and prompt + completion:
            try:
                on_tokens(prompt + completion)
            except Exception:
                log.warning("token accounting failed", exc_info=True)


# -- worker processes of ``factcheck serve`` -------------------------------------------------------------
# serve's workers are child processes with no HTTP of their own. Each child gets PROMETHEUS_MULTIPROC_DIR
# (prometheus_client then keeps its values in files there); serve's /metrics adds them to its own. The
# serve process itself keeps plain in-memory values: the variable is set only in the children's environment.
CHILDREN_ENV = "PROMETHEUS_MULTIPROC_DIR"
_children_dir: str | None = None


def collect_children(directory: str | None) -> None:
    """Add the counters and histograms that worker processes write under ``directory`` to /metrics."""
    global _children_dir
    _children_dir = directory


class _WithChildren:
    """This process's metric families, with the children's counters and histograms summed in."""

    def collect(self) -> Any:
        from prometheus_client.multiprocess import MultiProcessCollector

        own = {family.name: family for family in REGISTRY.collect()}
        try:
            children = list(MultiProcessCollector(None, path=_children_dir).collect())
        except Exception:  # a half-written file of a child being started: this scrape shows ours only
            log.warning("worker processes' metrics unreadable", exc_info=True)
            children = []
        for family in children:
            if family.type not in ("counter", "histogram"):
                continue  # gauges (the queue depth) are this process's, read at scrape time
            mine = own.get(family.name)
            if mine is None:
                own[family.name] = family
                continue
            index = {(s.name, tuple(sorted(s.labels.items()))): i for i, s in enumerate(mine.samples)}
            for sample in family.samples:
                key = (sample.name, tuple(sorted(sample.labels.items())))
                if key in index:
                    old = mine.samples[index[key]]
                    mine.samples[index[key]] = old._replace(value=old.value + sample.value)
                else:
                    mine.samples.append(sample)
        return list(own.values())


def render_metrics() -> tuple[bytes, str]:
    """The body and Content-Type for a ``GET /metrics`` answer (Prometheus text format)."""
    if _children_dir:
        registry = CollectorRegistry(auto_describe=False)
        registry.register(_WithChildren())  # type: ignore[arg-type]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
