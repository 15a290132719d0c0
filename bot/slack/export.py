"""``export`` in a checklist thread (or the Export button): the checklist with the desk's record as a
Markdown and a CSV file, uploaded to the thread with ``files_upload_v2`` (needs ``files:write``)."""

from __future__ import annotations

import json
import logging
import re
import time

from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.export import DeskRecord, EarlierVersion, render_csv, render_markdown
from bot.models import Checklist
from bot.slack.outbox import reply
from bot.slack.records import HistoryEntry, ItemStatus, ThreadRecord
from bot.slack.services import Services

log = logging.getLogger(__name__)


def desk_record(services: Services, record: ThreadRecord) -> DeskRecord:
    """Everything the desk did with this thread, earlier versions included (as long as they are kept)."""
    state = services.state
    cid = record.checklist_id
    earlier = [v for n in range(1, record.version) if (v := earlier_version(services, cid, n)) is not None]
    return DeskRecord(
        version=record.version,
        statuses=state.statuses(cid),
        owners=state.owners(cid),
        history=state.history(cid),
        earlier=earlier,
        exported_at=time.time(),
    )


def earlier_version(services: Services, checklist_id: str, version: int) -> EarlierVersion | None:
    raw = services.state.get_version(checklist_id, version)
    if not raw:
        return None
    data = json.loads(raw)
    return EarlierVersion(
        version=version,
        checklist=Checklist.model_validate(data["checklist"]),
        statuses={int(n): ItemStatus.model_validate(s) for n, s in data.get("statuses", {}).items()},
        owners={int(n): u for n, u in data.get("owners", {}).items()},
    )


def file_stem(title: str, version: int) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:50].strip("-") or "checklist"
    return f"factcheck-{slug}-v{version}"


def export_thread(services: Services, record: ThreadRecord, user: str) -> None:
    checklist = services.state.get_checklist(record.checklist_id)
    if checklist is None:
        reply(services, record.channel, record.thread_ts, "This checklist has expired. Start a new check.")
        return
    desk = desk_record(services, record)
    stem = file_stem(checklist.title, record.version)
    try:
        services.client.files_upload_v2(
            file_uploads=[
                {"content": render_markdown(checklist, desk), "filename": f"{stem}.md", "title": f"{stem}.md"},
                {"content": render_csv(checklist, desk), "filename": f"{stem}.csv", "title": f"{stem}.csv"},
            ],
            channel=record.channel,
            thread_ts=record.thread_ts,
            initial_comment="The checklist with its statuses, notes, owners and history (Markdown and CSV).",
        )
    except (SlackApiError, SlackRequestError) as exc:  # an API error, or the upload POST itself refused
        error = exc.response.get("error") if isinstance(exc, SlackApiError) else "upload_failed"
        log.warning("export upload failed: %s", error)
        reply(
            services,
            record.channel,
            record.thread_ts,
            f"I could not upload the export ({error}). The app needs the files:write scope; "
            "the CLI prints the same with `factcheck check --format md`.",
        )
        return
    services.state.add_history(record.checklist_id, HistoryEntry(at=time.time(), user=user, action="exported"))
