"""Block Kit for the desk workflow: item modals, the assignee's note, the recheck summary, App Home and
the channel settings modal. Pure functions returning dicts, like ``blocks.py``; every text that did not
come from these templates is escaped, and every view stays under Slack's 100 blocks.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.models import Checklist
from bot.slack.blocks import SlackMessage, _context, _fallback, _section
from bot.slack.mrkdwn import mention, neutral_truncate
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
    shown = _context(f"*Item {number}:* “{neutral_truncate(' '.join(quote.split()), 400)}”", block_id="fc_item_quote")
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
    head = f"{mention(by)} assigned you {items} of the fact-check of *{neutral_truncate(title or 'untitled', 300)}*."
    pairs = zip(numbers[:10], quotes, strict=False)
    lines = [f"• {n}: “{neutral_truncate(' '.join(q.split()), 150)}”" for n, q in pairs]
    if len(numbers) > 10:
        lines.append(f"…and {len(numbers) - 10} more")
    blocks = [_section(head, block_id="fc_assigned")]
    if lines:
        blocks.append(_section("\n".join(lines), block_id="fc_assigned_items"))
    blocks.append(_section(f"<{link}|Open the checklist thread>", block_id="fc_assigned_link"))
    text = f"You were assigned {items} of the fact-check of {neutral_truncate(title or 'untitled', 300)}"
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
                lines.append(f"• was {n}: “{neutral_truncate(' '.join(item.quote.split()), 120)}”")
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


# --- App Home -------------------------------------------------------------------------------------

HOME_STORIES = 15  # per list
HOME_ITEMS = 25
_PRIORITY_ICON = {"high": ":red_circle:", "medium": ":large_orange_circle:", "low": ":white_circle:"}


@dataclass(frozen=True)
class HomeStory:
    title: str
    channel: str
    link: str
    progress: str  # bot.desk's line: "3 of 9 settled · 1 high-priority open"
    ready: bool
    at: float | None = None


@dataclass(frozen=True)
class HomeItem:
    story: str
    link: str
    number: int
    priority: str
    quote: str
    status: str


def _story_line(story: HomeStory) -> str:
    mark = ":white_check_mark:" if story.ready else ":hourglass_flowing_sand:"
    title = neutral_truncate(story.title or "untitled", 150)
    return f"{mark} <{story.link}|{title}> in <#{story.channel}> · {neutral_truncate(story.progress, 200)}"


def _item_line(item: HomeItem) -> str:
    icon = _PRIORITY_ICON.get(item.priority, "")
    quote = neutral_truncate(" ".join(item.quote.split()), 110)
    story = neutral_truncate(item.story or "untitled", 80)
    return f"{icon} <{item.link}|{story}, item {item.number}> ({item.status}): “{quote}”"


def _list_blocks(title: str, lines: list[str], empty: str, prefix: str, more: int) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [{"type": "divider"}, _section(f"*{title}*", block_id=f"{prefix}_title")]
    if not lines:
        return [*blocks, _context(empty, block_id=f"{prefix}_empty")]
    chunk: list[str] = []
    for line in lines:  # several lines per section: a long list costs few blocks
        if chunk and len("\n".join([*chunk, line])) > 2_800:
            blocks.append(_section("\n".join(chunk), block_id=f"{prefix}_{len(blocks)}"))
            chunk = []
        chunk.append(line)
    blocks.append(_section("\n".join(chunk), block_id=f"{prefix}_{len(blocks)}"))
    if more:
        blocks.append(_context(f"…and {more} more", block_id=f"{prefix}_more"))
    return blocks


def home_view(mine: list[HomeStory], assigned: list[HomeItem], channel_open: list[HomeStory]) -> dict[str, Any]:
    """App Home: open items assigned to the user (high priority first), the user's checklists, and the open
    stories of the channels they work in. Lists are capped, so the view stays far under 100 blocks."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": _plain("Your fact-checks", 150)},
        _context(
            "Start one with `/factcheck` and the article, or react with :mag: to a message. "
            "In a checklist thread, `help` lists the commands.",
            block_id="fc_home_intro",
        ),
    ]
    blocks += _list_blocks(
        "Assigned to you, still open",
        [_item_line(i) for i in assigned[:HOME_ITEMS]],
        "Nothing assigned to you is open.",
        "fc_home_assigned",
        max(0, len(assigned) - HOME_ITEMS),
    )
    blocks += _list_blocks(
        "Checklists you started",
        [_story_line(s) for s in mine[:HOME_STORIES]],
        "You have not started a checklist yet (or they have expired).",
        "fc_home_mine",
        max(0, len(mine) - HOME_STORIES),
    )
    blocks += _list_blocks(
        "Open stories in your channels",
        [_story_line(s) for s in channel_open[:HOME_STORIES]],
        "No open stories in the channels you work in.",
        "fc_home_channels",
        max(0, len(channel_open) - HOME_STORIES),
    )
    return {"type": "home", "callback_id": "fc_home", "blocks": blocks[:MAX_VIEW_BLOCKS]}


# --- channel settings -----------------------------------------------------------------------------

PRIORITY_CHOICES = (("low", "Every item"), ("medium", "Medium and high priority"), ("high", "High priority only"))
SETTINGS_FIELDS = {  # block_id -> action_id
    "fc_set_priority": "min_priority",
    "fc_set_emoji": "ready_emoji",
    "fc_set_language": "language",
}


def _option(value: str, text: str) -> dict[str, Any]:
    return {"text": _plain(text), "value": value}


def settings_modal(channel: str, min_priority: str, ready_emoji: str, language: str) -> dict[str, Any]:
    """``/factcheck settings``: what this channel's checklists show, the ready reaction, the notes' language."""
    options = [_option(v, t) for v, t in PRIORITY_CHOICES]
    initial = next((o for o in options if o["value"] == min_priority), options[0])
    blocks = [
        _context(f"Settings for <#{channel}>. The bot's environment gives the defaults.", block_id="fc_set_intro"),
        {
            "type": "input",
            "block_id": "fc_set_priority",
            "label": _plain("Items shown in the thread"),
            "hint": _plain("Hidden items still count in `export`. The publish gate counts the items shown.", 150),
            "element": {
                "type": "static_select",
                "action_id": "min_priority",
                "options": options,
                "initial_option": initial,
            },
        },
        {
            "type": "input",
            "block_id": "fc_set_emoji",
            "label": _plain("Reaction when a story is ready"),
            "hint": _plain("An emoji name, such as white_check_mark or rocket.", 150),
            "element": {
                "type": "plain_text_input",
                "action_id": "ready_emoji",
                "initial_value": ready_emoji,
                "max_length": 100,
            },
        },
        {
            "type": "input",
            "block_id": "fc_set_language",
            "optional": True,
            "label": _plain("Language for the bot's notes"),
            "hint": _plain(
                "Such as English or Français. Empty: the article's language. The offline analyzer writes English only.",
                150,
            ),
            "element": {
                "type": "plain_text_input",
                "action_id": "language",
                "max_length": 40,
                "initial_value": language,
            }
            if language
            else {"type": "plain_text_input", "action_id": "language", "max_length": 40},
        },
    ]
    return _modal(SETTINGS_MODAL, "Fact-check settings", blocks, {"channel": channel})


def settings_submitted(view: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """The channel and the values of a submitted settings modal."""
    values = (view.get("state") or {}).get("values") or {}
    chosen: dict[str, str] = {}
    for block_id, action_id in SETTINGS_FIELDS.items():
        field = (values.get(block_id) or {}).get(action_id) or {}
        value = (field.get("selected_option") or {}).get("value") if "selected_option" in field else field.get("value")
        chosen[action_id] = (value or "").strip()
    try:
        channel = str(json.loads(view.get("private_metadata") or "{}").get("channel") or "")
    except ValueError:
        channel = ""
    return channel, chosen
