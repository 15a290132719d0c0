"""Block Kit payloads for the Slack face: pure functions returning dicts for ``chat.postMessage``.

No I/O here, so every payload can be validated in tests without Slack. Everything that did not
come from these templates (article quotes, LLM output, notes, titles) is escaped, and every text is
fitted to Slack's limits: a too-long quote is shortened on screen only, never in the data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.limits import BUDGET_REASON_PREFIX
from bot.models import Checklist, ClaimItem, SourceItem
from bot.render import label
from bot.slack.mrkdwn import (
    escape,
    escape_truncate,
    mention,
    neutral,
    neutral_truncate,
    quote_block_shortened,
    without_invisibles,
)
from bot.slack.records import HistoryEntry, ItemStatus, ThreadRecord

# Slack's limits, with margins where Slack's own counting is fuzzy.
MAX_BLOCKS = 45  # hard limit 50
MAX_MESSAGE_CHARS = 11_000  # total block text; ~13k fails with msg_blocks_too_long
MAX_SECTION = 3_000
MAX_HEADER = 150
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2_000
MAX_BLOCK_ID = 255
MAX_CONTEXT_ELEMENT = 2_000
MAX_FALLBACK = 3_000

# Caps for the free-text fields of one item so the quote always keeps a good share of a section.
# Worst case they leave ~550 chars for the quote.
_FIELD_CAPS = {"claim": 400, "source": 200, "hedges": 250, "why": 500, "how": 500, "note": 300}

ACTION_VERIFY = "fc_verify"
ACTION_FLAG = "fc_flag"
ACTION_REOPEN = "fc_reopen"

_PRIORITY = {"high": ":red_circle: high", "medium": ":large_orange_circle: medium", "low": ":white_circle: low"}
_STATUS_ICON = {
    "open": ":white_large_square:",
    "verified": ":white_check_mark:",
    "flagged": ":triangular_flag_on_post:",
}


@dataclass(frozen=True)
class SlackMessage:
    text: str  # plain fallback text (notifications, screen readers), escaped, <= 3,000 chars
    blocks: list[dict]


# --- small builders -------------------------------------------------------------------------------


def _section(text: str, block_id: str | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "section", "text": {"type": "mrkdwn", "text": text[:MAX_SECTION]}}
    if block_id:
        block["block_id"] = block_id[:MAX_BLOCK_ID]
    return block


def _context(*texts: str, block_id: str | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": t[:MAX_CONTEXT_ELEMENT]} for t in texts[:10]],
    }
    if block_id:
        block["block_id"] = block_id[:MAX_BLOCK_ID]
    return block


def _header(text: str) -> dict[str, Any]:
    return {"type": "header", "text": {"type": "plain_text", "text": escape_truncate(text, MAX_HEADER), "emoji": True}}


def _button(text: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    if len(value) > MAX_BUTTON_VALUE:  # an id is never shortened: a cut value would point elsewhere
        raise ValueError(f"button value longer than {MAX_BUTTON_VALUE} chars")
    button: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": escape_truncate(text, MAX_BUTTON_TEXT), "emoji": True},
        "action_id": action_id,
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def _fallback(text: str) -> str:
    return escape_truncate(text, MAX_FALLBACK)


def _when(at: float | None) -> str:
    # A plain UTC time: Slack's <!date^...> markup would be the one "<!" in our output, and the
    # tests prove there is none.
    if at is None:
        return ""
    return datetime.fromtimestamp(at, UTC).strftime("%d %b %H:%M UTC")


def text_weight(blocks: Iterable[dict[str, Any]]) -> int:
    """Characters of text in ``blocks``: what Slack sums for ``msg_blocks_too_long``."""
    total = 0

    def walk(node: Any) -> None:
        nonlocal total
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "text" and isinstance(value, str):
                    total += len(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(list(blocks))
    return total


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _ranges(numbers: Iterable[int]) -> str:
    """[1, 2, 3, 5] → "1–3, 5": keeps long lists of item numbers short."""
    nums = sorted(set(numbers))
    parts: list[str] = []
    i = 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        parts.append(str(nums[i]) if i == j else f"{nums[i]}–{nums[j]}")
        i = j + 1
    return ", ".join(parts)


def _tally(checklist: Checklist, statuses: dict[int, ItemStatus]) -> tuple[int, int, int]:
    numbers = [i.number for i in checklist.items]
    verified = sum(1 for n in numbers if statuses.get(n, ItemStatus()).status == "verified")
    flagged = sum(1 for n in numbers if statuses.get(n, ItemStatus()).status == "flagged")
    return len(numbers), verified, flagged


def _progress_line(checklist: Checklist, statuses: dict[int, ItemStatus]) -> str:
    total, verified, flagged = _tally(checklist, statuses)
    if not total:
        return "Nothing to check was found"
    line = f"{verified} of {total} verified"
    if flagged:
        line += f" · {flagged} flagged"
    return line


# --- checklist ------------------------------------------------------------------------------------


def _status_line(status: ItemStatus) -> str:
    icon = _STATUS_ICON.get(status.status, "")
    if status.status == "open":
        line = f"{icon} Open"
        if status.by:  # reopened by someone
            line += f" (reopened by {mention(status.by)}"
            line += f", {_when(status.at)})" if status.at else ")"
        return line
    line = f"{icon} *{status.status.capitalize()}*"
    if status.by:
        line += f" by {mention(status.by)}"
    if status.at:
        line += f", {_when(status.at)}"
    if status.note:
        line += f" — {neutral_truncate(status.note, _FIELD_CAPS['note'])}"
    return line


def _item_section_text(item: ClaimItem | SourceItem, status: ItemStatus) -> tuple[str, bool]:
    """The item's section text (<= 3,000 chars) and whether its quote was shortened to fit."""
    kind = label(item.basis) if isinstance(item, ClaimItem) else label(item.source_type)
    head = f"*{item.number}. {item.kind.capitalize()} · {escape(kind)}* · {_PRIORITY.get(item.priority, item.priority)}"
    details: list[str] = []
    if isinstance(item, ClaimItem) and item.claim and item.claim.strip() != item.quote.strip():
        details.append(f"*Claim:* {neutral_truncate(item.claim, _FIELD_CAPS['claim'])}")
    if isinstance(item, SourceItem) and item.source:
        details.append(f"*Source cited:* {neutral_truncate(item.source.text, _FIELD_CAPS['source'])}")
    if item.hedges:
        cues = ", ".join(f"“{h.text}”" for h in item.hedges)
        details.append(f"*Hedges:* {neutral_truncate(cues, _FIELD_CAPS['hedges'])}")
    if item.why:
        details.append(f"*Why:* {neutral_truncate(item.why, _FIELD_CAPS['why'])}")
    if item.how_to_verify:
        details.append(f"*How to verify:* {neutral_truncate(item.how_to_verify, _FIELD_CAPS['how'])}")
    details.append(_status_line(status))

    shortened_note = " _(quote shortened)_"
    rest = "\n".join(details)
    # head + "\n" + quote [+ note] + "\n" + rest must fit the section.
    budget = MAX_SECTION - len(head) - len(rest) - 2 - len(shortened_note) - 10
    quote, shortened = quote_block_shortened(item.quote, budget)
    if shortened:
        quote += shortened_note
    return f"{head}\n{quote}\n{rest}", shortened


def _item_actions(item_number: int, status: ItemStatus, record: ThreadRecord) -> dict[str, Any]:
    value = f"{record.checklist_id}|{record.version}|{item_number}"
    verify = _button("Verified", ACTION_VERIFY, value, "primary")
    flag = _button("Flag", ACTION_FLAG, value, "danger")
    reopen = _button("Reopen", ACTION_REOPEN, value)
    # Offer only moves away from the current status.
    elements = {"open": [verify, flag], "verified": [flag, reopen], "flagged": [verify, reopen]}[status.status]
    return {"type": "actions", "block_id": f"fc_actions:{item_number}", "elements": elements}


def _item_blocks(item: ClaimItem | SourceItem, status: ItemStatus, record: ThreadRecord) -> list[dict[str, Any]]:
    text, _ = _item_section_text(item, status)
    return [_section(text, block_id=f"fc_item:{item.number}"), _item_actions(item.number, status, record)]


def _summary_context(checklist: Checklist, statuses: dict[int, ItemStatus], version: int) -> dict[str, Any]:
    stats = checklist.stats
    title = f"*{neutral_truncate(checklist.title, 300)}*" + (f" · version {version} (rechecked)" if version > 1 else "")
    lines = [title, _progress_line(checklist, statuses)]
    if checklist.items:
        claims = sum(1 for i in checklist.items if i.kind == "claim")
        sources = len(checklist.items) - claims
        lines[-1] += (
            f" · {_plural(len(checklist.items), 'item')}: {_plural(claims, 'claim')}, {_plural(sources, 'source')}"
        )
    analyzer = escape(stats.analyzer or "unknown")
    if stats.model:
        analyzer += f" ({neutral_truncate(stats.model, 100)})"
    lines.append(f"Analyzer: {analyzer}")
    if stats.fallback_reason and stats.fallback_reason.startswith(BUDGET_REASON_PREFIX):
        reason = stats.fallback_reason.removeprefix(BUDGET_REASON_PREFIX)
        lines.append(":information_source: The offline analyzer made this checklist. " + neutral_truncate(reason, 300))
    elif stats.fallback_reason:
        lines.append(
            ":warning: The offline analyzer stood in because the LLM failed: "
            + neutral_truncate(stats.fallback_reason, 300)
        )
    if stats.dropped_ungrounded:
        lines.append(f":scissors: Dropped {stats.dropped_ungrounded} item(s) whose quote is not in the article.")
    return _context("\n".join(lines), block_id="fc_summary")


def checklist_messages(
    checklist: Checklist, record: ThreadRecord, statuses: dict[int, ItemStatus]
) -> list[SlackMessage]:
    """The checklist as thread messages, split so that each one fits every Slack limit.

    Items are never split across messages; later messages open with "Checklist (continued) — items a–b".
    """
    first: list[dict[str, Any]] = [
        _header("Fact-check checklist"),
        _summary_context(checklist, statuses, record.version),
    ]
    if not checklist.items:
        first.append(_section("Nothing to check was found.", block_id="fc_empty"))
        return [
            SlackMessage(
                text=_fallback(f"Fact-check checklist: {neutral(checklist.title)}: nothing to check was found"),
                blocks=first,
            )
        ]

    continuation_weight = 120  # the "Checklist (continued)" line added to later pages
    pages: list[tuple[list[dict[str, Any]], list[int]]] = [(first, [])]
    blocks, numbers = pages[0]
    weight = text_weight(first)
    for item in checklist.items:
        item_blocks = _item_blocks(item, statuses.get(item.number, ItemStatus()), record)
        item_weight = text_weight(item_blocks)
        max_blocks = MAX_BLOCKS - (0 if len(pages) == 1 else 1)
        if numbers and (len(blocks) + len(item_blocks) > max_blocks or weight + item_weight > MAX_MESSAGE_CHARS):
            blocks, numbers = [], []
            pages.append((blocks, numbers))
            weight = continuation_weight
        blocks.extend(item_blocks)
        numbers.append(item.number)
        weight += item_weight

    total, verified, flagged = _tally(checklist, statuses)
    messages: list[SlackMessage] = []
    for index, (page_blocks, page_numbers) in enumerate(pages):
        span = f"{page_numbers[0]}–{page_numbers[-1]}" if len(page_numbers) > 1 else str(page_numbers[0])
        if index == 0:
            text = f"Fact-check checklist: {neutral(checklist.title)} ({verified} of {total} verified"
            text += f", {flagged} flagged)" if flagged else ")"
        else:
            text = f"Fact-check checklist (continued): items {span}"
            page_blocks.insert(0, _context(f"Checklist (continued) — items {span}", block_id="fc_continued"))
        messages.append(SlackMessage(text=_fallback(text), blocks=page_blocks))
    return messages


# --- other messages -------------------------------------------------------------------------------


def _counts_line(checklist: Checklist, statuses: dict[int, ItemStatus] | None) -> str:
    total = len(checklist.items)
    if not total:
        return "Nothing to check was found"
    claims = sum(1 for i in checklist.items if i.kind == "claim")
    line = f"{_plural(total, 'item')}: {_plural(claims, 'claim')}, {_plural(total - claims, 'source')}"
    if statuses is not None:
        line += " · " + _progress_line(checklist, statuses)
    return line


def parent_message(
    title: str,
    requested_by: str,
    trigger: str,
    counts: Checklist | None,
    statuses: dict[int, ItemStatus] | None = None,
) -> SlackMessage:
    """The channel message the checklist thread hangs under; ``counts`` once the checklist is known.

    ``statuses`` (optional) adds "3 of 12 verified"; without it only the item counts are shown.
    """
    how = {"command": "with /factcheck", "reaction": "with a reaction", "recheck": "a recheck"}.get(trigger)
    asked = f"{mention(requested_by)} asked for " + ("a recheck" if trigger == "recheck" else "a fact-check")
    line = f"{asked}: *{neutral_truncate(title or 'untitled', 500)}*"
    blocks: list[dict[str, Any]] = [_section(line, block_id="fc_parent")]
    fallback = f"{asked}: {neutral_truncate(title or 'untitled', 500)}"
    footer: list[str] = []
    if how and trigger != "recheck":
        footer.append(f"Requested {how}")
    if counts is not None:
        counts_text = _counts_line(counts, statuses)
        footer.append(counts_text)
        fallback += f" · {counts_text}"
    else:
        footer.append(":hourglass_flowing_sand: Checking…")
    blocks.append(_context(" · ".join(footer), block_id="fc_parent_counts"))
    return SlackMessage(text=fallback[:MAX_FALLBACK], blocks=blocks)


def placeholder_message(sections: int, done: int = 0, cached: int = 0) -> SlackMessage:
    """Shown in the thread while the engine works: "Checking 4 sections…", then progress."""
    noun = "section" if sections == 1 else "sections"
    text = f":hourglass_flowing_sand: Checking {sections} {noun}…"
    if done:
        text += f" {min(done, sections)} of {sections} done"
        if cached:
            text += f" ({cached} from cache)"
    plain = text.replace(":hourglass_flowing_sand: ", "")
    return SlackMessage(text=plain, blocks=[_section(text, block_id="fc_progress")])


def help_message(trigger_emoji: str) -> SlackMessage:
    """The ways in and the thread commands."""
    emoji = escape(trigger_emoji.strip().strip(":")) or "mag"
    ways = (
        "*Ways to get a fact-check checklist*\n"
        "• `/factcheck &lt;article text&gt;`: paste the article after the command.\n"
        f"• React with :{emoji}: to a message that contains the article.\n"
        "The checklist arrives in a thread: every unverified claim and every hedged, vague or "
        "anonymous source, quoted exactly from the article, with why and how to verify it."
    )
    commands = (
        "*In the checklist thread* (or use the buttons under each item)\n"
        "• `verified 2 Pentagon statement`: mark item 2 verified, with an optional note\n"
        "• `verified 2, 5 and 7` or `verified 2-4`: several items at once\n"
        "• `flag 3 the figure is from 2019`: flag item 3 and say why\n"
        "• `reopen 3`: back to open\n"
        "• `status`: who did what and when, and what is still open\n"
        "• `recheck` followed by the revised text: a new checklist for the new version\n"
        "• `help`: this message"
    )
    return SlackMessage(
        text="How to use factcheck: /factcheck with the article text, or a reaction; then thread commands.",
        blocks=[_section(ways, block_id="fc_help_ways"), _section(commands, block_id="fc_help_commands")],
    )


def _cut(text: str, limit: int = 300) -> str:
    """Shorten text that is already escaped (digits, dashes, templates: no entities to split)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _within(lines: list[str], budget: int) -> list[str]:
    """The leading lines that fit in ``budget`` characters."""
    kept: list[str] = []
    for line in lines:
        budget -= len(line) + 1
        if budget < 0:
            break
        kept.append(line)
    return kept


def _numbers_of(checklist: Checklist, statuses: dict[int, ItemStatus], status: str) -> list[int]:
    return [i.number for i in checklist.items if statuses.get(i.number, ItemStatus()).status == status]


def _history_line(entry: HistoryEntry) -> str:
    line = f"• {_when(entry.at)}: {mention(entry.user)} {escape_truncate(entry.action, 40)}"
    if entry.numbers:
        line += f" {_cut(_ranges(entry.numbers), 200)}"
    if entry.note:
        line += f" — {neutral_truncate(entry.note, 200)}"
    return line


def _pack_sections(lines: list[str], block_prefix: str, limit: int = MAX_SECTION - 100) -> list[dict[str, Any]]:
    """Lines into as few sections as possible, each under the section limit."""
    blocks: list[dict[str, Any]] = []
    current: list[str] = []
    size = 0
    for line in lines:
        line = line[:limit]
        if current and size + 1 + len(line) > limit:
            blocks.append(_section("\n".join(current), block_id=f"{block_prefix}:{len(blocks)}"))
            current, size = [], 0
        current.append(line)
        size += len(line) + (1 if size else 0)
    if current:
        blocks.append(_section("\n".join(current), block_id=f"{block_prefix}:{len(blocks)}"))
    return blocks


def status_message(checklist: Checklist, statuses: dict[int, ItemStatus], history: list[HistoryEntry]) -> SlackMessage:
    """Progress, flagged items with their notes, open items, and recent history, in one message."""
    total, verified, flagged = _tally(checklist, statuses)
    summary = f"*Status:* {_progress_line(checklist, statuses)}" + (
        f" · {total - verified - flagged} open" if total else ""
    )
    blocks: list[dict[str, Any]] = [_section(summary, block_id="fc_status")]

    flagged_lines: list[str] = []
    open_items: list[ClaimItem | SourceItem] = []
    for item in checklist.items:
        status = statuses.get(item.number, ItemStatus())
        if status.status == "flagged":
            flagged_lines.append(f"• {item.number}: " + _status_line(status))
        elif status.status == "open":
            open_items.append(item)

    # Each part has a character budget so the whole message stays under the total-text limit
    # whatever the checklist size, the notes or the length of the history.
    if flagged_lines:
        shown = _within(flagged_lines, 3_500)
        if len(flagged_lines) > len(shown):
            rest = _numbers_of(checklist, statuses, "flagged")
            shown.append(_cut(f"…and {len(flagged_lines) - len(shown)} more flagged: {_ranges(rest[len(shown) :])}"))
        blocks += _pack_sections(["*Flagged*", *shown], "fc_status_flagged")
    if open_items:
        lines = [f"• {i.number}: “{neutral_truncate(' '.join(i.quote.split()), 90)}”" for i in open_items[:15]]
        lines = _within(lines, 2_000)
        if len(open_items) > len(lines):
            more = _ranges(i.number for i in open_items[len(lines) :])
            lines.append(_cut(f"…and {len(open_items) - len(lines)} more: {more}"))
        blocks += _pack_sections(["*Open*", *lines], "fc_status_open")
    if history:
        # newest entries win the budget; shown oldest first
        recent = list(reversed(_within([_history_line(e) for e in reversed(history[-25:])], 3_500)))
        lines = ["*History*"]
        if len(history) > len(recent):
            lines.append(f"_({len(history) - len(recent)} earlier entries not shown)_")
        blocks += _pack_sections(lines + recent, "fc_status_history")
    else:
        blocks.append(_context("Nobody has ticked anything yet.", block_id="fc_status_history"))

    text = f"Fact-check status: {_progress_line(checklist, statuses)}"
    return SlackMessage(text=_fallback(text), blocks=blocks[:MAX_BLOCKS])


def notice_message(text: str) -> SlackMessage:
    """A notice (errors, limits, answers); the text is escaped and loses bidi and zero-width characters."""
    text = without_invisibles(text)
    shown = escape_truncate(text, MAX_SECTION - 100)
    return SlackMessage(text=escape_truncate(text, MAX_FALLBACK), blocks=[_section(shown, block_id="fc_notice")])
