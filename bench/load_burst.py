"""The load generator for ack bursts, in a process of its own.

The Slack and OpenAI stand-ins run in the bench process and answer the workers' Web API and LLM calls;
if the senders shared that process's GIL, the workers' traffic would delay the senders' clocks and the
figures would measure the bench. Here nothing else runs: ``python -m bench.load_burst PORT`` reads the
signed requests (JSON on stdin), releases them at once, one thread each, and prints each one's
status and send-to-response seconds (JSON on stdout).
"""

from __future__ import annotations

import base64
import http.client
import json
import sys
import threading
import time
from typing import Any


def send(port: int, request: dict[str, Any]) -> dict[str, Any]:
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", "/slack/events", body=base64.b64decode(request["body"]), headers=request["headers"])
        answer = conn.getresponse()
        body = answer.read().decode("utf-8")
        return {"status": answer.status, "body": body, "seconds": time.monotonic() - started}
    except OSError as exc:
        return {"status": 0, "body": type(exc).__name__, "seconds": time.monotonic() - started}
    finally:
        conn.close()


def main(port: int) -> int:
    requests = json.load(sys.stdin)
    barrier = threading.Barrier(len(requests))
    answers: list[dict[str, Any]] = [{}] * len(requests)

    def worker(index: int) -> None:
        barrier.wait()
        answers[index] = send(port, requests[index])

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    json.dump(answers, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1])))
