"""The "Fact-check an article" modal that ``/factcheck`` with no text opens: a link field and a text field.

Pure: the view for ``views.open`` and the reading of a ``view_submission`` (exactly one of link or text,
else field errors for ``response_action: errors``). ``private_metadata`` carries the channel the command
came from, where the checklist is posted.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from bot.inputs.load import single_url

CALLBACK_ID = "factcheck_modal"
LINK_BLOCK, LINK_ACTION = "fc_modal_link", "link"
TEXT_BLOCK, TEXT_ACTION = "fc_modal_text", "text"
MAX_TEXT = 3_000  # Slack's cap for one plain-text input
MAX_METADATA = 3_000  # private_metadata
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,20}$")

TEXT_HINT = (
    f"Slack caps this box at {MAX_TEXT:,} characters (about 500 words). For a longer piece, paste its link "
    "above, or post it as a snippet or a .docx/.pdf file and use the “Fact-check this message” shortcut "
    "or the reaction on it."
)


def check_modal(channel: str, user: str) -> dict[str, Any]:
    """The view for ``views.open``; the checklist goes to ``channel`` (kept in ``private_metadata``)."""
    metadata = json.dumps({"channel": channel, "user": user})
    if len(metadata) > MAX_METADATA:  # ids are short; anything else is not a Slack id
        raise ValueError("channel or user id too long for private_metadata")
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "private_metadata": metadata,
        "title": {"type": "plain_text", "text": "Fact-check an article"},
        "submit": {"type": "plain_text", "text": "Check"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {
                "type": "section",
                "block_id": "fc_modal_intro",
                "text": {
                    "type": "mrkdwn",
                    "text": "Give a link to the article *or* paste its text. The checklist appears in a "
                    "thread in the channel where you typed the command.",
                },
            },
            {
                "type": "input",
                "block_id": LINK_BLOCK,
                "optional": True,
                "label": {"type": "plain_text", "text": "Link to the article"},
                "element": {
                    "type": "url_text_input",
                    "action_id": LINK_ACTION,
                    "placeholder": {"type": "plain_text", "text": "https://…"},
                },
                "hint": {"type": "plain_text", "text": "A public page, a CMS preview link or a PDF."},
            },
            {
                "type": "input",
                "block_id": TEXT_BLOCK,
                "optional": True,
                "label": {"type": "plain_text", "text": "Or the article's text"},
                "element": {
                    "type": "plain_text_input",
                    "action_id": TEXT_ACTION,
                    "multiline": True,
                    "max_length": MAX_TEXT,
                },
                "hint": {"type": "plain_text", "text": TEXT_HINT},
            },
        ],
    }


@dataclass
class Submission:
    """A submitted modal: ``url`` or ``text`` (exactly one), or ``errors`` by block id for Slack to show."""

    channel: str = ""
    url: str | None = None
    text: str = ""
    errors: dict[str, str] = field(default_factory=dict)


def _value(values: dict[str, Any], block: str, action: str) -> str:
    state = (values.get(block) or {}).get(action) or {}
    return str(state.get("value") or "")


def read_submission(view: dict[str, Any]) -> Submission:
    try:
        metadata = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        metadata = {}
    channel = str(metadata.get("channel") or "") if isinstance(metadata, dict) else ""
    values = (view.get("state") or {}).get("values") or {}
    link = _value(values, LINK_BLOCK, LINK_ACTION).strip()
    text = _value(values, TEXT_BLOCK, TEXT_ACTION)
    submission = Submission(channel=channel)
    if link and text.strip():
        message = "Give either a link or the text, not both."
        submission.errors = {LINK_BLOCK: message, TEXT_BLOCK: message}
    elif not link and not text.strip():
        submission.errors = {TEXT_BLOCK: "Paste the article's text here, or give a link above."}
    elif link:
        url = single_url(link)
        if url is None:
            submission.errors = {LINK_BLOCK: "That is not an http(s) link. Paste the article's address."}
        else:
            submission.url = url
    else:
        submission.text = text  # modal inputs arrive as typed: no Slack markup, no entities to decode
    if not channel and not submission.errors:
        submission.errors = {TEXT_BLOCK: "I lost track of the channel; close this and type /factcheck again."}
    return submission


def queued_view(channel: str) -> dict[str, Any]:
    """What the modal turns into once the check is queued (``response_action: update``)."""
    where = f"<#{channel}>" if _CHANNEL_ID.match(channel) else "the channel"
    return {
        "type": "modal",
        "callback_id": f"{CALLBACK_ID}_queued",
        "title": {"type": "plain_text", "text": "Fact-check an article"},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": [
            {
                "type": "section",
                "block_id": "fc_modal_queued",
                "text": {
                    "type": "mrkdwn",
                    "text": f":hourglass_flowing_sand: Checking… the checklist will appear in a thread in {where}.",
                },
            }
        ],
    }
