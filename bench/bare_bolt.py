"""The baseline for ack latency: a bare Bolt app whose one ``/factcheck`` handler only acks.

It runs on the same HTTP server as ``factcheck serve`` (waitress through ``bot.slack.httpd``, the
same limits and threads) and with the same Bolt settings (signature checks, ``process_before_response``),
so the ratio of factcheck's ack p99 to this one's is what factcheck's own work costs (Redis: limits,
dedup, enqueue) over the framework and the server. ``python -m bench.bare_bolt PORT``; stops on SIGTERM.
"""

from __future__ import annotations

import signal
import sys
import threading

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.config import Settings
from bot.slack.httpd import HttpServer
from bot.slack.server import EVENTS_PATH, http_limits
from bot.slack.services import make_web_client


def build_bare_app(settings: Settings) -> App:
    # The same Web API client as factcheck's (SLACK_API_URL): Bolt's auth.test goes to the same place.
    app = App(
        client=make_web_client(settings),
        signing_secret=settings.slack_signing_secret,
        process_before_response=True,
    )

    @app.command("/factcheck")
    def only_ack(ack: Ack) -> None:
        ack("Checking…")

    return app


def main(port: int) -> int:
    settings = Settings.from_env()
    app = build_bare_app(settings)
    server = HttpServer(SlackRequestHandler(app, path=EVENTS_PATH), "127.0.0.1", port, http_limits(settings))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    server.start()
    stop.wait()
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1])))
