"""The recording proxy end to end: MockRouter's own scenario server is the upstream, `mockrouter
record` sits in front of it, real clients go through it, and what it wrote replays."""

from __future__ import annotations

import json
import resource
import signal
import subprocess
import threading
import time
import uuid
from pathlib import Path

import httpx
import pytest

from interop_support import require_module
from proxy_support import BIN, GarbageUpstream, SilentUpstream, cassette_lines, raw_request, start

openai = require_module("openai")

KEY = "sk-or-v1-" + "7e57c0ffee" * 6 + "abcd"
BODY_SECRET = "sk-proj-S3cr3tV4lu3Th4tMustN0tL34k"


def chat(model: str, content: str, stream: bool = True) -> dict:
    return {"messages": [{"role": "user", "content": content}], "model": model, "stream": stream}


@pytest.fixture
def upstream():
    proc = start("serve", "--no-cassettes")
    yield proc
    proc.stop()


@pytest.fixture
def slow_upstream():
    proc = start("serve", "--no-cassettes", "--speed", "1")
    yield proc
    proc.stop()


def record(upstream_url: str, cassette: Path, *extra: str):
    return start("record", "--upstream", upstream_url, "--cassette", str(cassette), *extra)


def test_round_trip_with_the_openai_sdk_replays_byte_for_byte(upstream, tmp_path):
    cassette = tmp_path / "session.cassette.jsonl.gz"
    proxy = record(upstream.url, cassette)
    requests = [chat("mockrouter/hello", "round trip 1"), chat("mockrouter/tool-call", "round trip 2"),
                chat("mockrouter/reasoning", "round trip 3"), chat("mockrouter/hello", "round trip 4", stream=False)]
    client = openai.OpenAI(base_url=proxy.url + "/api/v1", api_key=KEY, max_retries=0)
    live_sdk = []
    for body in requests:
        if body["stream"]:
            chunks = list(client.chat.completions.create(model=body["model"], messages=body["messages"], stream=True))
            live_sdk.append([c.model_dump_json() for c in chunks])
        else:
            live_sdk.append(client.chat.completions.create(model=body["model"], messages=body["messages"]).model_dump_json())
    live_raw = [raw_request(proxy.port, "POST", "/api/v1/chat/completions", body) for body in requests]
    assert proxy.stop()[0] == 0
    assert len(cassette_lines(cassette)) == 1 + 2 * len(requests)

    replay = start("serve", "--replay-ids", "recorded", "--cassettes", str(cassette), "--no-scenarios")
    try:
        client = openai.OpenAI(base_url=replay.url + "/api/v1", api_key="anything", max_retries=0)
        for body, expected in zip(requests, live_sdk):
            if body["stream"]:
                got = [c.model_dump_json() for c in client.chat.completions.create(model=body["model"], messages=body["messages"], stream=True)]
            else:
                got = client.chat.completions.create(model=body["model"], messages=body["messages"]).model_dump_json()
            assert got == expected
        for body, live in zip(requests, live_raw):
            again = raw_request(replay.port, "POST", "/api/v1/chat/completions", body)
            assert again.status == live.status == 200
            assert again.body == live.body
            assert again.terminated and live.terminated
    finally:
        replay.stop()


def test_no_buffering_and_offsets_replay_at_speed_1(slow_upstream, tmp_path):
    """A 20 token/s stream reaches the client as slowly as it left the upstream, and its replay at
    --speed 1 puts each frame within 60 ms of where it arrived live."""
    cassette = tmp_path / "slow.cassette.jsonl"
    proxy = record(slow_upstream.url, cassette)
    body = chat("mockrouter/slow-stream", "pace me")
    live = raw_request(proxy.port, "POST", "/api/v1/chat/completions", body)
    proxy.stop()
    frames = live.data_frames()
    assert len(frames) > 10
    first, last = frames[0][1], frames[-1][1]
    assert first >= 0.75, f"first frame at {first:.3f} s: the upstream's ttft is 800 ms"
    assert last - first >= 0.8, f"frames arrived within {last - first:.3f} s: the proxy buffered the stream"
    assert first < last - 0.5, "the first frame reached the client only when the last one did"

    replay = start("serve", "--replay-ids", "recorded", "--cassettes", str(cassette), "--no-scenarios", "--speed", "1")
    try:
        again = raw_request(replay.port, "POST", "/api/v1/chat/completions", body)
    finally:
        replay.stop()
    assert again.body == live.body
    for (frame, live_at), (frame_again, replay_at) in zip(frames, again.data_frames()):
        assert frame == frame_again
        assert abs(replay_at - live_at) <= 0.06, f"frame replayed at {replay_at:.3f} s, live at {live_at:.3f} s"


def gzip_members(path: Path) -> int:
    """How many gzip members a file holds, counted by decompressing one after another."""
    import zlib

    data, members = path.read_bytes(), 0
    while data:
        inflater = zlib.decompressobj(31)
        inflater.decompress(data)
        assert inflater.eof, "the file ends inside a gzip member"
        data, members = inflater.unused_data, members + 1
    return members


def test_concurrent_streams_are_not_queued_and_a_clean_stop_compacts_the_cassette(slow_upstream, tmp_path):
    """Twelve slow streams at once all run side by side (an HTTP client's usual per-host connection
    limit would hold the ninth back until one finished), every one is recorded, and SIGTERM leaves
    the cassette as a single gzip member."""
    cassette = tmp_path / "parallel.cassette.jsonl.gz"
    proxy = record(slow_upstream.url, cassette)
    began = time.monotonic()
    single = raw_request(proxy.port, "POST", "/api/v1/chat/completions", chat("mockrouter/slow-stream", "alone"))
    one_stream = time.monotonic() - began
    assert single.status == 200 and single.terminated

    results: list = [None] * 12
    def run(index: int) -> None:
        results[index] = raw_request(proxy.port, "POST", "/api/v1/chat/completions", chat("mockrouter/slow-stream", f"parallel {index}"))
    threads = [threading.Thread(target=run, args=(index,)) for index in range(12)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    twelve_streams = time.monotonic() - began
    assert all(r is not None and r.status == 200 and r.terminated for r in results)
    assert twelve_streams < 1.6 * one_stream, f"12 streams took {twelve_streams:.2f} s, one took {one_stream:.2f} s"
    assert gzip_members(cassette) > 1, "while recording, each interaction is its own member"

    assert proxy.stop()[0] == 0
    assert gzip_members(cassette) == 1
    lines = cassette_lines(cassette)
    assert len(lines) == 1 + 13
    bodies = [line["request"]["body"] for line in lines[1:]]
    recorded = {(body["json"] if "json" in body else json.loads(body["text"]))["messages"][0]["content"] for body in bodies}
    assert recorded == {"alone"} | {f"parallel {index}" for index in range(12)}


def test_kill_9_during_the_fourth_interaction_keeps_the_first_three(slow_upstream, tmp_path):
    cassette = tmp_path / "killed.cassette.jsonl.gz"
    proxy = record(slow_upstream.url, cassette)
    bodies = [chat("mockrouter/hello", f"before the crash {i}") for i in range(3)]
    answers = [raw_request(proxy.port, "POST", "/api/v1/chat/completions", body).body for body in bodies]
    partial = raw_request(proxy.port, "POST", "/api/v1/chat/completions", chat("mockrouter/slow-stream", "killed"), stop_after_frames=2)
    assert len(partial.data_frames()) >= 2
    proxy.popen.send_signal(signal.SIGKILL)
    proxy.popen.wait(5)

    verify = subprocess.run([BIN, "cassette", "verify", str(cassette)], capture_output=True, text=True)
    assert verify.returncode == 0, verify.stdout
    assert "3 interactions" in verify.stdout
    replay = start("serve", "--replay-ids", "recorded", "--cassettes", str(cassette), "--no-scenarios")
    try:
        for body, answer in zip(bodies, answers):
            assert raw_request(replay.port, "POST", "/api/v1/chat/completions", body).body == answer
    finally:
        replay.stop()


def test_no_secret_reaches_disk(upstream, tmp_path):
    cassette = tmp_path / "secrets.cassette.jsonl.gz"
    proxy = record(upstream.url, cassette, "--redact-header", "X-Team-Token", "--redact-pattern", r"team-[0-9]{6}")
    headers = {"Authorization": f"Bearer {KEY}", "x-api-key": KEY, "Cookie": "session=abc123secret", "X-Team-Token": "tt-visible-only-live"}
    response = raw_request(proxy.port, "POST", "/api/v1/chat/completions",
                           chat("mockrouter/hello", f"my key is {BODY_SECRET} and id team-424242"), headers=headers)
    assert response.status == 200
    proxy.stop()
    raw = cassette.read_bytes()
    text = json.dumps(cassette_lines(cassette))
    for secret in [KEY, "7e57c0ffee", BODY_SECRET, "S3cr3tV4lu3", "abc123secret", "tt-visible-only-live", "team-424242"]:
        assert secret.encode() not in raw
        assert secret not in text, f"{secret} reached the cassette"
    assert "[REDACTED]" in text


def test_refused_upstream_is_a_502_recorded_and_replayed(tmp_path):
    cassette = tmp_path / "refused.cassette.jsonl"
    proxy = record("http://127.0.0.1:9", cassette)
    live = raw_request(proxy.port, "POST", "/api/v1/chat/completions", chat("m", "anyone there?", stream=False))
    proxy.stop()
    assert live.status == 502
    assert json.loads(live.body)["error"]["metadata"]["stage"] == "connect"
    line = cassette_lines(cassette)[1]
    assert line["outcome"]["kind"] == "upstream_failed" and line["outcome"]["stage"] == "connect"
    replay = start("serve", "--replay-ids", "recorded", "--cassettes", str(cassette), "--no-scenarios")
    try:
        again = raw_request(replay.port, "POST", "/api/v1/chat/completions", chat("m", "anyone there?", stream=False))
    finally:
        replay.stop()
    assert (again.status, again.body) == (502, live.body)


def test_upstream_silent_before_answering_is_a_recorded_timeout(tmp_path):
    silent = SilentUpstream()
    cassette = tmp_path / "timeout.cassette.jsonl"
    proxy = record(f"http://127.0.0.1:{silent.port}", cassette, "--upstream-timeout", "1")
    try:
        began = time.monotonic()
        live = raw_request(proxy.port, "POST", "/api/v1/chat/completions", chat("m", "hello?", stream=False))
        assert time.monotonic() - began >= 0.9
    finally:
        proxy.stop()
        silent.close()
    assert live.status == 502
    assert cassette_lines(cassette)[1]["outcome"]["stage"] == "timeout"


@pytest.mark.parametrize("scenario,timeout", [("disconnect", None), ("stall", "1")])
def test_stream_cut_mid_way_is_seen_recorded_and_replayed(upstream, tmp_path, scenario, timeout):
    cassette = tmp_path / f"{scenario}.cassette.jsonl.gz"
    proxy = record(upstream.url, cassette, *(["--upstream-timeout", timeout] if timeout else []))
    body = chat(f"mockrouter/{scenario}", "cut me")
    live = raw_request(proxy.port, "POST", "/api/v1/chat/completions", body)
    proxy.stop()
    assert live.status == 200 and not live.terminated and len(live.data_frames()) >= 3
    line = cassette_lines(cassette)[1]
    assert line["outcome"]["kind"] == "upstream_failed" and line["outcome"]["stage"] == "midstream"
    replay = start("serve", "--replay-ids", "recorded", "--cassettes", str(cassette), "--no-scenarios")
    try:
        again = raw_request(replay.port, "POST", "/api/v1/chat/completions", body)
    finally:
        replay.stop()
    assert again.body == live.body and not again.terminated


def test_client_that_leaves_mid_stream_is_recorded_as_cancelled(slow_upstream, tmp_path):
    cassette = tmp_path / "cancel.cassette.jsonl"
    proxy = record(slow_upstream.url, cassette)
    partial = raw_request(proxy.port, "POST", "/api/v1/chat/completions", chat("mockrouter/slow-stream", "bye"), stop_after_frames=2)
    assert len(partial.data_frames()) >= 2
    for _ in range(50):
        if len(cassette_lines(cassette)) == 2:
            break
        time.sleep(0.1)
    proxy.stop()
    assert cassette_lines(cassette)[1]["outcome"]["kind"] == "client_cancelled"


def test_hybrid_replays_what_matches_and_records_what_does_not(upstream, tmp_path):
    httpx.post(upstream.url + "/__admin/scenarios", content="name: hybrid\nmatch: { contains: hybrid }\nsteps:\n  - text: from upstream\n")
    cassette = tmp_path / "hybrid.cassette.jsonl.gz"
    hybrid = start("serve", "--replay-ids", "recorded", "--no-scenarios", "--upstream", upstream.url, "--record-to", str(cassette))
    try:
        recorded = {"messages": [{"role": "user", "content": "Say hello in five words."}], "model": "openai/gpt-4o-mini"}
        assert raw_request(hybrid.port, "POST", "/api/v1/chat/completions", recorded).status == 200
        assert httpx.get(upstream.url + "/__admin/requests").json()["requests"] == []
        new = chat("openai/gpt-4o-mini", "a hybrid question", stream=False)
        first = raw_request(hybrid.port, "POST", "/api/v1/chat/completions", new)
        assert json.loads(first.body)["choices"][0]["message"]["content"] == "from upstream"
        assert len(httpx.get(upstream.url + "/__admin/requests").json()["requests"]) == 1
        second = raw_request(hybrid.port, "POST", "/api/v1/chat/completions", new)
        assert second.body == first.body
        assert len(httpx.get(upstream.url + "/__admin/requests").json()["requests"]) == 1
        another = chat("openai/gpt-4o-mini", "another hybrid question", stream=False)
        assert raw_request(hybrid.port, "POST", "/api/v1/chat/completions", another).status == 200
        assert raw_request(hybrid.port, "POST", "/api/v1/chat/completions", another).status == 200
        journal = httpx.get(hybrid.url + "/__admin/requests").json()["requests"]
        assert [e["source"] for e in journal] == ["cassette", "upstream", "cassette", "upstream", "cassette"]
        # Each recording is numbered in the cassette it was appended to: the two replays name #1 and #2.
        replays = [e["interaction"] for e in journal if e["source"] == "cassette"][1:]
        assert [(Path(r["cassette"]).name, r["number"]) for r in replays] == [(cassette.name, 1), (cassette.name, 2)]
    finally:
        hybrid.stop()
    assert len(cassette_lines(cassette)) == 3


def test_a_request_body_with_spaces_is_recorded_as_json_and_replays(upstream, tmp_path):
    """Issue 12: json.dumps' ", " and ": " used to make the request body `text` in the cassette."""
    cassette = tmp_path / "spaced.cassette.jsonl.gz"
    proxy = record(upstream.url, cassette)
    body = chat("mockrouter/hello", "spaced out", stream=False)
    assert b", " in json.dumps(body).encode()
    live = raw_request(proxy.port, "POST", "/api/v1/chat/completions", body)
    assert live.status == 200
    assert proxy.stop()[0] == 0
    recorded = cassette_lines(cassette)[1]["request"]["body"]
    assert list(recorded) == ["json"] and recorded["json"] == body
    replay = start("serve", "--replay-ids", "recorded", "--no-scenarios", "--cassettes", str(cassette))
    try:
        again = raw_request(replay.port, "POST", "/api/v1/chat/completions", body)
        assert again.status == 200 and again.body == live.body
    finally:
        replay.stop()


def test_unwritable_cassette_refuses_to_start(upstream):
    result = subprocess.run([BIN, "record", "--upstream", upstream.url, "--cassette", "/nonexistent-dir/x.cassette.jsonl.gz", "--port", "0"],
                            capture_output=True, text=True, timeout=20)
    assert result.returncode != 0 and result.stdout == ""
    assert "/nonexistent-dir/x.cassette.jsonl.gz: cannot open for writing" in result.stderr


def test_garbage_from_the_upstream_is_passed_through_and_recorded_raw(tmp_path):
    garbage = GarbageUpstream()
    cassette = tmp_path / "garbage.cassette.jsonl"
    proxy = record(f"http://127.0.0.1:{garbage.port}", cassette)
    try:
        live = raw_request(proxy.port, "GET", "/api/v1/models")
    finally:
        proxy.stop()
        garbage.close()
    assert live.status == 200 and live.body == GarbageUpstream.BODY
    body = cassette_lines(cassette)[1]["response"]["body"]
    assert set(body) == {"chunks"}
    replay = start("serve", "--cassettes", str(cassette), "--no-scenarios")
    try:
        assert raw_request(replay.port, "GET", "/api/v1/models").body == GarbageUpstream.BODY
    finally:
        replay.stop()


def test_a_full_disk_is_logged_the_client_is_served_and_earlier_interactions_stay(upstream, tmp_path):
    """The file-size limit stands in for a disk that fills: writes past it fail as ENOSPC would."""
    cassette = tmp_path / "full.cassette.jsonl.gz"

    def limit_file_size():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4000, 4000))

    proxy = start("record", "--upstream", upstream.url, "--cassette", str(cassette), preexec_fn=limit_file_size)
    statuses = [raw_request(proxy.port, "POST", "/api/v1/chat/completions", chat("mockrouter/hello", f"fill {i} {uuid.uuid4()}")).status
                for i in range(12)]
    rc, stderr = proxy.stop()
    assert statuses == [200] * 12 and rc == 0
    assert "could not append to the cassette" in stderr
    listing = subprocess.run([BIN, "cassette", "ls", str(cassette)], capture_output=True, text=True)
    assert listing.returncode == 0
    kept = len(listing.stdout.splitlines())
    assert 1 <= kept < 12
    verify = subprocess.run([BIN, "cassette", "verify", str(cassette)], capture_output=True, text=True)
    assert verify.returncode == 0, "a failed write left a partial record behind: " + verify.stdout


def test_sigterm_lets_an_in_flight_stream_finish_and_records_it(slow_upstream, tmp_path):
    cassette = tmp_path / "drain.cassette.jsonl.gz"
    proxy = record(slow_upstream.url, cassette)
    result = {}
    worker = threading.Thread(target=lambda: result.update(raw=raw_request(proxy.port, "POST", "/api/v1/chat/completions",
                                                                          chat("mockrouter/slow-stream", "drain me"))))
    worker.start()
    time.sleep(1.0)  # the stream has started (first token after 0.8 s) and runs about another second
    proxy.popen.send_signal(signal.SIGTERM)
    rc = proxy.popen.wait(15)
    worker.join(15)
    live = result["raw"]
    assert rc == 0
    assert live.terminated and live.body.endswith(b"data: [DONE]\n\n"), "the in-flight stream was cut by shutdown"
    lines = cassette_lines(cassette)
    assert len(lines) == 2 and lines[1]["outcome"]["kind"] == "complete"
    assert "".join(f["text"] for f in lines[1]["response"]["body"]["sse"]).encode() == live.body
