#!/usr/bin/env python3
"""Measures what the recording proxy adds per chunk.

Starts `mockrouter serve` (the upstream, --speed 1) playing a stream of 100 frames at 100 frames/s,
and `mockrouter record` in front of it, and runs the stream STREAMS times through the proxy, one at a
time, over a plain socket.

On the wire (when it may capture on the loopback interface, i.e. as root): every frame is timed by
the kernel twice, when the upstream sends it to the proxy and when the proxy sends it on to the
client; the difference is exactly what the proxy adds to that chunk, free of the upstream's own
timer jitter.

Paired runs (otherwise, and always printed second): the same stream is also run STREAMS times
straight from the upstream; the added latency of frame i is its arrival through the proxy minus its
arrival direct, both timed from the moment the request was sent. This carries the upstream's timer
jitter of both runs, so its p99 is an upper bound.

Usage: benchmarks/proxy_latency.py [--bin .build/release/mockrouter] [--streams 20]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "Tests" / "Interop"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import proxy_support  # noqa: E402
from loopback_capture import LoopbackCapture  # noqa: E402

SCENARIO = """name: latency
steps:
  - text: "{text}"
    chunking: {{ text: 4 }}
    keepalive: {{ at_start: 0 }}
    timing: {{ ttft_ms: 100, tokens_per_second: 100 }}
"""


# What every scenario answer makes its own (docs/scenarios.md, section 5.2): two answers of one
# step carry the same frames once these are set aside.
IDENTITY = re.compile(rb'gen-\d{10}-[A-Za-z0-9]{20}|"created(_at)?":\d{10}|(call|toolu|tool)_[A-Za-z0-9]{24}')


def without_identity(frames: list) -> list:
    return [IDENTITY.sub(b"ID", frame if isinstance(frame, bytes) else frame.encode()) for frame, _ in frames]


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
        added, first, on_wire = [], [], []
        capture = LoopbackCapture() if LoopbackCapture.available() else None
        try:
            if capture:
                capture.start()
                for _ in range(args.streams):
                    proxy_support.raw_request(proxy.port, "POST", "/api/v1/chat/completions", body)
                capture.stop()
                upstream_sent, proxy_sent = capture.frame_times(upstream.port), capture.frame_times(proxy.port)
                assert len(upstream_sent) == len(proxy_sent) > 0, f"{len(upstream_sent)} frames left the upstream, {len(proxy_sent)} the proxy"
                on_wire = [(p - u) * 1000 for u, p in zip(upstream_sent, proxy_sent)]
            for _ in range(args.streams):
                direct = proxy_support.raw_request(upstream.port, "POST", "/api/v1/chat/completions", body).data_frames()
                proxied = proxy_support.raw_request(proxy.port, "POST", "/api/v1/chat/completions", body).data_frames()
                assert without_identity(direct) == without_identity(proxied), "the proxy changed the frames"
                deltas = [(p - d) * 1000 for (_, d), (_, p) in zip(direct, proxied)]
                first.append(deltas[0])
                added.extend(deltas[1:])
        finally:
            proxy.stop()
            upstream.stop()
    print(f"recording proxy, {args.streams} streams x {len(added) // args.streams + 1} frames at 100 frames/s, {args.bin}")
    if on_wire:
        print(f"on the wire, added per chunk (ms): p50 {percentile(on_wire, 50):.3f}  p99 {percentile(on_wire, 99):.3f}  "
              f"max {max(on_wire):.3f}  ({len(on_wire)} frames)")
    else:
        print("on the wire: not measured (capturing on the loopback interface needs root)")
    print(f"paired runs, added latency per chunk (ms): p50 {percentile(added, 50):.3f}  p99 {percentile(added, 99):.3f}  max {max(added):.3f}  mean {statistics.mean(added):.3f}")
    print(f"first frame, incl. the proxy's upstream connection (ms): p50 {percentile(first, 50):.3f}  max {max(first):.3f}")

if __name__ == "__main__":
    main()
