"""``factcheck serve``: Socket Mode when SLACK_APP_TOKEN is set, else HTTP on ``settings.port``.

HTTP routes: ``POST /slack/events`` (commands, events and interactivity all point here; Bolt checks
the signature and rejects timestamps more than 5 minutes off), ``GET /healthz``, ``GET /metrics``
(Prometheus), 404 for the rest. Unless ``FACTCHECK_INPROCESS_WORKER=0``, the process also runs
worker threads that take jobs from the Redis queue, so one command runs everything.
The server is waitress (``bot.slack.httpd``: limits on body size, connections, threads and idle
time; a bounded stop). Any other WSGI server can host ``make_wsgi_app(services)`` instead: the app
checks Content-Length and the body itself too. See docs/reliability-server.md.

SIGTERM/SIGINT: stop accepting, give the requests in flight FACTCHECK_HTTP_STOP_SECONDS, close the
rest, then finish the jobs in hand and exit (jobs still queued stay in Redis for the next worker).
"""

from __future__ import annotations

import io
import json
import logging
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any

import redis
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.error import BoltError
from slack_bolt.request.internals import parse_body
from slack_sdk.errors import SlackApiError

from bot import metrics, store
from bot.config import Settings
from bot.jobs.model import shutdown_queue
from bot.logs import configure_logging
from bot.slack.app import build_app
from bot.slack.httpd import HttpLimits, HttpServer
from bot.slack.services import Services, build_services

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def http_limits(settings: Settings) -> HttpLimits:
    return HttpLimits(
        threads=settings.http_threads,
        max_connections=settings.http_max_connections,
        max_body_bytes=settings.http_max_body_bytes,
        idle_timeout_seconds=settings.http_idle_timeout_seconds,
        stop_seconds=settings.http_stop_seconds,
    )


def _refuse(start_response: Callable[..., Any], status: str, reason: str) -> Iterable[bytes]:
    start_response(status, [("Content-Type", "text/plain; charset=utf-8")])
    return [f"{status.split(' ', 1)[1]}: {reason}".encode()]


def _read_event_body(environ: dict[str, Any], max_body: int) -> bytes | tuple[str, str]:
    """The body, or (status, reason) to refuse it with. Checked before reading, whatever the server."""
    raw = environ.get("CONTENT_LENGTH") or "0"
    if not raw.isdigit():  # "abc", "-1", "1e3": never int() something a client chose
        return "400 Bad Request", "bad Content-Length"
    length = int(raw)
    if length > max_body:
        return "413 Content Too Large", f"the body is over {max_body:,} bytes"
    body = environ["wsgi.input"].read(length)
    if len(body) != length:
        return "400 Bad Request", "the body is shorter than its Content-Length"
    try:
        # Slack always sends UTF-8 and well-formed payloads; Bolt parses the body before it checks the
        # signature and has no answer for junk but an exception (a 500). Refuse it here as a bad request.
        parsed = parse_body(body.decode("utf-8"), environ.get("CONTENT_TYPE"))
    except UnicodeDecodeError:
        return "400 Bad Request", "the body is not UTF-8"
    except ValueError:
        return "400 Bad Request", "the body is not a Slack payload"
    if not isinstance(parsed, dict):
        return "400 Bad Request", "the body is not a Slack payload"
    return body


def make_wsgi_app(services: Services, app: App | None = None, max_body: int | None = None) -> WSGIApp:
    bolt = SlackRequestHandler(app or build_app(services), path=EVENTS_PATH)
    max_body_bytes = max_body or services.settings.http_max_body_bytes

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        if path == EVENTS_PATH and method == "POST":
            body = _read_event_body(environ, max_body_bytes)
            if isinstance(body, tuple):
                return _refuse(start_response, *body)
            environ["wsgi.input"] = io.BytesIO(body)
            return bolt(environ, start_response)
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            return _health(services, start_response)
        if path == METRICS_PATH and method == "GET":
            body, content_type = metrics.render_metrics()
            start_response("200 OK", [("Content-Type", content_type)])
            return [body]
        start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
        return [b"Not Found"]

    return wsgi


def _health(services: Services, start_response: Callable[..., Any]) -> Iterable[bytes]:
    try:
        redis_ok = bool(services.redis.ping())
    except (redis.RedisError, OSError):
        redis_ok = False
    body = json.dumps({"ok": redis_ok, "redis": redis_ok}).encode()
    # 503 when Redis is down: a load balancer stops sending traffic that could not be handled.
    start_response("200 OK" if redis_ok else "503 Service Unavailable", [("Content-Type", "application/json")])
    return [body]


def start_http_server(
    services: Services, host: str = "127.0.0.1", port: int = 0, app: App | None = None
) -> tuple[HttpServer, threading.Thread]:
    """Serve in a background thread; ``server.server_port`` is the bound port (useful with ``port=0``)."""
    limits = http_limits(services.settings)
    server = HttpServer(make_wsgi_app(services, app, limits.max_body_bytes), host, port, limits)
    return server, server.start()


def start_worker(services: Services) -> None:
    """Worker threads in this process (``FACTCHECK_INPROCESS_WORKER``, 0 for a web-only process)."""
    if services.settings.inprocess_workers > 0 and services.worker is None:
        from bot.jobs.worker import start_in_process_worker
        from bot.slack.jobs import runner_for

        services.worker = start_in_process_worker(services.redis, services.settings, lambda: runner_for(services))


def stop_background(services: Services) -> None:
    """Listeners in flight finish, then the workers finish the jobs in hand."""
    if services.listener_executor is not None:
        services.listener_executor.shutdown(wait=True)
    if services.worker is not None:
        services.worker.stop(timeout=services.settings.job_timeout_seconds)
        services.worker = None
    shutdown_queue(services.queue)


def stop_http_server(server: HttpServer, thread: threading.Thread, services: Services) -> None:
    """Graceful and bounded: stop accepting, give requests in flight ``http_stop_seconds``, then the jobs."""
    server.stop()
    thread.join(timeout=1)
    stop_background(services)


def _say(message: str) -> None:
    print(f"factcheck: {message}", file=sys.stderr)


def serve(settings: Settings) -> int:
    socket_mode = bool(settings.slack_app_token)
    required = {"SLACK_BOT_TOKEN": settings.slack_bot_token}
    if not socket_mode:  # Socket Mode requests are not signed: there is no HTTP request to sign
        required["SLACK_SIGNING_SECRET"] = settings.slack_signing_secret
    missing = [name for name, value in required.items() if not value]
    if missing:
        _say(f"{' and '.join(missing)} must be set to serve Slack (SLACK_APP_TOKEN too for Socket Mode).")
        return EXIT_USAGE
    configure_logging(settings.log_level, json=settings.log_json)
    try:
        services = build_services(settings)
        services.redis.ping()
    except (redis.RedisError, OSError) as exc:
        _say(f"cannot reach Redis ({exc}); set REDIS_URL to a running server, or unset it for the embedded one.")
        return EXIT_FAILED
    try:
        app = build_app(services)  # Bolt checks the bot token with auth.test, at SLACK_API_URL
    except BoltError as exc:
        _say(f"Slack refused the bot token: {exc}")
        return EXIT_FAILED
    except OSError as exc:  # urllib's URLError, a timeout, a refused connection
        _say(f"cannot reach Slack ({exc}); check SLACK_API_URL and the network.")
        return EXIT_FAILED

    stop = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        log.warning("signal %d: shutting down after the work in flight", signum)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    if socket_mode:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        # The shared client: apps.connections.open also goes to SLACK_API_URL, with the same retries.
        start_worker(services)
        handler = SocketModeHandler(app, settings.slack_app_token, web_client=services.client)
        try:
            handler.connect()  # returns at once; the client runs in its own threads
        except SlackApiError as exc:  # apps.connections.open refused the app-level token
            _say(
                f"Slack refused SLACK_APP_TOKEN ({exc.response.get('error')}): it must be the app-level token "
                "(xapp-…) with the connections:write scope, and Socket Mode must be on in the app's settings."
            )
            stop_background(services)
            return EXIT_FAILED
        _say(f"connected to Slack in Socket Mode ({store.describe(services.redis)})")
        stop.wait()
        handler.close()
        stop_background(services)
        return EXIT_OK

    start_worker(services)
    server, thread = start_http_server(services, "0.0.0.0", settings.port, app)
    _say(f"listening on http://0.0.0.0:{server.server_port}{EVENTS_PATH} ({store.describe(services.redis)})")
    stop.wait()
    stop_http_server(server, thread, services)
    return EXIT_OK
