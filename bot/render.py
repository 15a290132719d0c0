"""The checklist as terminal text: numbered, quotes first, then why and how to verify."""

from __future__ import annotations

import textwrap

from bot.models import Checklist, ClaimItem, SourceItem

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


def render_text(checklist: Checklist, width: int = 100) -> str:
    stats = checklist.stats
    lines = [
        f"Fact-check checklist: {checklist.title}",
        f"{stats.items} items ({stats.claims} claims, {stats.sources} sources) · analyzer: {stats.analyzer}"
        + (f" ({stats.model})" if stats.model else "")
        + f" · {stats.chunks} sections, {stats.cache_hits} from cache",
    ]
    if stats.fallback_reason:
        lines.append(f"Note: the offline analyzer stood in because the LLM failed ({stats.fallback_reason}).")
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
        if isinstance(item, ClaimItem) and item.attribution:
            who = f"Attributed to: “{item.attribution.text}” ({label(item.attribution.source_type)})"
            lines.append(textwrap.fill(who, width, initial_indent=indent, subsequent_indent=indent))
            if item.attribution.hedges:
                lines.append(f"{indent}Hedges: " + ", ".join(f"“{h.text}”" for h in item.attribution.hedges))
        if isinstance(item, SourceItem) and item.source:
            lines.append(f"{indent}Source: {item.source.text}")
        if item.hedges:
            lines.append(f"{indent}Hedges: " + ", ".join(f"“{h.text}”" for h in item.hedges))
        for name, value in (("Why", item.why), ("Check", item.how_to_verify)):
            if value:
                lines.append(textwrap.fill(f"{name}: {value}", width, initial_indent=indent, subsequent_indent=indent))
    return "\n".join(lines) + "\n"
