"""The export renderers (pure, shared by the CLI and Slack's `export`) and `factcheck check --format`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from bot.export import CSV_COLUMNS, DeskRecord, EarlierVersion, render_csv, render_markdown
from bot.slack.records import HistoryEntry, ItemStatus
from tests.conftest import EXAMPLES
from tests.slack.test_blocks import _checklist, _claim
from tests.test_cli import run

AT = 1_764_748_800.0  # 2025-12-03 08:00 UTC


def _desk() -> DeskRecord:
    return DeskRecord(
        version=2,
        statuses={
            1: ItemStatus(status="verified", by="U0ALICE", at=AT, note="Called the ministry | press office"),
            2: ItemStatus(status="waived", by="U0BOB", at=AT + 60, note="Cut from the story"),
        },
        owners={2: "U0BOB", 3: "U0CAROL"},
        history=[
            HistoryEntry(at=AT, user="U0ALICE", action="verified", numbers=[1], note="Called the ministry"),
            HistoryEntry(at=AT + 30, user="U0ALICE", action="assigned", numbers=[2, 3], owner="U0BOB"),
        ],
        earlier=[EarlierVersion(1, _checklist([_claim(1, "Old quote")]), {1: ItemStatus(status="flagged", by="U0X")})],
        exported_at=AT + 120,
    )


def test_markdown_carries_the_desk_record() -> None:
    checklist = _checklist(
        [_claim(1), _claim(2), _claim(3, '=HYPERLINK("http://evil") <script>*bold*', priority="low")]
    )
    md = render_markdown(checklist, _desk())
    assert md.startswith("# Fact-check checklist: Budget row deepens\n")
    assert "Version 2 · 2 of 3 settled · ready to publish" in md
    assert "## 1. Claim · disputed figure · high priority · verified" in md
    assert "- Status: verified by @U0ALICE, 2025-12-03 08:00 UTC: Called the ministry \\| press office" in md
    assert "- Owner: @U0CAROL" in md
    assert "&lt;script&gt;" in md and "<script>" not in md and "\\*bold\\*" in md
    assert "| 2025-12-03 08:00 UTC | @U0ALICE | verified | 1 | Called the ministry |" in md
    assert "| assigned to @U0BOB | 2, 3 |" in md
    assert "## Version 1 (replaced by a recheck)" in md and "“Old quote”: flagged by @U0X" in md


def test_csv_is_a_spreadsheet_safe_table() -> None:
    checklist = _checklist([_claim(1), _claim(2), _claim(3, '=HYPERLINK("http://evil")\nsecond line')])
    rows = list(csv.DictReader(io.StringIO(render_csv(checklist, _desk()))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [(r["version"], r["number"], r["status"]) for r in rows] == [
        ("2", "1", "verified"),
        ("2", "2", "waived"),
        ("2", "3", "open"),
        ("1", "1", "flagged"),
    ]
    assert rows[0]["status_by"] == "U0ALICE" and rows[0]["status_at_utc"] == "2025-12-03 08:00 UTC"
    assert rows[1]["note"] == "Cut from the story" and rows[2]["owner"] == "U0CAROL"
    assert rows[2]["quote"] == '\'=HYPERLINK("http://evil")\nsecond line'  # a formula is defused, the text kept
    assert rows[1]["owner"] == "U0BOB"


def test_without_a_desk_record_everything_is_open() -> None:
    checklist = _checklist([_claim(1)])
    assert "0 of 1 settled · 1 high-priority open" in render_markdown(checklist)
    [row] = list(csv.DictReader(io.StringIO(render_csv(checklist))))
    assert row["status"] == "open" and row["owner"] == "" and row["version"] == "1"


def test_cli_formats(tmp_path: Path) -> None:
    path = str(EXAMPLES / "council-budget.txt")
    as_json = run(["check", path, "--format", "json"], tmp_path)
    alias = run(["check", path, "--json"], tmp_path)
    assert as_json.returncode == 0 and alias.returncode == 0
    one, other = json.loads(as_json.stdout), json.loads(alias.stdout)
    assert one.pop("stats").keys() == other.pop("stats").keys() and one == other  # stats: timings, cache hits
    md = run(["check", path, "--format", "md"], tmp_path)
    assert md.returncode == 0 and md.stdout.decode().startswith("# Fact-check checklist: ")
    table = run(["check", path, "--format", "csv"], tmp_path)
    rows = list(csv.DictReader(io.StringIO(table.stdout.decode())))
    assert rows and len(rows) == len(json.loads(alias.stdout)["items"])
    text = run(["check", path, "--format", "text"], tmp_path)
    assert text.stdout.decode().startswith("Fact-check checklist: ")
    both = run(["check", path, "--json", "--format", "csv"], tmp_path)
    assert both.returncode == 2 and b"--json and --format" in both.stderr
