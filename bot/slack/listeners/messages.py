"""Replies in a checklist thread: commands ("verified 2", "status", "recheck ...") and @-questions."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext

from bot.jobs.model import Job
from bot.slack.blocks import help_message, status_message
from bot.slack.commands_text import ThreadCommand, parse_thread_command
from bot.slack.gates import admit
from bot.slack.listeners import ack_at_once
from bot.slack.listeners.thread_desk import DESK_COMMANDS
from bot.slack.mrkdwn import decode_incoming
from bot.slack.outbox import post, reply
from bot.slack.records import ThreadRecord
from bot.slack.services import Services
from bot.slack.statuses import apply_status

log = logging.getLogger(__name__)

# Human replies only: our own chat.update calls come back as message_changed, deletions as message_deleted.
USER_SUBTYPES = {None, "thread_broadcast", "file_share"}
_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")


def register(app: App, services: Services) -> None:
    app.event("message")(ack=ack_at_once, lazy=[lambda event, context: handle_message(services, event, context)])
    app.event("app_mention")(ack=ack_at_once, lazy=[lambda event, context: handle_mention(services, event, context)])


def _thread_record(services: Services, event: dict[str, Any], context: BoltContext) -> ThreadRecord | None:
    if event.get("subtype") not in USER_SUBTYPES or event.get("bot_id"):
        return None
    user = event.get("user")
    if not user or user == context.bot_user_id:
        return None
    thread_ts = event.get("thread_ts")
    if not thread_ts or thread_ts == event.get("ts") or not event.get("channel"):
        return None
    return services.state.record_for_thread(event["channel"], thread_ts)


def handle_message(services: Services, event: dict[str, Any], context: BoltContext) -> None:
    record = _thread_record(services, event, context)
    if record is None:
        return
    command = parse_thread_command(event.get("text") or "")
    if command is not None:  # anything else is conversation between editors: stay quiet
        run_command(services, record, command, event["user"], event.get("ts") or "")


def run_command(services: Services, record: ThreadRecord, command: ThreadCommand, user: str, ts: str) -> None:
    state = services.state
    if command.action == "help":
        post(services, record.channel, help_message(services.settings.trigger_emoji), record.thread_ts)
        return
    checklist = state.get_checklist(record.checklist_id)
    if checklist is None:
        reply(services, record.channel, record.thread_ts, "This checklist has expired. Start a new check.")
        return
    if command.action == "status":
        message = status_message(checklist, state.statuses(record.checklist_id), state.history(record.checklist_id))
        post(services, record.channel, message, record.thread_ts)
        return
    if command.action == "recheck":
        job = Job(
            kind="recheck",
            job_id=f"recheck-{record.channel}-{ts}",
            channel=record.channel,
            user=user,
            text=command.revised_text,  # empty: the stored article again
            trigger="recheck",
            thread_ts=record.thread_ts,
            checklist_id=record.checklist_id,
        )
        busy = "Too many checks are running. Try again in a minute."
        admit(services, job, tell=_replier(services, record), busy=busy)
        return
    total = len(checklist.items)
    wrong = [n for n in command.numbers if not 1 <= n <= total]
    if wrong:
        names = ", ".join(str(n) for n in wrong)
        exists = "this checklist has no items" if not total else f"this checklist has items 1–{total}"
        reply(services, record.channel, record.thread_ts, f"No item {names}: {exists}. Nothing was changed.")
        return
    if command.action in DESK_COMMANDS:
        DESK_COMMANDS[command.action](services, record, command, user)
        return
    apply_status(services, record, command.numbers, command.action, user, command.note or None)


def handle_mention(services: Services, event: dict[str, Any], context: BoltContext) -> None:
    """A question to the bot in a checklist thread. Commands with a mention are handled as messages."""
    if event.get("bot_id") or not event.get("user") or not event.get("channel"):
        return
    thread_ts = event.get("thread_ts")
    text = event.get("text") or ""
    record = services.state.record_for_thread(event["channel"], thread_ts) if thread_ts else None
    if record is None:
        # Outside a checklist thread there is nothing to ask about: say how to start one.
        post(services, event["channel"], help_message(services.settings.trigger_emoji), thread_ts or event.get("ts"))
        return
    if parse_thread_command(text) is not None:
        return  # the message event carries the same text and runs the command
    question = decode_incoming(_MENTION.sub("", text)).strip()
    if not question:
        return
    job = Job(
        kind="answer",
        job_id=f"answer-{event['channel']}-{event.get('ts')}",
        channel=record.channel,
        user=event["user"],
        text=question,
        thread_ts=record.thread_ts,
        checklist_id=record.checklist_id,
    )
    admit(services, job, tell=_replier(services, record), busy="Too busy to answer right now. Ask again in a minute.")


def _replier(services: Services, record: ThreadRecord) -> Callable[[str], None]:
    return lambda text: reply(services, record.channel, record.thread_ts, text)
