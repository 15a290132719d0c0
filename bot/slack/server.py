"""``factcheck serve``: Socket Mode when SLACK_APP_TOKEN is set, else HTTP on ``settings.port``.

HTTP routes: ``POST /slack/events`` (commands, events and interactivity all point here; Bolt checks
the signature and rejects timestamps more than 5 minutes off), ``GET /healthz``, ``GET /metrics``
(Prometheus), 404 for the rest. Unless ``FACTCHECK_INPROCESS_WORKER=0``, the process also starts that
many worker processes (``bot.jobs.supervisor``: restarted when they die), so one command runs everything.
``/healthz`` is 503 with a one-line reason while Redis does not answer or no worker is alive.
The request path reaches Redis through its own client (``store.request_client``: 0.5 s per call, no
retry), so a frozen Redis still gets an ack well within Slack's 3 s, with a message saying so.
The server is waitress (``bot.slack.httpd``: limits on body size, connections, threads and idle
time; a bounded stop). Any other WSGI server can host ``make_wsgi_app(services)`` instead: the app
checks Content-Length and the body itself too. See docs/reliability-server.md.

SIGTERM/SIGINT: stop accepting, give the requests in flight FACTCHECK_HTTP_STOP_SECONDS, close the
rest, then give the workers' jobs in hand FACTCHECK_WORKER_STOP_SECONDS and exit (jobs still queued,
or cut short, stay in Redis for the next worker).
"""

from __future__ import annotations

import atexit
import io
import json
import logging
import shutil
import signal
import sys
import tempfile
import threading
import time
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


def _bolt_reads_json(text: str, content_type: str | None) -> bool:
    """Whether Bolt's ``parse_body`` will ``json.loads`` (the body, or a form's payload): its own test."""
    return content_type == "application/json" or text.startswith("{") or "payload" in text


def _read_event_body(environ: dict[str, Any], max_body: int) -> bytes | tuple[str, str]:
    """The body, or (status, reason) to refuse it with. Checked before reading, whatever the server."""
    raw = environ.get("CONTENT_LENGTH") or "0"
    if not (raw.isascii() and raw.isdigit()):  # "abc", "-1", "1e3", "١٢": never int() what a client chose
        return "400 Bad Request", "bad Content-Length"
    length = int(raw)
    if length > max_body:
        return "413 Content Too Large", f"the body is over {max_body:,} bytes"
    body = environ["wsgi.input"].read(length)
    if len(body) != length:
        return "400 Bad Request", "the body is shorter than its Content-Length"
    # Slack always sends UTF-8 and well-formed payloads; Bolt parses the body before it checks the
    # signature and has no answer for junk but an exception (a 500). Refuse it here as a bad request.
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "400 Bad Request", "the body is not UTF-8"
    content_type = environ.get("CONTENT_TYPE")
    if not _bolt_reads_json(text, content_type):
        return body  # a slash command's form: Bolt's parse_qsl takes anything
    try:
        parsed = parse_body(text, content_type)
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


def health(services: Services) -> tuple[bool, dict[str, Any]]:
    """(healthy, details): Redis answers (on the request path's short timeout) and a worker is alive:
    this process's own (threads or child processes), or for a web-only process
    (``FACTCHECK_INPROCESS_WORKER=0``) a worker registered in Redis with a recent heartbeat."""
    try:
        redis_ok = bool(services.redis.ping())
    except (redis.RedisError, OSError):
        return False, {"redis": False, "reason": "Redis does not answer"}
    own = services.worker
    if own is not None:
        alive = own.alive_count()
        where = "worker processes" if getattr(own, "processes", False) else "worker threads"
    else:
        try:
            alive = registered_workers(services.redis, services.settings.worker_heartbeat_seconds)
        except (redis.RedisError, OSError):
            return False, {"redis": False, "reason": "Redis does not answer"}
        where = "workers with a recent heartbeat in Redis"
    if alive == 0:
        return False, {"redis": redis_ok, "workers": 0, "reason": f"no worker is alive (0 {where})"}
    return True, {"redis": redis_ok, "workers": alive}


def registered_workers(client: redis.Redis, heartbeat_seconds: int) -> int:
    """Workers on our queue whose last heartbeat is recent: within 3 heartbeats (a busy worker beats
    every heartbeat, an idle one at every dequeue timeout), plus a little slack."""
    from rq import Worker

    from bot.jobs.queue import make_queue

    recent = 3 * heartbeat_seconds + 5
    now = time.time()
    count = 0
    for worker in Worker.all(queue=make_queue(client)):
        beat = worker.last_heartbeat
        if beat is not None and now - beat.timestamp() <= recent:
            count += 1
    return count


def _health(services: Services, start_response: Callable[..., Any]) -> Iterable[bytes]:
    ok, details = health(services)
    body = json.dumps({"ok": ok, **details}).encode()  # one line; "reason" says why when not ok
    # 503 while it cannot serve: a load balancer stops sending traffic that could not be handled.
    start_response("200 OK" if ok else "503 Service Unavailable", [("Content-Type", "application/json")])
    return [body]


def start_http_server(
    services: Services, host: str = "127.0.0.1", port: int = 0, app: App | None = None
) -> tuple[HttpServer, threading.Thread]:
    """Serve in a background thread; ``server.server_port`` is the bound port (useful with ``port=0``)."""
    limits = http_limits(services.settings)
    server = HttpServer(make_wsgi_app(services, app, limits.max_body_bytes), host, port, limits)
    return server, server.start()


def start_worker(services: Services) -> None:
    """Worker threads in this process (``FACTCHECK_INPROCESS_WORKER``, 0 for none), on ``services``:
    for tests and embedders that hand in their own services. ``serve`` starts processes instead."""
    if services.settings.inprocess_workers > 0 and services.worker is None:
        from bot.jobs.worker import start_in_process_worker
        from bot.slack.jobs import runner_for

        services.worker = start_in_process_worker(
            services.redis, services.settings, lambda: runner_for(services), queue=services.queue
        )


def start_worker_processes(services: Services, redis_url: str) -> None:
    """``FACTCHECK_INPROCESS_WORKER`` supervised ``factcheck worker`` processes on ``redis_url``; their
    metrics are written to a private folder and served with ours at /metrics."""
    if services.settings.inprocess_workers > 0 and services.worker is None:
        from bot.jobs.supervisor import WorkerProcesses

        metrics_dir = tempfile.mkdtemp(prefix="factcheck-metrics-")
        atexit.register(shutil.rmtree, metrics_dir, ignore_errors=True)
        metrics.collect_children(metrics_dir)
        env = {"REDIS_URL": redis_url, metrics.CHILDREN_ENV: metrics_dir}
        services.worker = WorkerProcesses(services.settings.inprocess_workers, env).start()


def stop_background(services: Services) -> None:
    """Listeners in flight finish, then the workers finish the jobs in hand (processes: within
    FACTCHECK_WORKER_STOP_SECONDS, then their jobs are cut short and retried later)."""
    if services.listener_executor is not None:
        services.listener_executor.shutdown(wait=True)
    if services.worker is not None:
        processes = getattr(services.worker, "processes", False)
        settings = services.settings
        services.worker.stop(timeout=settings.worker_stop_seconds if processes else settings.job_timeout_seconds)
        services.worker = None
    services.scripts.close()


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
        base = store.connect(settings.redis_url)  # with no REDIS_URL this starts (and owns) the embedded server
        base.ping()
        # Acks, clicks and /healthz use a short-timeout client; the workers are other processes.
        services = build_services(settings, redis_client=store.request_client(base))
        redis_url = store.url_for(base, settings.redis_url)
        metrics.track_queue_depth(services.queue.depth)
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
        start_worker_processes(services, redis_url)
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

    start_worker_processes(services, redis_url)
    server, thread = start_http_server(services, "0.0.0.0", settings.port, app)
    _say(f"listening on http://0.0.0.0:{server.server_port}{EVENTS_PATH} ({store.describe(services.redis)})")
    stop.wait()
    stop_http_server(server, thread, services)
    return EXIT_OK
