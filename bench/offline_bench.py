"""Offline analyzer throughput and peak memory on a large input.

Run in its own process (``python -m bench.offline_bench``) so that peak RSS belongs to this run alone.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time

from bench.articles import text_of_bytes


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def measure(size: int) -> dict[str, float]:
    from bot.analyzers.offline import OfflineAnalyzer

    text = text_of_bytes(size)
    analyzer = OfflineAnalyzer()
    analyzer.analyze(text[:20_000])  # warm up compiled patterns
    before = rss_mb()
    started = time.perf_counter()
    result = analyzer.analyze(text)
    seconds = time.perf_counter() - started
    megabytes = len(text.encode("utf-8")) / 1_000_000
    return {
        "input_mb": round(megabytes, 2),
        "seconds": round(seconds, 3),
        "mb_per_s": round(megabytes / seconds, 2),
        "findings": len(result.findings),
        "rss_before_mb": round(before, 1),
        "peak_rss_mb": round(rss_mb(), 1),
    }


def article_ms(chars: int = 10_000, runs: int = 21) -> dict[str, float]:
    """A full-size article (about 1,600 words) through the offline engine, cache off: the median of ``runs``."""
    from bot.analyzers.offline import OfflineAnalyzer
    from bot.engine import Engine

    text = text_of_bytes(chars)
    engine = Engine(OfflineAnalyzer())
    engine.check(text)  # warm up compiled patterns
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        engine.check(text)
        times.append((time.perf_counter() - started) * 1000)
    return {"chars": len(text), "p50_ms": round(sorted(times)[runs // 2], 1), "max_ms": round(max(times), 1)}


def run_in_subprocess(size: int) -> dict[str, float]:
    import subprocess

    out = subprocess.run(
        [sys.executable, "-m", "bench.offline_bench", "--bytes", str(size)], capture_output=True, check=True, text=True
    )
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bytes", type=int, default=10_000_000)
    print(json.dumps({**measure(parser.parse_args().bytes), "article": article_ms()}))


if __name__ == "__main__":
    main()
