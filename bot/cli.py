"""``factcheck``: the command line face of the engine, and the entry point of the Slack app and workers."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from typing import BinaryIO

import redis

from bot.config import ConfigError, Settings
from bot.text import MAX_INPUT_BYTES_FACTOR, InputError, decode_incoming, decode_input, looks_like_slack_markup

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _say(message: str) -> None:
    print(f"factcheck: {message}", file=sys.stderr)


def _read_input(path: str | None, max_chars: int) -> str:
    limit = max_chars * MAX_INPUT_BYTES_FACTOR + 1  # read one byte past the limit to know it was passed
    if path in (None, "-"):
        if path is None and sys.stdin.isatty():
            raise InputError("Give a file to check, or pipe text in: factcheck check article.txt")
        stream: BinaryIO = sys.stdin.buffer
        return decode_input(stream.read(limit), max_chars)
    try:
        with open(path, "rb") as handle:
            return decode_input(handle.read(limit), max_chars)
    except FileNotFoundError:
        raise InputError(f"No such file: {path}") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a folder, not a file.") from None
    except PermissionError:
        raise InputError(f"No permission to read {path}.") from None


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    from bot.engine import CheckFailed, Progress
    from bot.factory import build_engine
    from bot.render import render_text

    text = _read_input(args.path, settings.max_article_chars)
    if looks_like_slack_markup(text):
        text = decode_incoming(text)  # pasted from Slack: check what the editor saw, as the bot does
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
        checklist = engine.check(text, progress=progress)
    except CheckFailed as exc:
        _say(f"the analysis failed: {exc}")
        return EXIT_FAILED
    if checklist.stats.note:
        _say(checklist.stats.note)
    if checklist.stats.fallback_reason:
        _say(f"the LLM failed ({checklist.stats.fallback_reason}); the offline analyzer stood in.")
    if args.json:
        sys.stdout.write(checklist.model_dump_json(indent=2) + "\n")
    else:
        sys.stdout.write(render_text(checklist, sort=args.sort, min_priority=args.min_priority))
    return EXIT_OK


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from bot.slack.server import serve

    return serve(settings)


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    from bot.worker import run_worker

    return run_worker(settings, burst=args.burst)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="factcheck", description="A fact-check checklist for any article.")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging on stderr")
    commands = parser.add_subparsers(dest="command", required=True)

    check = commands.add_parser("check", help="print the checklist for an article")
    check.add_argument("path", nargs="?", help="a UTF-8 text file, or - for standard input")
    check.add_argument("--json", action="store_true", help="print one JSON object (the checklist) and nothing else")
    check.add_argument("--offline", action="store_true", help="use the offline analyzer even if an LLM is set up")
    check.add_argument("--sort", choices=["position", "priority"], default="position",
                       help="show items in article order (default) or high priority first; numbers stay the same")
    check.add_argument("--min-priority", choices=["low", "medium", "high"], default="low",
                       help="show only items of this priority or higher (text view; --json always has all)")
    check.set_defaults(handler=cmd_check)

    serve = commands.add_parser("serve", help="run the Slack app (HTTP, or Socket Mode with SLACK_APP_TOKEN)")
    serve.set_defaults(handler=cmd_serve)

    worker = commands.add_parser("worker", help="run a worker that takes checks from the Redis queue")
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
