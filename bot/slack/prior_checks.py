"""Block Kit for prior fact-checks (ClaimReview): the block under a claim that lists published verdicts,
and the checklist's one-line note while they are looked up or when they could not be fetched.

Pure functions, no I/O. Every third-party string (publisher, rating, the claim as the fact-checker
worded it) goes through ``bot.slack.mrkdwn.neutral_truncate``: one inert line (no mrkdwn markers, emoji
codes, bidi or zero-width tricks), escaped, cut; a link is only made of a clean ``http(s)`` URL.
Sizes stay within a context element (2,000 chars) whatever the API returned.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from bot.models import ClaimItem, PriorCheck
from bot.slack.mrkdwn import escape, neutral_truncate

STATUS_PENDING = "pending"  # set by the Slack check job between posting the checklist and the update

MAX_ELEMENT = 2_000  # a context element's text
# Field caps: three checks at their longest (~620 chars each) fit in one context element.
MAX_PUBLISHER = 80
MAX_RATING = 80
MAX_CLAIM_TEXT = 120
MAX_LINK = 300  # a longer (escaped) URL is not linked: the publisher is shown without it
MAX_REASON = 300
HEADER = ":mag_right: *Already fact-checked:*"

_SAFE_URL = re.compile(r"https?://[^\s<>|\"`]{1,1000}")  # nothing that could break out of <url|label>


def review_date(value: str | None) -> str:
    """ "2024-08-12T00:00:00Z" -> "12 Aug 2024"; anything unparsable is shown as given (escaped, short)."""
    if not value:
        return ""
    try:
        return datetime.strptime(value[:10], "%Y-%m-%d").strftime("%d %b %Y")
    except ValueError:
        return neutral_truncate(value, 30)


def prior_check_line(check: PriorCheck) -> str:
    """ "• <url|PolitiFact>, 12 Aug 2024: “False”", and the checked claim on a second line."""
    publisher = neutral_truncate(check.publisher, MAX_PUBLISHER) or "A fact-checker"
    url = escape(check.url or "")
    if _SAFE_URL.fullmatch(check.url or "") and len(url) <= MAX_LINK:
        publisher = f"<{url}|{publisher}>"
    date = review_date(check.review_date)
    rating = neutral_truncate(check.rating, MAX_RATING) or "no rating given"
    line = f"• {publisher}{', ' + date if date else ''}: “{rating}”"
    claim_text = neutral_truncate(check.claim_text, MAX_CLAIM_TEXT)
    if claim_text:
        line += f"\n      checked: “{claim_text}”"
    return line


def prior_checks_block(item: ClaimItem) -> dict[str, Any] | None:
    """A context block listing ``item``'s prior fact-checks, or None when it has none."""
    if not item.prior_checks:
        return None
    text = HEADER
    for check in item.prior_checks:
        line = prior_check_line(check)
        if len(text) + 1 + len(line) > MAX_ELEMENT:
            break  # three checks of capped fields always fit; this guards the limit regardless
        text += "\n" + line
    return {
        "type": "context",
        "block_id": f"fc_prior:{item.number}",
        "elements": [{"type": "mrkdwn", "text": text}],
    }


def prior_note_block(status: str) -> dict[str, Any] | None:
    """The checklist's note about the step: looking, or could not be fetched (why); None otherwise."""
    if status == STATUS_PENDING:
        text = ":hourglass_flowing_sand: Looking for published fact-checks of these claims…"
    elif status.startswith("failed"):
        reason = neutral_truncate(status.removeprefix("failed").lstrip(": "), MAX_REASON)
        text = ":warning: Prior fact-checks could not be fetched" + (f" ({reason})." if reason else ".")
    else:
        return None
    return {"type": "context", "block_id": "fc_prior_note", "elements": [{"type": "mrkdwn", "text": text}]}
