"""Thread commands of the desk workflow: ``assign``, ``unassign``, ``waive`` and ``export``."""

from __future__ import annotations

from collections.abc import Callable

from bot.slack.assignments import assign
from bot.slack.commands_text import ThreadCommand
from bot.slack.export import export_thread
from bot.slack.outbox import reply
from bot.slack.records import ThreadRecord
from bot.slack.services import Services
from bot.slack.statuses import apply_status


def _assign(services: Services, record: ThreadRecord, command: ThreadCommand, user: str) -> None:
    owner = user if command.assignee == "me" else command.assignee
    assign(services, record, command.numbers, owner, user)


def _unassign(services: Services, record: ThreadRecord, command: ThreadCommand, user: str) -> None:
    assign(services, record, command.numbers, None, user)


def _waive(services: Services, record: ThreadRecord, command: ThreadCommand, user: str) -> None:
    if not command.note:
        example = command.numbers[0]
        reply(
            services,
            record.channel,
            record.thread_ts,
            f"A waiver needs its reason, e.g. `waive {example} cut from the story`. Nothing was changed.",
        )
        return
    apply_status(services, record, command.numbers, "waive", user, command.note)


def _export(services: Services, record: ThreadRecord, command: ThreadCommand, user: str) -> None:
    export_thread(services, record, user)


DESK_COMMANDS: dict[str, Callable[[Services, ThreadRecord, ThreadCommand, str], None]] = {
    "assign": _assign,
    "unassign": _unassign,
    "waive": _waive,
    "export": _export,
}
