"""The checklist as files people keep: Markdown to read and CSV for a spreadsheet, with the desk's record
(statuses, notes, owners, who did what and when) when there is one.

Pure and free of Slack: the CLI (``factcheck check --format md|csv``, no desk record) and the Slack
``export`` (the thread's record) print the same thing. Users appear as their Slack ids (``@U0123``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from bot.desk import StatusLike, progress, status_of
from bot.models import Checklist, ClaimItem, SourceItem
from bot.render import describe_source, item_label

CSV_COLUMNS = (
    "version",
    "number",
    "kind",
    "type",
    "priority",
    "quote",
    "claim",
    "source_cited",
    "hedges",
    "why",
    "how_to_verify",
    "status",
    "status_by",
    "status_at_utc",
    "note",
    "owner",
    "prior_checks",
    "start",
    "end",
)
_FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run these as formulas


class HistoryLike(Protocol):
    at: float
    user: str
    action: str
    numbers: list[int]
    note: str | None
    owner: str | None


@dataclass
class EarlierVersion:
    version: int
    checklist: Checklist
    statuses: Mapping[int, StatusLike] = field(default_factory=dict)
    owners: Mapping[int, str] = field(default_factory=dict)


@dataclass
class DeskRecord:
    """What the desk did with a checklist (empty for the CLI)."""

    version: int = 1
    statuses: Mapping[int, StatusLike] = field(default_factory=dict)
    owners: Mapping[int, str] = field(default_factory=dict)
    history: Sequence[HistoryLike] = ()
    earlier: Sequence[EarlierVersion] = ()
    exported_at: float | None = None


def when(at: float | None) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d %H:%M UTC") if at else ""


def _who(user: str | None) -> str:
    return f"@{user}" if user else ""


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _status_text(statuses: Mapping[int, StatusLike], number: int) -> str:
    entry = statuses.get(number)
    if entry is None or (entry.status == "open" and not entry.by):
        return "open"
    text = entry.status
    if entry.by:
        text += f" by {_who(entry.by)}"
    if entry.at:
        text += f", {when(entry.at)}"
    if entry.note:
        text += f": {_one_line(entry.note)}"
    return text


# --- Markdown -------------------------------------------------------------------------------------


def _md(text: str) -> str:
    """Text inside Markdown prose: no raw HTML, no accidental emphasis or links."""
    out = text.replace("\\", "\\\\").replace("<", "&lt;").replace(">", "&gt;")
    for ch in "*_`[]|#":
        out = out.replace(ch, "\\" + ch)
    return out


def _md_quote(text: str) -> str:
    return "\n".join("> " + _md(line) for line in (text.strip("\n").splitlines() or [""]))


def render_markdown(checklist: Checklist, desk: DeskRecord | None = None) -> str:
    desk = desk or DeskRecord()
    stats = checklist.stats
    lines = [f"# Fact-check checklist: {_md(checklist.title)}", ""]
    facts = [f"Version {desk.version}" if desk.version > 1 else "", progress(checklist, desk.statuses).line()]
    if desk.exported_at:
        facts.append(f"exported {when(desk.exported_at)}")
    lines.append(" · ".join(f for f in facts if f))
    lines.append("")
    analyzer = stats.analyzer + (f" ({stats.model})" if stats.model else "")
    lines.append(f"- Items: {stats.items} ({stats.claims} claims, {stats.sources} sources) · analyzer: {_md(analyzer)}")
    if checklist.source is not None:
        lines.append(f"- From: {_md(describe_source(checklist.source))}")
    if stats.fallback_reason:
        lines.append(f"- Note: the offline analyzer stood in ({_md(stats.fallback_reason)})")
    if not checklist.items:
        lines += ["", "Nothing to check was found."]
    for item in checklist.items:
        lines += ["", *_md_item(item, desk)]
    if desk.history:
        lines += [
            "",
            "## Who did what, when",
            "",
            "| When | Who | What | Items | Note |",
            "| --- | --- | --- | --- | --- |",
        ]
        for entry in desk.history:
            what = entry.action + (f" to {_who(entry.owner)}" if entry.owner else "")
            numbers = ", ".join(str(n) for n in entry.numbers)
            note = _md(_one_line(entry.note or ""))
            lines.append(f"| {when(entry.at)} | {_md(_who(entry.user))} | {_md(what)} | {numbers} | {note} |")
    for earlier in desk.earlier:
        lines += ["", f"## Version {earlier.version} (replaced by a recheck)", ""]
        for item in earlier.checklist.items:
            owner = earlier.owners.get(item.number)
            lines.append(
                f"- {item.number}. “{_md(_one_line(item.quote))}”: {_md(_status_text(earlier.statuses, item.number))}"
                + (f" · owner {_md(_who(owner))}" if owner else "")
            )
    return "\n".join(lines) + "\n"


def _md_item(item: ClaimItem | SourceItem, desk: DeskRecord) -> list[str]:
    status = status_of(desk.statuses, item.number)
    head = f"## {item.number}. {item.kind.capitalize()} · {_md(item_label(item))} · {item.priority} priority · {status}"
    lines = [head, "", _md_quote(item.quote), ""]
    if isinstance(item, ClaimItem) and item.claim and item.claim.strip() != item.quote.strip():
        lines.append(f"- Claim: {_md(_one_line(item.claim))}")
    if isinstance(item, SourceItem) and item.source:
        lines.append(f"- Source cited: {_md(item.source.text)}")
    if item.hedges:
        lines.append("- Hedges: " + ", ".join(f"“{_md(h.text)}”" for h in item.hedges))
    if item.why:
        lines.append(f"- Why: {_md(_one_line(item.why))}")
    if item.how_to_verify:
        lines.append(f"- How to verify: {_md(_one_line(item.how_to_verify))}")
    lines.append(f"- Status: {_md(_status_text(desk.statuses, item.number))}")
    owner = desk.owners.get(item.number)
    if owner:
        lines.append(f"- Owner: {_md(_who(owner))}")
    if isinstance(item, ClaimItem):
        for check in item.prior_checks:
            date = f", {check.review_date[:10]}" if check.review_date else ""
            lines.append(f"- Already fact-checked: {_md(check.publisher)}{date}: {_md(check.rating)} <{check.url}>")
    return lines


# --- CSV ------------------------------------------------------------------------------------------


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_LEAD) else text


def _csv_rows(
    checklist: Checklist, version: int, statuses: Mapping[int, StatusLike], owners: Mapping[int, str]
) -> Iterator[list[object]]:
    for item in checklist.items:
        entry = statuses.get(item.number)
        prior = "; ".join(f"{c.publisher}: {c.rating} {c.url}" for c in getattr(item, "prior_checks", []))
        yield [
            version,
            item.number,
            item.kind,
            item_label(item),
            item.priority,
            item.quote,
            item.claim if isinstance(item, ClaimItem) else "",
            item.source.text if isinstance(item, SourceItem) and item.source else "",
            ", ".join(h.text for h in item.hedges),
            item.why,
            item.how_to_verify,
            status_of(statuses, item.number),
            (entry.by or "") if entry else "",  # bare ids: "@" would start a formula in some spreadsheets
            when(entry.at) if entry else "",
            (entry.note or "") if entry else "",
            owners.get(item.number, ""),
            prior,
            item.start,
            item.end,
        ]


def render_csv(checklist: Checklist, desk: DeskRecord | None = None) -> str:
    """One row per item (earlier versions' items too, with their version), RFC 4180, formulas defused."""
    desk = desk or DeskRecord()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in _csv_rows(checklist, desk.version, desk.statuses, desk.owners):
        writer.writerow([_cell(v) for v in row])
    for earlier in desk.earlier:
        for row in _csv_rows(earlier.checklist, earlier.version, earlier.statuses, earlier.owners):
            writer.writerow([_cell(v) for v in row])
    return out.getvalue()
