"""The checklist as terminal text: numbered, quotes first, then why and how to verify.

Item numbers are the checklist's own (the Slack thread commands use them), whatever the order or
filter of the view. Text wraps to the terminal's width without breaking words or hyphenated words.
"""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Sequence
from typing import Literal

from bot.models import ArticleSource, Checklist, ClaimItem, Item, PriorCheck, Priority, SourceItem

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


def describe_source(source: ArticleSource) -> str:
    """Where the text came from, in one line: ``file report.pdf ("Title")``, ``https://…``, ``text``."""
    where = {"url": source.url, "file": f"file {source.name}" if source.name else "a file"}.get(source.kind)
    where = where or "text given directly"
    return where + (f" (“{source.title}”)" if source.title else "")


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
            + (f" ({shown})" if (shown := stats.model_label()) else "")
            + f" · {stats.chunks} sections, {stats.cache_hits} from cache",
            width,
            "",
        ),
    ]
    if checklist.source is not None:
        lines.append(_fill(f"From: {describe_source(checklist.source)}", width, ""))
    if note := stats.fallback_note():
        lines.append(_fill(f"Note: {note}", width, ""))
    if stats.note:
        lines.append(_fill(f"Note: {stats.note}", width, ""))
    if stats.prior_checks.startswith("failed"):
        failed = stats.prior_checks.removeprefix("failed: ")
        lines.append(_fill(f"Note: prior fact-checks could not be fetched ({failed}).", width, ""))
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
        if isinstance(item, ClaimItem) and item.prior_checks:
            lines.extend(_prior_checks(item.prior_checks, indent))
    return "\n".join(lines) + "\n"


def _prior_checks(checks: list[PriorCheck], indent: str) -> list[str]:
    """Published fact-checks under the item: publisher, date, rating as published, link."""
    lines = [f"{indent}Already fact-checked:"]
    for check in checks:
        date = f", {check.review_date[:10]}" if check.review_date else ""
        lines.append(f"{indent}  - {check.publisher}{date}: {check.rating} <{check.url}>")
        if check.claim_text:
            lines.append(f"{indent}    " + textwrap.shorten(f"(checked: “{check.claim_text}”)", 90, placeholder="…”)"))
    return lines
