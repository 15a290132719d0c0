"""Fixtures: the claims:search stand-in over real HTTP, settings pointing at it, checklists to enrich."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.config import Settings
from bot.models import Checklist, ChecklistStats, ClaimItem, Priority, SourceItem
from standins.claimreview import ClaimReviewStandIn

API_KEY = "k-test-5ecret"


@pytest.fixture
def standin() -> Iterator[ClaimReviewStandIn]:
    with ClaimReviewStandIn(api_key=API_KEY) as server:
        yield server


def settings_for(server: ClaimReviewStandIn, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "claimreview_api_key": API_KEY,
        "claimreview_url": server.url,
        "claimreview_timeout_seconds": 2.0,
        "claimreview_deadline_seconds": 10.0,
        **overrides,
    }
    return Settings(**values)  # type: ignore[arg-type]


def claim(number: int, quote: str, priority: Priority = "high", text: str = "") -> ClaimItem:
    return ClaimItem(
        number=number,
        quote=quote,
        start=0,
        end=len(quote),
        why="a figure",
        how_to_verify="ask",
        priority=priority,
        claim=text or quote,
        basis="disputed_figure",
    )


def checklist(*items: ClaimItem | SourceItem) -> Checklist:
    return Checklist(
        article_id="abc123",
        title="Test article",
        text_length=1000,
        items=list(items),
        stats=ChecklistStats(items=len(items), claims=len(items)),
    )
