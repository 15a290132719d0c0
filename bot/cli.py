"""``factcheck``: the command line face of the engine, and the entry point of the Slack app and workers."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import logging
import sys
import textwrap
import time
from collections.abc import Iterator
from importlib import metadata
from typing import TYPE_CHECKING

import redis

from bot.config import ConfigError, Settings
from bot.text import InputError, decode_incoming, looks_like_slack_markup

if TYPE_CHECKING:
    from bot.inputs.extract import ExtractedArticle

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

# What each subcommand reads from the environment, for its --help (defaults: docs/ and bot/config.py).
ANALYSIS_ENV = (
    "OPENAI_API_KEY (unset: the offline analyzer), OPENAI_BASE_URL, FACTCHECK_MODEL, FACTCHECK_LLM_TIMEOUT, "
    "FACTCHECK_LLM_ATTEMPTS, FACTCHECK_LLM_CONCURRENCY, FACTCHECK_BATCH_CHARS, FACTCHECK_MAX_CHARS, "
    "REDIS_URL (unset: an embedded Redis under XDG_CACHE_HOME), FACTCHECK_CACHE_TTL"
)
INPUT_ENV = "FACTCHECK_FETCH_ALLOW_HOSTS, FACTCHECK_FETCH_TIMEOUT, FACTCHECK_MAX_DOWNLOAD_BYTES"
SLACK_ENV = (
    "SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_APP_TOKEN, SLACK_API_URL, PORT, FACTCHECK_TRIGGER_EMOJI, "
    "FACTCHECK_USER_LIMIT, FACTCHECK_CHANNEL_LIMIT, FACTCHECK_LIMIT_WINDOW, FACTCHECK_DAILY_TOKEN_BUDGET, "
    "FACTCHECK_READY_EMOJI, FACTCHECK_STATE_TTL_DAYS"
)
JOBS_ENV = (
    "FACTCHECK_JOB_TIMEOUT, FACTCHECK_WORKER_HEARTBEAT, FACTCHECK_QUEUE_MAX_PENDING, "
    "FACTCHECK_LOG_LEVEL, FACTCHECK_LOG_JSON"
)
EXIT_CODES = "exit codes: 0 done, 1 failed (analysis, Redis), 2 bad input or setting (one line on stderr), 130 Ctrl-C"


def _epilog(*groups: str, codes: str = EXIT_CODES) -> str:
    lines = [textwrap.fill(group, 96, initial_indent="  ", subsequent_indent="    ") for group in groups]
    return "environment variables read:\n" + "\n".join(lines) + f"\n\n{codes}"


def _version() -> str:
    try:
        return metadata.version("factcheck")
    except metadata.PackageNotFoundError:
        return "unknown"


@contextlib.contextmanager
def _quiet(logger: str, *, unless: bool) -> Iterator[None]:
    """Raise ``logger`` to ERROR for the block (not with --verbose), then restore it."""
    target = logging.getLogger(logger)
    previous = target.level
    if not unless:
        target.setLevel(logging.ERROR)
    try:
        yield
    finally:
        target.setLevel(previous)


def _say(message: str) -> None:
    print(f"factcheck: {message}", file=sys.stderr)


def _read_input(arg: str | None, settings: Settings) -> ExtractedArticle:
    from bot.inputs import load

    if arg in (None, "-"):
        if arg is None and sys.stdin.isatty():
            raise InputError("Give a file or a link to check, or pipe text in: factcheck check article.txt")
        return load.article_from_stream(sys.stdin.buffer, settings)
    if load.looks_like_url(arg):
        return load.article_from_url(arg, settings)
    return load.article_from_path(arg, settings)


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    output_format(args)  # --json with another --format is refused before any work
    article = _read_input(args.path, settings)
    with _quiet("bot.engine", unless=args.verbose):  # `check` says an LLM failure itself, in one line
        return _check(args, settings, article)


def _check(args: argparse.Namespace, settings: Settings, article: ExtractedArticle) -> int:
    from bot.engine import CheckFailed, Progress
    from bot.factory import build_engine
    from bot.render import render_text

    if article.kind == "text" and looks_like_slack_markup(article.text):
        # pasted from Slack: check what the editor saw, as the bot does
        article = dataclasses.replace(article, text=decode_incoming(article.text))
        _say("the text carries Slack markup (mentions, links, &amp;): checked as Slack shows it.")
    if not settings.llm_enabled and not args.offline:
        _say("OPENAI_API_KEY is not set: using the offline analyzer (rules and lexicons, no network).")
    try:
        engine = build_engine(settings, offline=args.offline)
    except (redis.RedisError, OSError) as exc:
        _say(f"cannot reach Redis ({exc}); set REDIS_URL to a running server, or unset it for the embedded one.")
        return EXIT_FAILED

    started = last_said = time.monotonic()

    def progress(p: Progress) -> None:
        # Only for checks that take a while, at most once a second: short ones finish before it helps.
        nonlocal last_said
        now = time.monotonic()
        if now - started > 1.0 and now - last_said >= 1.0 and p.done < p.total:
            last_said = now
            _say(f"checked {p.done} of {p.total} sections ({p.cached} from cache)")

    try:
        checklist = engine.check(article.text, progress=progress)
    except CheckFailed as exc:
        _say(f"the analysis failed: {exc}")
        return EXIT_FAILED
    if checklist.stats.note:
        _say(checklist.stats.note)
    if note := checklist.stats.fallback_note():
        _say(note)  # the one line on stderr about it: the engine and the client log it below WARNING
    checklist = checklist.model_copy(update={"source": article.source, "text": article.text})
    if settings.claimreview_enabled:
        from bot.claimreview import find_prior_checks

        client = engine.cache.client if engine.cache else None
        checklist = find_prior_checks(checklist, settings, redis_client=client)
        if output_format(args) != "text" and checklist.stats.prior_checks.startswith("failed"):
            _say(f"prior fact-checks could not be fetched ({checklist.stats.prior_checks.removeprefix('failed: ')}).")
    fmt = output_format(args)
    if fmt == "json":
        sys.stdout.write(checklist.model_dump_json(indent=2) + "\n")
    elif fmt in ("md", "csv"):
        from bot.export import render_csv, render_markdown  # the files Slack's `export` uploads

        sys.stdout.write(render_markdown(checklist) if fmt == "md" else render_csv(checklist))
    else:
        sys.stdout.write(render_text(checklist, sort=args.sort, min_priority=args.min_priority))
    return EXIT_OK


def output_format(args: argparse.Namespace) -> str:
    """``--format``; ``--json`` is its old spelling of ``--format json``."""
    if args.json and args.format not in (None, "json"):
        raise InputError("--json and --format are the same option: give one of them")
    return "json" if args.json else args.format or "text"


def cmd_doctor(args: argparse.Namespace, settings: Settings) -> int:
    from bot import doctor

    # The report says what failed; the engine's and the client's logs would repeat it.
    with _quiet("bot", unless=args.verbose):
        return doctor.main(settings, args.example, lambda line: print(line, flush=True), _say)


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from bot.slack.server import serve

    return serve(settings)


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    from bot.jobs.supervisor import bind_to_parent
    from bot.jobs.worker import run_worker
    from bot.slack.jobs import build_runner

    bind_to_parent()  # a child of `factcheck serve` ends with it

    return run_worker(settings, lambda: build_runner(settings), burst=args.burst)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="factcheck", description="A fact-check checklist for any article.")
    parser.add_argument("--version", action="version", version=f"factcheck {_version()}")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging on stderr")
    commands = parser.add_subparsers(dest="command", required=True)
    formatter = argparse.RawDescriptionHelpFormatter

    check = commands.add_parser(
        "check",
        help="print the checklist for an article (a file, a link or standard input)",
        description="Print the fact-check checklist for an article: a .txt, .md, .html, .docx or .pdf file, "
        "an http(s) link (fetched safely, see docs/inputs.md), or - for UTF-8 text on standard input.",
        epilog=_epilog(ANALYSIS_ENV, INPUT_ENV),
        formatter_class=formatter,
    )
    check.add_argument("path", nargs="?", metavar="PATH|URL|-", help="a file, an http(s) link, or - for stdin")
    check.add_argument("--json", action="store_true", help="print one JSON object (the checklist) and nothing else")
    check.add_argument(
        "--format",
        choices=("text", "json", "md", "csv"),
        help="text (default), json (same as --json), md (Markdown) or csv: what Slack's `export` uploads",
    )
    check.add_argument("--offline", action="store_true", help="use the offline analyzer even if an LLM is set up")
    check.add_argument("--sort", choices=["position", "priority"], default="position",
                       help="show items in article order (default) or high priority first; numbers stay the same")
    check.add_argument("--min-priority", choices=["low", "medium", "high"], default="low",
                       help="show only items of this priority or higher (text view; --json always has all)")
    check.set_defaults(handler=cmd_check)

    doctor = commands.add_parser(
        "doctor",
        help="check the configured LLM endpoint: structured output, model, speed, an example checklist",
        epilog=_epilog(
            ANALYSIS_ENV, codes="exit codes: 0 the endpoint works, 1 it failed (one line says why), 2 bad setting"
        ),
        formatter_class=formatter,
    )
    doctor.add_argument("example", nargs="?", help="an article to try (default: examples/harbour-strike.txt)")
    doctor.set_defaults(handler=cmd_doctor)

    serve = commands.add_parser(
        "serve",
        help="run the Slack app (HTTP, or Socket Mode with SLACK_APP_TOKEN)",
        epilog=_epilog(
            SLACK_ENV,
            "FACTCHECK_INPROCESS_WORKER (worker processes, default 2), FACTCHECK_WORKER_STOP_SECONDS, " + JOBS_ENV,
            ANALYSIS_ENV,
            INPUT_ENV,
            codes="exit codes: 0 stopped, 1 could not start (Redis, Slack), 2 bad setting, 130 Ctrl-C",
        ),
        formatter_class=formatter,
    )
    serve.set_defaults(handler=cmd_serve)

    worker = commands.add_parser(
        "worker",
        help="run a worker that takes checks from the Redis queue",
        epilog=_epilog(
            "SLACK_BOT_TOKEN, SLACK_API_URL",
            JOBS_ENV,
            ANALYSIS_ENV,
            INPUT_ENV,
            codes="exit codes: 0 stopped (or queue empty with --burst), 1 Redis unreachable with --burst "
            "(without it the worker waits for Redis and reconnects), "
            "2 bad setting, 130 Ctrl-C",
        ),
        formatter_class=formatter,
    )
    worker.add_argument("--burst", action="store_true", help="exit when the queue is empty")
    worker.set_defaults(handler=cmd_worker)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )

    try:
        settings = Settings.from_env()
        return int(args.handler(args, settings))
    except (InputError, ConfigError) as exc:
        _say(str(exc))
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
