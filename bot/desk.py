"""The desk's view of a checklist: what is settled, what is still open, and whether the story is ready.

Pure and free of Slack: the Slack face (parent message, publish gate, App Home) and the exports (Slack
files and the CLI) count the same way. Statuses are anything with ``status``/``by``/``at``/``note``
(the Slack face's ``ItemStatus``); a checklist with no statuses is all open.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from bot.models import Checklist, ClaimItem, SourceItem

SETTLED = ("verified", "waived")  # flagged is not settled: the story needs a change first
PRIORITY_RANK = {"high": 0, "medium": 1, "low": 2}


class StatusLike(Protocol):
    status: str
    by: str | None
    at: float | None
    note: str | None


def status_of(statuses: Mapping[int, StatusLike] | None, number: int) -> str:
    entry = (statuses or {}).get(number)
    return entry.status if entry is not None else "open"


def is_settled(statuses: Mapping[int, StatusLike] | None, number: int) -> bool:
    return status_of(statuses, number) in SETTLED


@dataclass(frozen=True)
class DeskProgress:
    total: int
    settled: int
    flagged: int
    high_total: int
    high_open: int  # high-priority items neither verified nor waived (flagged ones included)

    @property
    def gate_open(self) -> int:
        """Items still between the story and publication: the high-priority ones, or every item when a
        checklist has none (a story is not ready the moment its checklist arrives)."""
        return self.high_open if self.high_total else self.total - self.settled

    @property
    def ready(self) -> bool:
        """The publish gate: every high-priority item verified or explicitly waived with a note."""
        return self.total > 0 and self.gate_open == 0

    def line(self) -> str:
        """``"7 of 12 settled · 1 flagged · 2 high-priority open"``, or the ready line."""
        if not self.total:
            return "Nothing to check was found"
        parts = [f"{self.settled} of {self.total} settled"]
        if self.flagged:
            parts.append(f"{self.flagged} flagged")
        if self.ready:
            parts.append(
                "ready to publish" + (": every high-priority item is verified or waived" if self.high_total else "")
            )
        elif self.high_total:
            parts.append(f"{self.high_open} high-priority open")
        else:
            parts.append(f"{self.gate_open} open")
        return " · ".join(parts)


def progress(checklist: Checklist, statuses: Mapping[int, StatusLike] | None) -> DeskProgress:
    high = [i for i in checklist.items if i.priority == "high"]
    return DeskProgress(
        total=len(checklist.items),
        settled=sum(1 for i in checklist.items if is_settled(statuses, i.number)),
        flagged=sum(1 for i in checklist.items if status_of(statuses, i.number) == "flagged"),
        high_total=len(high),
        high_open=sum(1 for i in high if not is_settled(statuses, i.number)),
    )


def open_items(checklist: Checklist, statuses: Mapping[int, StatusLike] | None) -> list[ClaimItem | SourceItem]:
    """Items not yet settled, high priority first, then in checklist order."""
    pending = [i for i in checklist.items if not is_settled(statuses, i.number)]
    return sorted(pending, key=lambda i: (PRIORITY_RANK.get(i.priority, 3), i.number))


def shown_items(checklist: Checklist, min_priority: str) -> Checklist:
    """The checklist with items below ``min_priority`` left out (a channel's display setting)."""
    limit = PRIORITY_RANK.get(min_priority, 2)
    kept = [i for i in checklist.items if PRIORITY_RANK.get(i.priority, 2) <= limit]
    if len(kept) == len(checklist.items):
        return checklist
    return checklist.model_copy(update={"items": kept})
