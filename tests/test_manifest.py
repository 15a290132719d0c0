"""The Slack app manifest: parsed with a tiny YAML-subset reader (no pyyaml dependency)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

MANIFEST = Path(__file__).resolve().parents[1] / "manifest.yaml"


def _scalar(raw: str) -> Any:
    value = raw.split(" #", 1)[0].strip() if not raw.lstrip().startswith('"') else raw.strip()
    if value.startswith('"') and value.endswith('"'):
        return value[1:-1]
    return {"true": True, "false": False}.get(value, int(value) if value.isdigit() else value)


def parse_yaml_subset(text: str) -> Any:
    """Block mappings, lists of scalars and lists of mappings; comments. Enough for a manifest."""
    lines = [
        (len(line) - len(line.lstrip()), line.strip())
        for line in text.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]

    def block(i: int, indent: int) -> tuple[Any, int]:
        if lines[i][1].startswith("- "):
            items: list[Any] = []
            while i < len(lines) and lines[i][0] == indent and lines[i][1].startswith("- "):
                rest = lines[i][1][2:]
                if re.match(r"^[\w.-]+:(\s|$)", rest):
                    # a mapping inside a list item: re-read it as if the "- " were indentation
                    lines[i] = (indent + 2, rest)
                    value, i = block(i, indent + 2)
                else:
                    value, i = _scalar(rest), i + 1
                items.append(value)
            return items, i
        mapping: dict[str, Any] = {}
        while i < len(lines) and lines[i][0] == indent and not lines[i][1].startswith("- "):
            key, _, rest = lines[i][1].partition(": ") if ": " in lines[i][1] else lines[i][1].partition(":")
            if rest.strip() and not rest.strip().startswith("#"):
                mapping[key] = _scalar(rest)
                i += 1
            else:
                child_indent = lines[i + 1][0]
                assert child_indent > indent or lines[i + 1][1].startswith("- "), f"empty value for {key}"
                mapping[key], i = block(i + 1, child_indent)
        return mapping, i

    result, end = block(0, 0)
    assert end == len(lines), f"unparsed line: {lines[end]}"
    return result


def test_manifest_fields() -> None:
    manifest = parse_yaml_subset(MANIFEST.read_text(encoding="utf-8"))
    assert manifest["_metadata"]["major_version"] == 1
    assert manifest["display_information"]["name"] == "factcheck"
    features = manifest["features"]
    assert features["bot_user"]["display_name"] == "factcheck"
    [command] = features["slash_commands"]
    assert command["command"] == "/factcheck"
    assert command["url"] == "https://YOUR-HOST/slack/events"
    assert command["description"] and command["usage_hint"]
    assert command["should_escape"] is False
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == {
        "commands",
        "chat:write",
        "reactions:read",
        "channels:history",
        "groups:history",
        "app_mentions:read",
        "files:read",
        "files:write",
        "reactions:write",
        "im:write",
    }
    assert features["app_home"] == {
        "home_tab_enabled": True,
        "messages_tab_enabled": True,
        "messages_tab_read_only_enabled": True,
    }
    [shortcut] = features["shortcuts"]
    assert shortcut == {
        "name": "Fact-check this message",
        "type": "message",
        "callback_id": "factcheck_message",
        "description": shortcut["description"],
    }
    assert len(shortcut["name"]) <= 24 and 0 < len(shortcut["description"]) <= 150  # Slack's limits
    settings = manifest["settings"]
    events = settings["event_subscriptions"]
    assert events["request_url"] == "https://YOUR-HOST/slack/events"
    assert set(events["bot_events"]) == {
        "reaction_added",
        "message.channels",
        "message.groups",
        "app_mention",
        "app_home_opened",
    }
    assert settings["interactivity"] == {"is_enabled": True, "request_url": "https://YOUR-HOST/slack/events"}
    assert settings["socket_mode_enabled"] is False


def test_manifest_explains_its_choices() -> None:
    text = MANIFEST.read_text(encoding="utf-8")
    assert "chat:write.public" in text  # the comment on why it is left out
    assert "Socket Mode" in text
    assert "\t" not in text  # YAML forbids tabs for indentation


def test_yaml_subset_reader() -> None:
    doc = 'a:\n  b: 1\n  c:\n    - x # note\n    - y\n  d:\n    - k: v\n      m: true\ne: "q: r"\n'
    assert parse_yaml_subset(doc) == {"a": {"b": 1, "c": ["x", "y"], "d": [{"k": "v", "m": True}]}, "e": "q: r"}
