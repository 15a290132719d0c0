"""The checklist as terminal text: numbered, quotes first, then why and how to verify."""

from __future__ import annotations

import textwrap

from bot.models import ArticleSource, Checklist, ClaimItem, PriorCheck, SourceItem

LABELS = {
    "unsourced": "no source",
    "anonymous_source": "anonymous source",
    "second_hand": "second-hand",
    "disputed_figure": "figure",
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


def label(value: str) -> str:
    return LABELS.get(value, value.replace("_", " "))


def describe_source(source: ArticleSource) -> str:
    """Where the text came from, in one line: ``file report.pdf ("Title")``, ``https://…``, ``text``."""
    where = {"url": source.url, "file": f"file {source.name}" if source.name else "a file"}.get(source.kind)
    where = where or "text given directly"
    return where + (f" (“{source.title}”)" if source.title else "")


def render_text(checklist: Checklist, width: int = 100) -> str:
    stats = checklist.stats
    lines = [
        f"Fact-check checklist: {checklist.title}",
        f"{stats.items} items ({stats.claims} claims, {stats.sources} sources) · analyzer: {stats.analyzer}"
        + (f" ({shown})" if (shown := stats.model_label()) else "")
        + f" · {stats.chunks} sections, {stats.cache_hits} from cache",
    ]
    if checklist.source is not None:
        lines.append(f"From: {describe_source(checklist.source)}")
    if note := stats.fallback_note():
        lines.append(f"Note: {note}")
    if stats.prior_checks.startswith("failed"):
        lines.append(f"Note: prior fact-checks could not be fetched ({stats.prior_checks.removeprefix('failed: ')}).")
    if stats.dropped_ungrounded:
        lines.append(f"Dropped {stats.dropped_ungrounded} item(s) whose quote is not in the article.")
    if not checklist.items:
        lines.append("\nNothing to check was found.")
    indent = " " * 6
    for item in checklist.items:
        kind = label(item.basis) if isinstance(item, ClaimItem) else label(item.source_type)
        lines.append("")
        where = f"(chars {item.start}-{item.end})"
        lines.append(f"{item.number:>3}. [{item.kind.upper()} · {kind} · {item.priority}] {where}")
        lines.append(textwrap.fill(f"“{item.quote}”", width, initial_indent=indent, subsequent_indent=indent))
        if isinstance(item, ClaimItem) and item.claim and item.claim != item.quote:
            lines.append(textwrap.fill(f"Claim: {item.claim}", width, initial_indent=indent, subsequent_indent=indent))
        if isinstance(item, SourceItem) and item.source:
            lines.append(f"{indent}Source: {item.source.text}")
        if item.hedges:
            lines.append(f"{indent}Hedges: " + ", ".join(f"“{h.text}”" for h in item.hedges))
        for name, value in (("Why", item.why), ("Check", item.how_to_verify)):
            if value:
                lines.append(textwrap.fill(f"{name}: {value}", width, initial_indent=indent, subsequent_indent=indent))
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
