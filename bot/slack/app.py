"""The Bolt app, thin: the shared Web API client, the event dedup gate, and the listeners by kind."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_bolt.middleware import Middleware

from bot.slack.gates import Dedup
from bot.slack.listeners import actions, commands, desk, home, messages, reactions, settings_modal
from bot.slack.listeners import modal as modal_listener
from bot.slack.listeners import shortcuts as shortcut_listener
from bot.slack.services import Services

# Lazy listeners (events, clicks) run here and may call the Web API (a status update edits the
# checklist inline); Bolt's default pool of 5 would make the sixth concurrent click wait behind five.
LISTENER_WORKERS = 32


class _DropClientOverToken(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN itself and then warns that the client we pass wins over it. The
    client carries that same token (and our base URL and retries), so the warning only alarms operators."""

    message = warning_client_prioritized_and_token_skipped()

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != self.message


logging.getLogger("slack_bolt.App").addFilter(_DropClientOverToken())  # the logger Bolt's App warns on


def build_app(services: Services) -> App:
    settings = services.settings
    executor = ThreadPoolExecutor(max_workers=LISTENER_WORKERS, thread_name_prefix="fc-listener")
    services.listener_executor = executor
    app = App(
        # The token travels in the client; Bolt's auth.test uses it too.
        client=services.client,
        signing_secret=settings.slack_signing_secret,
        listener_executor=executor,
        # Acks leave as soon as the ack listener returns, from the request's own thread. Bolt's default
        # hands every listener to the pool and polls for ack() every 10 ms, which adds to each ack under
        # load. So ack listeners only touch Redis (slash commands: limits, dedup, enqueue); anything that
        # calls the Web API runs lazily on the pool after the ack (``listeners.ack_at_once``).
        process_before_response=True,
    )
    app.middleware(EventDedup(services))
    for module in (commands, reactions, messages, actions, desk, home, settings_modal):
        module.register(app, services)
    shortcut_listener.register(app, services)  # "Fact-check this message"
    modal_listener.register(app, services)  # the /factcheck modal's submission
    return app


class EventDedup(Middleware):
    """Drop second deliveries of an event (Slack retries after 3 s even while the first still runs).

    A ``Middleware`` subclass rather than a function: Bolt calls a function middleware through its
    keyword-argument injection, which on every request (slash commands too) costs about as much as
    this check itself."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        body = req.body
        event_id = body.get("event_id")
        if body.get("type") == "event_callback" and event_id and not Dedup(self.services.redis).event(event_id).enter():
            return BoltResponse(status=200, body="")
        return next()
