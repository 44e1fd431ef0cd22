"""Wire faults and timing of the bundled scenarios, seen with a plain socket (HTTP/1.1 by hand).

No SDK in between: these tests look at the bytes, the chunked framing, how the
connection ends and when each frame arrives. Scenarios are selected by the
`X-MockRouter-Scenario` header and isolated by `X-MockRouter-Session` (the SDK
modules use the /session/ID/scenario/NAME/ URL form instead).

Timing tests use a second server started with `--speed 1` (fixture mockrouter_speed1);
the default server runs at speed 0 (everything as fast as possible).
"""

from __future__ import annotations

import json
import re
import socket

import pytest

from interop_support import require_module
from scenario_support import (
    CHAT_PATH,
    PROCESSING_COMMENT,
    RawClient,
    chat_body,
    content_of_frames,
    is_token_chunk,
    keepalive,
    load_scenario,
    new_session,
    raw_scenario_stream,
    step,
    text_before,
    text_of,
    timing,
    token_events,
    token_frame_count,
)

httpx = require_module("httpx")


def _fault(name: str, kind: str) -> tuple[dict, int]:
    st = step(load_scenario(name))
    fault = st.get("fault") or {}
    assert fault.get("kind") == kind, f"scenario {name} has fault {fault!r}, expected kind {kind}"
    return st, int(fault.get("after", 0))


def _assert_sse_head(resp) -> None:
    assert resp.status == 200, resp.head
    assert resp.headers.get("content-type", "").startswith("text/event-stream"), resp.head
    assert resp.chunked, f"an SSE stream should use chunked transfer encoding: {resp.head!r}"


def _json_or_none(data: str):
    try:
        return json.loads(data)
    except ValueError:
        return None


# ---------------------------------------------------------------- disconnect / reset / stall


def test_disconnect_ends_body_without_terminating_chunk(base_url):
    st, after = _fault("disconnect", "disconnect")

    with raw_scenario_stream(base_url, "disconnect") as client:
        resp = client.read_all(timeout=10)

    _assert_sse_head(resp)
    assert resp.error is None, f"expected a clean close (FIN), got {resp.error!r}"
    assert resp.eof, "the server did not close the connection"
    assert not resp.terminated, "the chunked body was terminated by a zero-length chunk"
    frames = resp.data_frames()
    assert frames and all(f.complete for f in frames), "a frame was cut in half"
    assert all(f.data != "[DONE]" for f in frames), "[DONE] was sent"
    assert token_frame_count(resp) == after
    assert content_of_frames(frames) == text_before(st, after)


def test_reset_after_some_data(base_url):
    st, after = _fault("reset", "reset")

    with raw_scenario_stream(base_url, "reset") as client:
        resp = client.read_all(timeout=10)

    _assert_sse_head(resp)
    assert isinstance(resp.error, ConnectionResetError), f"expected ConnectionResetError, got {resp.error!r} (eof={resp.eof})"
    assert not resp.terminated
    assert token_frame_count(resp) == after, resp.text()
    assert content_of_frames(resp.data_frames()) == text_before(st, after)


def test_stall_keeps_connection_open_and_silent(base_url):
    st, after = _fault("stall", "stall")
    assert after > 0

    with raw_scenario_stream(base_url, "stall") as client:
        _assert_sse_head(client.resp)
        client.read_until(lambda r: token_frame_count(r) >= after, timeout=10)
        received = len(client.resp.body)
        with pytest.raises(socket.timeout):
            client.read_some(timeout=1.5)  # nothing at all arrives: no frame, no comment, no FIN
        assert len(client.resp.body) == received
        assert not client.resp.eof and not client.resp.terminated

    assert token_frame_count(client.resp) == after
    assert content_of_frames(client.resp.data_frames()) == text_before(st, after)


# ---------------------------------------------------------------- malformed bytes and framing


def test_malformed_chunk_is_one_bad_frame(base_url):
    st, after = _fault("malformed-chunk", "malformed")

    with raw_scenario_stream(base_url, "malformed-chunk") as client:
        resp = client.read_all(timeout=10)

    _assert_sse_head(resp)
    assert resp.terminated and resp.error is None
    frames = [f for f in resp.data_frames() if f.data != "[DONE]"]
    bad = [i for i, f in enumerate(frames) if _json_or_none(f.data) is None]
    assert len(bad) == 1, f"expected exactly one non-JSON data frame, got {len(bad)}: {[frames[i].data for i in bad]}"
    i = bad[0]
    assert all(f.complete for f in resp.frames()), "SSE framing should stay intact"
    assert sum(1 for f in frames[:i] if is_token_chunk(f.json())) == after
    assert i + 1 < len(frames), "the stream should continue after the malformed frame"
    assert all(_json_or_none(f.data) is not None for f in frames[i + 1 :])
    assert resp.data_frames()[-1].data == "[DONE]"


def test_broken_framing_runs_frames_together(base_url):
    st, after = _fault("broken-framing", "broken_framing")

    with raw_scenario_stream(base_url, "broken-framing") as client:
        resp = client.read_all(timeout=10)

    _assert_sse_head(resp)
    assert resp.terminated and resp.error is None
    merged = [f for f in resp.data_frames() if len(f.data_lines) > 1]
    assert len(merged) == 1, f"expected one event block holding two frames, got {[f.raw for f in merged]}"
    lines = merged[0].data_lines
    assert len(lines) == 2, merged[0].raw
    # each line is a whole frame by itself; only the blank line between them is missing
    assert all(ln == "[DONE]" or _json_or_none(ln) is not None for ln in lines), lines
    assert _json_or_none(merged[0].data) is None, "joined data lines should not parse as one JSON value"
    blocks = resp.data_frames()
    idx = blocks.index(merged[0])
    assert sum(1 for f in blocks[:idx] if is_token_chunk(_json_or_none(f.data))) == after


def test_crlf_framing(base_url):
    st = step(load_scenario("crlf-framing"))
    assert st.get("line_endings") == "crlf"

    with raw_scenario_stream(base_url, "crlf-framing") as client:
        resp = client.read_all(timeout=10)

    _assert_sse_head(resp)
    assert resp.terminated and resp.error is None
    body = resp.body
    assert b"\r\n\r\n" in body
    assert re.search(rb"(?<!\r)\n", body) is None, "a line ends with a bare LF"
    assert re.search(rb"\r(?!\n)", body) is None, "a line ends with a bare CR"
    assert body.endswith(b"\r\n\r\n")
    frames = resp.data_frames()
    assert all(f.complete for f in resp.frames())
    assert frames[-1].data == "[DONE]"
    assert all(_json_or_none(f.data) is not None for f in frames[:-1])
    assert content_of_frames(frames) == text_of(st)


# ---------------------------------------------------------------- timing


def test_slow_stream_is_fast_at_speed_0(base_url):
    st = step(load_scenario("slow-stream"))
    ttft_s = timing(st)["ttft_ms"] / 1000

    with raw_scenario_stream(base_url, "slow-stream") as client:
        resp = client.read_all(timeout=10)

    _assert_sse_head(resp)
    assert resp.terminated and resp.error is None
    assert content_of_frames(resp.data_frames()) == text_of(st)
    assert resp.t_end < ttft_s / 2, f"speed 0 took {resp.t_end:.3f} s (scripted ttft alone is {ttft_s} s)"


def test_slow_stream_timing_at_speed_1(mockrouter_speed1):
    st = step(load_scenario("slow-stream"))
    t = timing(st)
    ttft_s = t["ttft_ms"] / 1000
    gap_s = 1 / float(t["tokens_per_second"])
    jitter_s = float(t.get("jitter_ms", 0)) / 1000
    tokens = len(token_events(st))
    assert tokens > 2

    with raw_scenario_stream(mockrouter_speed1.base_url, "slow-stream", timeout=30) as client:
        resp = client.read_all(timeout=30)

    _assert_sse_head(resp)
    assert resp.terminated and resp.error is None
    frames = resp.data_frames()
    assert content_of_frames(frames) == text_of(st)
    token_frames = [f for f in frames if is_token_chunk(_json_or_none(f.data))]
    assert len(token_frames) == tokens
    first = frames[0].t
    assert first >= ttft_s - 0.05, f"first data frame after {first:.3f} s; ttft is {ttft_s} s"
    span = token_frames[-1].t - token_frames[0].t
    least = (tokens - 1) * max(gap_s - jitter_s, 0) - 0.05
    assert span >= least, f"{tokens} tokens took {span:.3f} s; at {1 / gap_s:g} tok/s expected >= {least:.3f} s"
    assert resp.t_end < ttft_s + (tokens - 1) * (gap_s + jitter_s) + 3, f"stream took {resp.t_end:.3f} s"


def test_keepalive_during_long_ttft_at_speed_1(mockrouter_speed1):
    st = step(load_scenario("keepalive-long-ttft"))
    ttft_ms = timing(st)["ttft_ms"]
    ka = keepalive(st)
    interval = int(ka.get("interval_ms", 0))
    assert interval > 0, "keepalive-long-ttft should send comments at an interval"
    # at_start comments, then one per interval strictly before the first token
    least_comments = int(ka.get("at_start", 1)) + (ttft_ms - 1) // interval
    assert least_comments >= 3

    with raw_scenario_stream(mockrouter_speed1.base_url, "keepalive-long-ttft", timeout=30) as client:
        resp = client.read_all(timeout=30)

    _assert_sse_head(resp)
    assert resp.terminated and resp.error is None
    frames = resp.frames()
    first_data = next(i for i, f in enumerate(frames) if f.data is not None)
    comments = [c for f in frames[:first_data] for c in f.comments]
    assert comments.count(PROCESSING_COMMENT) >= least_comments, comments
    assert all(c == PROCESSING_COMMENT for c in comments), comments
    assert frames[first_data].t >= ttft_ms / 1000 - 0.1, (
        f"first data frame after {frames[first_data].t:.3f} s; ttft is {ttft_ms} ms"
    )
    # the comments are spread over the wait, not sent in one burst at the start
    last_comment = max(f.t for f in frames[:first_data] if f.comments)
    ticks_ms = (ttft_ms - 1) // interval * interval
    assert last_comment >= ticks_ms / 1000 - 0.1, f"last keep-alive comment after {last_comment:.3f} s"
    assert content_of_frames(resp.data_frames()) == text_of(st)


# ---------------------------------------------------------------- selection errors


def test_unknown_scenario_header_is_404_listing_known(base_url):
    r = httpx.post(
        base_url + CHAT_PATH,
        json=chat_body(stream=True),
        headers={"X-MockRouter-Scenario": "no-such-scenario", "X-MockRouter-Session": new_session()},
        timeout=10,
    )
    assert r.status_code == 404, r.text
    assert r.headers["content-type"].startswith("application/json")
    error = r.json()["error"]
    assert error["code"] == 404
    assert "no-such-scenario" in error["message"]
    assert "hello" in error["message"], f"message does not list the known scenarios: {error['message']}"


def test_unknown_scenario_url_is_404(base_url):
    client = RawClient(base_url)
    with client:
        resp = client.send("POST", "/scenario/no-such-scenario" + CHAT_PATH, chat_body(stream=False))
        client.read_all(timeout=10)
    assert resp.status == 404, resp.head
    error = json.loads(resp.body)["error"]
    assert "hello" in error["message"], error["message"]
