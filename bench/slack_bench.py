"""Slack figures: ack latency under concurrent slash commands, and command to posted checklist.

The app runs as in production: ``factcheck serve`` in its own process (its real HTTP server, Bolt's
signature checks, the default job queue and in-process worker), against the Slack Web API stand-in
and the OpenAI stand-in with modelled latency, which run in this process with the load generator.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from bench.articles import article
from bot import store
from bot.slack.state import StateStore
from tests.standins.openai_server import OpenAIStandIn
from tests.standins.slack_api import SlackAPIStandIn
from tests.standins.slack_driver import SECRET, TOKEN, Bot, wait_until


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def ack_latency(bot: Bot, concurrent: int, seed: int) -> dict[str, Any]:
    """``concurrent`` signed slash commands released at once; each one's time to Slack's 200."""
    texts = [article(4, seed=seed + i) for i in range(concurrent)]
    barrier = threading.Barrier(concurrent)
    answers: list[Any] = [None] * concurrent

    def send(index: int) -> None:
        barrier.wait()
        answers[index] = bot.command(texts[index])

    threads = [threading.Thread(target=send, args=(i,)) for i in range(concurrent)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    millis = [a.seconds * 1000 for a in answers]
    for answer in answers:  # let the work finish before the next round
        bot.wait_job(answer.job_id, timeout=300)
    return {
        "requests": concurrent,
        "ok": sum(1 for a in answers if a.status == 200),
        "p50_ms": round(percentile(millis, 0.50), 1),
        "p99_ms": round(percentile(millis, 0.99), 1),
        "max_ms": round(max(millis), 1),
        "mean_ms": round(statistics.fmean(millis), 1),
    }


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
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )

    def healthy() -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as answer:
                return answer.status == 200
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"factcheck serve exited: {process.stderr.read().decode()[-2000:]}") from None
            return False

    wait_until(healthy, timeout=30, interval=0.1)
    return process


def run(latency: float, per_token: float) -> dict[str, Any]:
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
        )
        process = start_serve(env, port)
        # The driver only needs the job records in Redis to see when a checklist is posted.
        bot = Bot(SimpleNamespace(state=StateStore(redis_client)), slack, port, None, None)  # type: ignore[arg-type]
        try:
            bot.wait_job(bot.command(article(3, seed=999)).job_id, timeout=60)  # warm up
            results: dict[str, Any] = {"ack": {}}
            for concurrent in (50, 200):
                results["ack"][str(concurrent)] = ack_latency(bot, concurrent, seed=concurrent * 1000)
            text = article(10, seed=4242)
            requests_before = len(llm.completion_requests)
            results["cold_seconds"] = round(command_to_checklist(bot, text), 3)
            results["cold_llm_requests"] = len(llm.completion_requests) - requests_before
            requests_before = len(llm.completion_requests)
            cached = [command_to_checklist(bot, text) for _ in range(5)]
            results["cached_ms"] = round(statistics.median(cached) * 1000, 1)
            results["cached_llm_requests"] = len(llm.completion_requests) - requests_before
            results["llm_model"] = {"latency_seconds": latency, "seconds_per_completion_token": per_token}
        finally:
            process.terminate()
            process.wait(timeout=30)
            redis_client.shutdown(nosave=True)
        return results


if __name__ == "__main__":
    import json

    print(json.dumps(run(0.5, 0.0005), indent=2))
