"""The checklist as terminal text: numbered, quotes first, then why and how to verify.

Item numbers are the checklist's own (the Slack thread commands use them), whatever the order or
filter of the view. Text wraps to the terminal's width without breaking words or hyphenated words.
"""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Sequence
from typing import Literal

from bot.models import Checklist, ClaimItem, Item, Priority, SourceItem

LABELS = {
    "unsourced": "no source",
    "anonymous_source": "anonymous source",
    "second_hand": "second-hand",
    "disputed_figure": "disputed figure",
    "comparison": "comparison",
    "prediction": "prediction",
    "characterisation": "characterisation",
    "not_independently_verified": "not independently verified",
    "named_on_record": "named, on record",
    "anonymous": "anonymous",
    "vague_group": "vague group",
    "self_citation": "self-citation",
    "explicitly_unverified": "explicitly unverified",
}
PRIORITY_RANK: dict[str, int] = {"high": 0, "medium": 1, "low": 2}
Sort = Literal["position", "priority"]
MIN_WIDTH, MAX_WIDTH = 40, 120  # narrower is unreadable; wider lines are hard to follow


def _n(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def label(value: str) -> str:
    return LABELS.get(value, value.replace("_", " "))


def item_label(item: Item) -> str:
    """The item's type as shown: what kind of claim or source it is."""
    if isinstance(item, ClaimItem):
        if item.basis == "unsourced" and item.attribution is not None:
            return "claim to check"  # an LLM may say "unsourced" of an attributed claim: never show "no source"
        return label(item.basis)
    return label(item.source_type)


def terminal_width() -> int:
    return max(MIN_WIDTH, min(MAX_WIDTH, shutil.get_terminal_size((100, 24)).columns))


def ordered(items: Sequence[Item], sort: Sort = "position", min_priority: Priority = "low") -> list[Item]:
    """The items to show, in the view's order; numbers are left as they are."""
    floor = PRIORITY_RANK[min_priority]
    shown = [i for i in items if PRIORITY_RANK[i.priority] <= floor]
    if sort == "priority":
        return sorted(shown, key=lambda i: (PRIORITY_RANK[i.priority], i.number))
    return sorted(shown, key=lambda i: i.number)


def _fill(text: str, width: int, indent: str) -> str:
    return textwrap.fill(
        text, width, initial_indent=indent, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False
    )


def render_text(
    checklist: Checklist, width: int | None = None, sort: Sort = "position", min_priority: Priority = "low"
) -> str:
    width = width or terminal_width()
    stats = checklist.stats
    counts = {p: sum(1 for i in checklist.items if i.priority == p) for p in ("high", "medium", "low")}
    lines = [
        _fill(f"Fact-check checklist: {checklist.title}", width, ""),
        _fill(
            f"{_n(stats.items, 'item')} ({_n(stats.claims, 'claim')}, {_n(stats.sources, 'source')}; "
            f"{counts['high']} high, "
            f"{counts['medium']} medium, {counts['low']} low) · analyzer: {stats.analyzer}"
            + (f" ({stats.model})" if stats.model else "")
            + f" · {stats.chunks} sections, {stats.cache_hits} from cache",
            width,
            "",
        ),
    ]
    if stats.fallback_reason:
        lines.append(_fill(f"Note: the offline analyzer stood in because the LLM failed ({stats.fallback_reason}).",
                           width, ""))
    if stats.note:
        lines.append(_fill(f"Note: {stats.note}", width, ""))
    if stats.dropped_ungrounded:
        lines.append(f"Dropped {stats.dropped_ungrounded} item(s) whose quote is not in the article.")
    if not checklist.items:
        lines.append("\nNothing to check was found.")
    shown = ordered(checklist.items, sort, min_priority)
    hidden = len(checklist.items) - len(shown)
    if hidden:
        lines.append(f"{hidden} item(s) below {min_priority} priority not shown (--min-priority low shows all).")
    indent = " " * 6
    for item in shown:
        lines.append("")
        head = f"{item.number:>3}. [{item.kind.upper()} · {item_label(item)} · {item.priority}] "
        lines.append(textwrap.fill(head + f"(chars {item.start}-{item.end})", width, subsequent_indent=indent,
                                   break_long_words=False, break_on_hyphens=False))
        lines.append(_fill(f"“{item.quote}”", width, indent))
        if isinstance(item, ClaimItem) and item.claim and item.claim != item.quote:
            lines.append(_fill(f"Claim: {item.claim}", width, indent))
        if isinstance(item, ClaimItem) and item.attribution:
            who = f"Attributed to: “{item.attribution.text}” ({label(item.attribution.source_type)})"
            lines.append(_fill(who, width, indent))
        if isinstance(item, SourceItem) and item.source:
            lines.append(_fill(f"Source: {item.source.text}", width, indent))
        hedges = list(item.hedges) + (list(item.attribution.hedges) if isinstance(item, ClaimItem)
                                      and item.attribution else [])
        if hedges:
            cues = ", ".join(dict.fromkeys(f"“{h.text}”" for h in hedges))
            lines.append(_fill(f"Hedges: {cues}", width, indent))
        for name, value in (("Why", item.why), ("Check", item.how_to_verify)):
            if value:
                lines.append(_fill(f"{name}: {value}", width, indent))
    return "\n".join(lines) + "\n"
