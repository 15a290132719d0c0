"""What the Slack face remembers about a checklist thread (kept in Redis by ``state.py``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Status = Literal["open", "verified", "flagged", "waived"]  # waived: settled without checking, with a note
Trigger = Literal["command", "reaction", "recheck"]


class ItemStatus(BaseModel):
    status: Status = "open"
    by: str | None = None  # Slack user id of whoever set it
    at: float | None = None  # unix time
    note: str | None = None


class HistoryEntry(BaseModel):
    at: float
    user: str
    action: str  # "verified", "flagged", "waived", "reopened", "assigned", "unassigned", "rechecked", "exported"
    numbers: list[int] = Field(default_factory=list)
    note: str | None = None
    owner: str | None = None  # assigned: the Slack user id the items went to


class ThreadRecord(BaseModel):
    """One checklist thread: where it is, who asked, and where its messages are."""

    checklist_id: str  # "{channel}:{thread_ts}": the thread is the checklist's home
    channel: str
    thread_ts: str  # the parent message the checklist hangs under
    requested_by: str
    trigger: Trigger
    article_id: str
    title: str
    message_ts: list[str] = Field(default_factory=list)  # the checklist messages in the thread, in order
    version: int = 1  # bumped by each recheck
    expanded: bool = False  # the routine on-record items are shown one by one, not folded into a line
