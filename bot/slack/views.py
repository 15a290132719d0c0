"""Block Kit for the desk workflow: item modals, the assignee's note, the recheck summary, App Home and
the channel settings modal. Pure functions returning dicts, like ``blocks.py``; every text that did not
come from these templates is escaped, and every view stays under Slack's 100 blocks.
"""

from __future__ import annotations

import json
from typing import Any

from bot.models import Checklist
from bot.slack.blocks import SlackMessage, _context, _fallback, _section
from bot.slack.mrkdwn import escape_truncate, mention
from bot.slack.records import ItemStatus

MAX_VIEW_BLOCKS = 100  # modals and App Home
MAX_TITLE = 24  # a modal's title
MAX_METADATA = 3_000  # private_metadata
MAX_NOTE = 1_000  # a note typed in a modal

ITEM_MODAL = "fc_item_modal"  # callback_id of the note / waive / assign modal
SETTINGS_MODAL = "fc_settings_modal"
NOTE_BLOCK, NOTE_ACTION = "fc_note", "note"
USER_BLOCK, USER_ACTION = "fc_owner", "user"

_TITLES = {"verified": "Verified, with a note", "flag": "Flag, with a note", "waive": "Waive, with a note"}
_NOTE_HINTS = {
    "verified": "How it was verified: who confirmed it, which document.",
    "flag": "What is wrong, and what the story should say instead.",
    "waive": "Why this item need not be checked (cut from the story, attributed, common knowledge…). Required.",
}


def _plain(text: str, limit: int = 75) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:limit], "emoji": True}


def _modal(callback_id: str, title: str, blocks: list[dict[str, Any]], metadata: dict[str, Any]) -> dict[str, Any]:
    meta = json.dumps(metadata, separators=(",", ":"))
    if len(meta) > MAX_METADATA:
        raise ValueError("private_metadata too long")
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": _plain(title, MAX_TITLE),
        "submit": _plain("Save"),
        "close": _plain("Cancel"),
        "private_metadata": meta,
        "blocks": blocks[:MAX_VIEW_BLOCKS],
    }


def item_modal(op: str, checklist_id: str, version: int, number: int, quote: str, owner: str | None = None) -> dict:
    """The modal behind an item's overflow: ``note:verified`` / ``note:flag`` / ``note:waive`` / ``assign``."""
    metadata = {"op": op, "cid": checklist_id, "v": version, "n": number}
    shown = _context(f"*Item {number}:* “{escape_truncate(' '.join(quote.split()), 400)}”", block_id="fc_item_quote")
    if op == "assign":
        select: dict[str, Any] = {"type": "users_select", "action_id": USER_ACTION, "placeholder": _plain("Someone")}
        if owner:
            select["initial_user"] = owner
        field = {
            "type": "input",
            "block_id": USER_BLOCK,
            "optional": True,
            "label": _plain("Who checks this item"),
            "hint": _plain("They get a direct message with a link to the thread. Leave empty to unassign.", 150),
            "element": select,
        }
        return _modal(ITEM_MODAL, f"Assign item {number}", [shown, field], metadata)
    action = op.removeprefix("note:")
    field = {
        "type": "input",
        "block_id": NOTE_BLOCK,
        "optional": action != "waive",  # a waiver is only a waiver with its reason
        "label": _plain("Note"),
        "hint": _plain(_NOTE_HINTS.get(action, ""), 150),
        "element": {"type": "plain_text_input", "action_id": NOTE_ACTION, "multiline": True, "max_length": MAX_NOTE},
    }
    return _modal(ITEM_MODAL, _TITLES.get(action, "Note"), [shown, field], metadata)


def submitted(view: dict[str, Any]) -> tuple[dict[str, Any], str, str | None]:
    """A submitted item modal: its metadata, the note typed ("" when none) and the user picked."""
    values = (view.get("state") or {}).get("values") or {}
    note = ((values.get(NOTE_BLOCK) or {}).get(NOTE_ACTION) or {}).get("value") or ""
    user = ((values.get(USER_BLOCK) or {}).get(USER_ACTION) or {}).get("selected_user")
    try:
        metadata = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        metadata = {}
    return metadata, note.strip(), user


def assigned_message(title: str, numbers: list[int], quotes: list[str], by: str, link: str) -> SlackMessage:
    """The direct message an assignee gets once: which items, in which story, and the way to the thread."""
    items = "items " if len(numbers) > 1 else "item "
    items += ", ".join(str(n) for n in numbers)
    head = f"{mention(by)} assigned you {items} of the fact-check of *{escape_truncate(title or 'untitled', 300)}*."
    pairs = zip(numbers[:10], quotes, strict=False)
    lines = [f"• {n}: “{escape_truncate(' '.join(q.split()), 150)}”" for n, q in pairs]
    if len(numbers) > 10:
        lines.append(f"…and {len(numbers) - 10} more")
    blocks = [_section(head, block_id="fc_assigned")]
    if lines:
        blocks.append(_section("\n".join(lines), block_id="fc_assigned_items"))
    blocks.append(_section(f"<{link}|Open the checklist thread>", block_id="fc_assigned_link"))
    text = f"You were assigned {items} of the fact-check of {escape_truncate(title or 'untitled', 300)}"
    return SlackMessage(text=_fallback(text), blocks=blocks)


def ready_notice(ready: bool, emoji: str) -> str:
    """One line for the thread when the publish gate opens or closes again (plain: notice_message escapes)."""
    if ready:
        return f"Ready to publish: every high-priority item is verified or waived (:{emoji}: on the story)."
    return "Not ready any more: a high-priority item was reopened or flagged."


def recheck_summary(
    old: Checklist, new: Checklist, version: int, added: list[int], gone: list[int], carried: dict[int, ItemStatus]
) -> SlackMessage:
    """What a recheck changed: new items, items gone (quoted from the old version), statuses carried over."""
    head = f"*Rechecked: version {version}* · {len(new.items)} items (version {version - 1} had {len(old.items)})"
    lines = [head]
    lines.append(f":new: {len(added)} new: {_numbers(added)}" if added else "No new items.")
    if gone:
        lines.append(f":wastebasket: {len(gone)} gone (their quote is no longer in the text):")
        for n in gone[:8]:
            item = old.item(n)
            if item is not None:
                lines.append(f"• was {n}: “{escape_truncate(' '.join(item.quote.split()), 120)}”")
        if len(gone) > 8:
            lines.append(f"…and {len(gone) - 8} more")
    else:
        lines.append("No items gone.")
    if carried:
        moved = ", ".join(f"{n} {carried[n].status}" for n in sorted(carried)[:20])
        lines.append(f":arrow_right_hook: {len(carried)} kept their status (same quote): {moved}")
    else:
        lines.append("No statuses carried over.")
    lines.append(f"Version {version - 1} and its history stay in `export`.")
    text = f"Rechecked: version {version}, {len(added)} new, {len(gone)} gone, {len(carried)} statuses carried over"
    return SlackMessage(text=_fallback(text), blocks=[_section("\n".join(lines)[:2900], block_id="fc_recheck")])


def _numbers(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:30])
    return shown + (f" and {len(numbers) - 30} more" if len(numbers) > 30 else "")
