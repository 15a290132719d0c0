"""Slack figures: ack latency under concurrent slash commands, and command to posted checklist.

The app runs as in production: ``factcheck serve`` in its own process (its real HTTP server, Bolt's
signature checks, the job queue and its worker processes), against the Slack Web API stand-in and the
OpenAI stand-in with modelled latency, which run in this process. The bursts come from a load
generator in a process of its own (``bench.load_burst``).

Beside it, in the same run, a bare Bolt app on the same server (``bench.bare_bolt``: one handler that
only acks) takes the same bursts, the two taking turns; each ack figure carries factcheck's p99 as a
ratio to the bare app's.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from bench.articles import article
from bot import store
from bot.slack.state import StateStore
from standins.openai_server import OpenAIStandIn
from standins.slack_api import SlackAPIStandIn
from standins.slack_driver import SECRET, TOKEN, Bot, Response, wait_until


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


BURSTS = {50: 24, 200: 2}  # measured bursts per concurrency level, after one warm-up burst


def burst(bot: Bot, texts: list[str]) -> list[Response]:
    """Slash commands released at once by ``bench.load_burst`` (its own process, one thread each); their
    responses, with timings. Each request is built and signed before the release, so only
    send-to-response is timed."""
    prepared = [bot.command_request(text) for text in texts]
    requests = [{"body": base64.b64encode(r.body).decode(), "headers": r.headers} for r in prepared]
    done = subprocess.run(
        [sys.executable, "-m", "bench.load_burst", str(bot.port)],
        input=json.dumps(requests).encode(),
        capture_output=True,
        check=True,
        timeout=300,
    )
    answers = json.loads(done.stdout)
    return [Response(a["status"], a["body"], a["seconds"], r.job_id) for a, r in zip(answers, prepared, strict=True)]


ACK_ARTICLES = [article(4, seed=seed) for seed in range(8)]  # acks don't depend on the text; jobs then hit the cache


def figures_of(answers: list[Response], bursts: int) -> dict[str, Any]:
    millis = [a.seconds * 1000 for a in answers]
    return {
        "requests": len(answers),
        "bursts": bursts,
        "ok": sum(1 for a in answers if a.status == 200),
        "p50_ms": round(percentile(millis, 0.50), 1),
        "p99_ms": round(percentile(millis, 0.99), 1),
        "max_ms": round(max(millis), 1),
        "mean_ms": round(statistics.fmean(millis), 1),
    }


def ack_latency(
    bot: Bot, bare: Bot | None, concurrent: int, bursts: int, settle: Callable[[list[Response]], None]
) -> tuple[dict[str, Any], list[Response]]:
    """``bursts`` bursts of ``concurrent`` commands at factcheck, and as many at the bare Bolt app, taking
    turns (which goes first alternates) so that both meet the same host: the ratio is the ack's own cost.
    One warm-up burst each is not counted; ``settle`` gets each of factcheck's bursts before the next
    burst (the one-process deployment waits there for the burst's jobs, so every burst starts quiet)."""
    texts = [ACK_ARTICLES[i % len(ACK_ARTICLES)] for i in range(concurrent)]
    sent: list[Response] = []
    measured: dict[str, list[Response]] = {"factcheck": [], "bare": []}
    burst_p99s: dict[str, list[float]] = {"factcheck": [], "bare": []}
    for round_ in range(bursts + 1):
        turns = [("factcheck", bot), ("bare", bare)]
        for name, target in turns if round_ % 2 else reversed(turns):
            if target is None:
                continue
            answers = burst(target, texts)
            if name == "factcheck":
                sent += answers
                settle(answers)
            if round_:
                measured[name] += answers
                burst_p99s[name].append(percentile([a.seconds for a in answers], 0.99))
            time.sleep(0.3)
    figures = figures_of(measured["factcheck"], bursts)
    if bare is not None:
        figures["bare_bolt"] = figures_of(measured["bare"], bursts)
        figures["p99_over_bare"] = round(figures["p99_ms"] / max(figures["bare_bolt"]["p99_ms"], 0.1), 2)
        # Printed beside the target: a burst that meets another tenant's work moves the pooled p99 by tens
        # of ms, but moves the median of the bursts' own p99s by at most one burst's share.
        figures["median_burst_p99_over_bare"] = round(
            statistics.median(burst_p99s["factcheck"]) / max(statistics.median(burst_p99s["bare"]), 1e-4), 2
        )
    return figures, sent


def command_to_checklist(bot: Bot, text: str) -> float:
    started = time.monotonic()
    answer = bot.command(text)
    bot.wait_job(answer.job_id, timeout=120)
    return time.monotonic() - started


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_serve(env: dict[str, str], port: int) -> subprocess.Popen:
    """``factcheck serve``, ready when /healthz says so; a web-only process (no workers yet) is ready when
    it answers 503 "no worker is alive": its workers are started later, by the measurement."""
    web_only = env.get("FACTCHECK_INPROCESS_WORKER") == "0"
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )

    def healthy() -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as answer:
                return answer.status == 200
        except urllib.error.HTTPError as error:
            return web_only and error.code == 503 and b"worker" in error.read()
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"factcheck serve exited: {process.stderr.read().decode()[-2000:]}") from None
            return False

    try:
        wait_until(healthy, timeout=30, interval=0.1)
    except BaseException:
        process.kill()  # never leave a server behind when the bench stops here
        process.wait(10)
        raise
    return process


def start_bare(env: dict[str, str], port: int) -> subprocess.Popen:
    """The bare Bolt app (``bench.bare_bolt``) on ``port``; ready when it answers any HTTP request."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.bare_bolt", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )

    def answering() -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"bare Bolt app exited: {process.stderr.read().decode()[-2000:]}") from None
            return False

    wait_until(answering, timeout=30, interval=0.1)
    return process


def start_workers(env: dict[str, str], count: int) -> list[subprocess.Popen]:
    return [
        subprocess.Popen(
            [sys.executable, "-m", "bot", "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        for _ in range(count)
    ]


def measure(
    bot: Bot,
    llm: OpenAIStandIn,
    latency: float,
    per_token: float,
    start_workers_after_acks: Any = None,
    bare: Bot | None = None,
) -> dict[str, Any]:
    if start_workers_after_acks is None:
        bot.wait_job(bot.command(article(3, seed=999)).job_id, timeout=60)  # warm up
    results: dict[str, Any] = {"ack": {}}
    answers = []
    one_process = start_workers_after_acks is None

    def settle(sent: list[Response]) -> None:
        if one_process:  # its workers run the burst's jobs: the next burst starts once they are done
            for answer in sent:
                bot.wait_job(answer.job_id, timeout=300)

    for concurrent, bursts in BURSTS.items():
        figures, sent = ack_latency(bot, bare, concurrent, bursts, settle)
        results["ack"][str(concurrent)] = figures
        answers += sent
    if start_workers_after_acks is not None:
        started = time.monotonic()
        start_workers_after_acks()
        for answer in answers:
            bot.wait_job(answer.job_id, timeout=300)
        results["drain_seconds"] = round(time.monotonic() - started, 2)
        results["drained_jobs"] = len(answers)
    text = article(10, seed=4242)
    requests_before = len(llm.completion_requests)
    results["cold_seconds"] = round(command_to_checklist(bot, text), 3)
    results["cold_llm_requests"] = len(llm.completion_requests) - requests_before
    requests_before = len(llm.completion_requests)
    cached = [command_to_checklist(bot, text) for _ in range(5)]
    results["cached_ms"] = round(statistics.median(cached) * 1000, 1)
    results["cached_llm_requests"] = len(llm.completion_requests) - requests_before
    results["llm_model"] = {"latency_seconds": latency, "seconds_per_completion_token": per_token}
    return results


def run_deployment(latency: float, per_token: float, workers: int) -> dict[str, Any]:
    """``workers`` = 0: one ``factcheck serve`` with its in-process workers, which run each burst's
    jobs while it is measured. Else the web tier alone: a web-only ``serve`` takes the bursts (jobs
    wait in Redis), then ``workers`` worker processes start and drain the queue, as when workers run
    on other machines (here they would share the web process's two cores)."""
    with (
        tempfile.TemporaryDirectory() as tmp,
        SlackAPIStandIn(token=TOKEN) as slack,
        OpenAIStandIn(latency_seconds=latency, seconds_per_token=per_token) as llm,
    ):
        redis_client = store.connect(None, data_dir=Path(tmp))
        socket_path = redis_client.connection_pool.connection_kwargs["path"]
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SLACK_", "FACTCHECK_"))}
        env.update(
            PORT=str(port),
            REDIS_URL=f"unix://{socket_path}",
            SLACK_BOT_TOKEN=TOKEN,
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=slack.base_url,
            OPENAI_API_KEY=llm.api_key,
            OPENAI_BASE_URL=llm.base_url,
            FACTCHECK_MODEL="bench-model",
            # The load generator is one user in one channel: limits high enough never to refuse, so that
            # every ack runs the limits as in production.
            FACTCHECK_USER_LIMIT="1000000",
            FACTCHECK_CHANNEL_LIMIT="1000000",
            FACTCHECK_LOG_LEVEL="WARNING",
            FACTCHECK_QUEUE_MAX_PENDING="5000",  # the bursts queue 600 jobs at once
        )
        processes = [start_serve({**env, "FACTCHECK_INPROCESS_WORKER": "0"} if workers else env, port)]
        bare_port = free_port()
        processes.append(start_bare(env, bare_port))

        def launch() -> None:
            processes.extend(start_workers(env, workers))

        # The driver only needs the job records in Redis to see when a checklist is posted.
        bot = Bot(SimpleNamespace(state=StateStore(redis_client)), slack, port, None, None)  # type: ignore[arg-type]
        bare = Bot(SimpleNamespace(state=None), slack, bare_port, None, None)  # type: ignore[arg-type]
        try:
            results = measure(bot, llm, latency, per_token, launch if workers else None, bare=bare)
            results["deployment"] = (
                f"web process alone, then {workers} worker processes" if workers else "1 process (serve)"
            )
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(timeout=60)
            redis_client.shutdown(nosave=True)
        return results


def run(latency: float, per_token: float) -> dict[str, Any]:
    return {
        "one_process": run_deployment(latency, per_token, workers=0),
        "web_tier": run_deployment(latency, per_token, workers=4),
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(0.5, 0.0005), indent=2))
