#!/usr/bin/env python3
"""Measures what the recording proxy adds per chunk.

Starts `mockrouter serve` (the upstream, --speed 1) playing a stream of 100 frames at 100 frames/s,
and `mockrouter record` in front of it. Runs the same stream STREAMS times straight from the upstream
and STREAMS times through the proxy, one at a time, reading each over a plain socket and timing every
frame's arrival from the moment the request was sent. The added latency of frame i is its arrival
through the proxy minus its arrival direct (same frame index, paired run by run); the script prints
p50 / p99 / max over all frames, plus the first frame alone (which includes the proxy's connection to
the upstream).

Usage: benchmarks/proxy_latency.py [--bin .build/release/mockrouter] [--streams 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "Tests" / "Interop"))
import proxy_support  # noqa: E402

SCENARIO = """name: latency
steps:
  - text: "{text}"
    chunking: {{ text: 4 }}
    keepalive: {{ at_start: 0 }}
    timing: {{ ttft_ms: 100, tokens_per_second: 100 }}
"""


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=proxy_support.BIN)
    parser.add_argument("--streams", type=int, default=20)
    args = parser.parse_args()
    proxy_support.BIN = args.bin
    with tempfile.TemporaryDirectory() as folder:
        scenario = Path(folder) / "latency.yaml"
        scenario.write_text(SCENARIO.format(text="word" * 100))
        upstream = proxy_support.start("serve", "--no-cassettes", "--scenarios", str(scenario), "--speed", "1")
        proxy = proxy_support.start("record", "--upstream", upstream.url, "--cassette", str(Path(folder) / "latency.cassette.jsonl.gz"))
        body = {"model": "mockrouter/latency", "messages": [{"role": "user", "content": "x"}], "stream": True}
        added, first = [], []
        try:
            for _ in range(args.streams):
                direct = proxy_support.raw_request(upstream.port, "POST", "/api/v1/chat/completions", body).data_frames()
                proxied = proxy_support.raw_request(proxy.port, "POST", "/api/v1/chat/completions", body).data_frames()
                assert [f for f, _ in direct] == [f for f, _ in proxied], "the proxy changed the frames"
                deltas = [(p - d) * 1000 for (_, d), (_, p) in zip(direct, proxied)]
                first.append(deltas[0])
                added.extend(deltas[1:])
        finally:
            proxy.stop()
            upstream.stop()
    print(f"recording proxy, {args.streams} streams x {len(added) // args.streams + 1} frames at 100 frames/s, {args.bin}")
    print(f"added latency per chunk (ms): p50 {percentile(added, 50):.3f}  p99 {percentile(added, 99):.3f}  max {max(added):.3f}  mean {statistics.mean(added):.3f}")
    print(f"first frame, incl. the proxy's upstream connection (ms): p50 {percentile(first, 50):.3f}  max {max(first):.3f}")


if __name__ == "__main__":
    main()
