"""The prior-checks step: after analysis, put published fact-checks under the claims they match.

``find_prior_checks`` never raises and never runs past its deadline: it returns a copy of the
checklist with ``prior_checks`` on the claims of high or medium priority that have matches, and
``stats.prior_checks`` saying how it went ("off", "done", or "failed: <reason>"). Claims whose
search finished before a failure elsewhere keep their matches.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor, wait

import redis

from bot.claimreview.cache import SearchCache, search_key
from bot.claimreview.client import ClaimReviewError, ClaimSearchClient
from bot.claimreview.matching import MAX_PER_CLAIM, select
from bot.claimreview.query import extract_core, guess_language
from bot.config import Settings
from bot.models import Checklist, ClaimItem, PriorCheck

log = logging.getLogger(__name__)

ELIGIBLE_PRIORITIES = ("high", "medium")
PAGE_SIZE = 10
MAX_PAGES = 2  # a second page only when the first gave fewer than three matches

STATUS_OFF = "off"
STATUS_DONE = "done"


def _failed(reason: str) -> str:
    return f"failed: {reason}"


class _Searcher:
    """Search one query (cache first, then the API, a second page if needed) and keep the matches."""

    def __init__(
        self, client: ClaimSearchClient, cache: SearchCache | None, settings: Settings, deadline: float
    ) -> None:
        self.client = client
        self.cache = cache
        self.settings = settings
        self.deadline = deadline
        self.requests = 0  # counted for the debug log; searches run on several threads
        self.cache_hits = 0
        self._lock = threading.Lock()

    def _count(self, *, hit: bool) -> None:
        with self._lock:
            if hit:
                self.cache_hits += 1
            else:
                self.requests += 1

    def __call__(self, text: str, language: str | None) -> list[PriorCheck]:
        core = extract_core(text, language)
        query = " ".join(core.query_words)
        results: list[dict] = []
        token: str | None = None
        for _ in range(MAX_PAGES):
            key = search_key(self.client.url, query, language, self.settings.claimreview_max_age_days, token)
            page = self.cache.get(key) if self.cache else None
            self._count(hit=page is not None)
            if page is None:
                page = self.client.search(
                    query,
                    language=language,
                    max_age_days=self.settings.claimreview_max_age_days,
                    page_size=PAGE_SIZE,
                    page_token=token,
                    deadline=self.deadline,
                )
                if self.cache:
                    self.cache.put(key, page)
            results += page.claims
            matches = select(core, results, language)
            token = page.next_page_token
            if len(matches) >= MAX_PER_CLAIM or not token:
                break
        return matches


def core_text(item: ClaimItem, language: str | None) -> str:
    """What the query is built from: the claim in plain words (no attribution, no dateline) when it is
    in the article's language, else the verbatim quote (an LLM may paraphrase in another language)."""
    if item.claim.strip() and guess_language(item.claim) in (None, language):
        return item.claim
    return item.quote


def find_prior_checks(
    checklist: Checklist,
    settings: Settings,
    *,
    redis_client: redis.Redis | None = None,
    client: ClaimSearchClient | None = None,
    language: str | None = None,
) -> Checklist:
    """``checklist`` with prior fact-checks added (a new object). Never raises; returns by the deadline.

    Off (status "off", no request) unless ``settings.claimreview_api_key`` is set or a ``client`` is
    given. ``redis_client`` enables the cache. ``language`` (BCP-47) defaults to a guess from the quotes.
    """
    result = checklist.model_copy(deep=True)
    if client is None and not settings.claimreview_enabled:
        result.stats.prior_checks = STATUS_OFF
        return result
    started = time.monotonic()
    deadline = started + settings.claimreview_deadline_seconds
    try:
        result.stats.prior_checks = _run(result, settings, redis_client, client, language, deadline)
    except Exception as exc:  # the checklist matters more than its prior checks: never raise
        log.exception("prior checks failed")
        for item in result.items:
            if isinstance(item, ClaimItem):
                item.prior_checks = []
        result.stats.prior_checks = _failed(f"internal error ({type(exc).__name__})")
    log.info(
        "prior checks for %s: %s in %d ms",
        result.article_id,
        result.stats.prior_checks,
        int((time.monotonic() - started) * 1000),
    )
    return result


def _run(
    checklist: Checklist,
    settings: Settings,
    redis_client: redis.Redis | None,
    client: ClaimSearchClient | None,
    language: str | None,
    deadline: float,
) -> str:
    claims = [i for i in checklist.items if isinstance(i, ClaimItem) and i.priority in ELIGIBLE_PRIORITIES]
    language = language or guess_language(" ".join(i.quote for i in checklist.items))
    by_text: dict[str, list[ClaimItem]] = {}
    for item in claims:
        text = core_text(item, language)
        if not extract_core(text, language).empty:
            by_text.setdefault(text, []).append(item)
    if not by_text:
        return STATUS_DONE

    own_client = client is None
    if client is None:
        client = ClaimSearchClient(
            settings.claimreview_url,
            settings.claimreview_api_key or "",
            timeout=settings.claimreview_timeout_seconds,
            max_attempts=settings.claimreview_max_attempts,
        )
    cache = SearchCache(redis_client, settings.claimreview_cache_ttl_seconds) if redis_client is not None else None
    searcher = _Searcher(client, cache, settings, deadline)
    pool = ThreadPoolExecutor(max_workers=settings.claimreview_concurrency, thread_name_prefix="claimreview")
    futures: dict[Future[list[PriorCheck]], str] = {pool.submit(searcher, text, language): text for text in by_text}
    done, pending = wait(futures, timeout=max(0.0, deadline - time.monotonic()))
    # In-flight requests end on their own by the deadline (their timeout is capped by it).
    pool.shutdown(wait=False, cancel_futures=True)
    if own_client and not pending:
        client.close()

    failures: list[str] = []
    for future in done:
        try:
            matches = future.result()
        except ClaimReviewError as exc:
            failures.append(str(exc))
            continue
        for item in by_text[futures[future]]:
            item.prior_checks = list(matches)
    log.debug("prior checks: %d requests, %d from cache", searcher.requests, searcher.cache_hits)
    return _status(len(by_text), failures, len(pending), settings.claimreview_deadline_seconds)


def _status(total: int, failures: list[str], timed_out: int, deadline_seconds: float) -> str:
    if not failures and not timed_out:
        return STATUS_DONE
    reasons: list[str] = []
    if timed_out:
        reasons.append(f"no answer within {deadline_seconds:g} s for {timed_out} of {total} claims")
    if failures:
        common = max(set(failures), key=failures.count)
        reasons.append(f"{len(failures)} of {total} searches failed ({common})")
    return _failed("; ".join(reasons))
