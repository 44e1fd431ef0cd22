"""Bad input over a real socket and the CLI: each gets a clear error naming the place, the server
keeps answering `GET /__admin/health`, and nothing on disk is lost (issue: hardening)."""

from __future__ import annotations

import json
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from proxy_support import BIN, REPO, Proc, start

CHAT = "/api/v1/chat/completions"
HELLO = {"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}


def request(url: str, path: str, body: bytes | None = None, headers: dict | None = None,
            method: str | None = None) -> tuple[int, dict, bytes]:
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    req = urllib.request.Request(url + path, data=body, headers=all_headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=20) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def healthy(url: str, headers: dict | None = None) -> bool:
    status, _, body = request(url, "/__admin/health", headers=headers)
    return status == 200 and json.loads(body)["status"] == "ok"


@pytest.fixture(scope="module")
def server():
    proc = start("serve", "--read-timeout", "1", "--idle-timeout", "2", "--max-connections", "64")
    yield proc
    rc, stderr = proc.stop()
    assert rc == 0, stderr


# Each: (what, scenario YAML, the key path the error must name, words it must contain).
BAD_SCENARIOS = [
    ("stall_ms 1e15", "fault: { kind: stall, after: 1, stall_ms: 1e15 }", "fault.stall_ms", "longer than 86400000 ms"),
    ("negative stall_ms", "fault: { kind: stall, after: 1, stall_ms: -5 }", "fault.stall_ms", "at least 0"),
    ("stall_ms .nan", "fault: { kind: stall, after: 1, stall_ms: .nan }", "fault.stall_ms", "expected a number"),
    ("stall_ms .inf", "fault: { kind: stall, after: 1, stall_ms: .inf }", "fault.stall_ms", "expected a number"),
    ("ttft_ms 1e300", "timing: { ttft_ms: 1e300 }", "timing.ttft_ms", "longer than"),
    ("jitter_ms huge", "timing: { jitter_ms: 99999999999 }", "timing.jitter_ms", "longer than"),
    ("pause ms huge", "timing: { pauses: [ { after: 1, ms: 1e18 } ] }", "timing.pauses[0].ms", "longer than"),
    ("tokens_per_second 0", "timing: { tokens_per_second: 0 }", "timing.tokens_per_second", "outside"),
    ("tokens_per_second tiny", "timing: { tokens_per_second: 1e-300 }", "timing.tokens_per_second", "outside"),
    ("tokens_per_second huge", "timing: { tokens_per_second: 1e300 }", "timing.tokens_per_second", "outside"),
    ("keepalive every µs", "keepalive: { interval_ms: 0.001 }\n    timing: { ttft_ms: 86400000 }",
     "keepalive.interval_ms", "at least 10 ms"),
    ("prompt_tokens near Int.max", "usage: { prompt_tokens: 9223372036854775807 }", "usage.prompt_tokens", "outside"),
    ("prompt_tokens past Int.max", "usage: { prompt_tokens: 99999999999999999999 }", "usage.prompt_tokens",
     "expected an integer"),
    ("negative completion_tokens", "usage: { completion_tokens: -1 }", "usage.completion_tokens", "outside"),
    ("prompt_tokens as text", "usage: { prompt_tokens: lots }", "usage.prompt_tokens", "expected an integer"),
    ("cost as text", "usage: { cost: free }", "usage.cost", "expected a number"),
    ("Content-Length header", 'headers: { Content-Length: "5" }', "headers.Content-Length", "framing header"),
    ("Transfer-Encoding header", 'headers: { transfer-encoding: "gzip" }', "headers.transfer-encoding",
     "framing header"),
    ("Connection header", 'headers: { Connection: "close" }', "headers.Connection", "framing header"),
    ("fault kind unknown", "fault: { kind: explode }", "fault.kind", "is not one of"),
    ("fault after negative", "fault: { kind: disconnect, after: -1 }", "fault.after", "outside"),
    ("chunking zero", "chunking: { text: 0 }", "chunking.text", "positive"),
]


@pytest.mark.parametrize("what,yaml_step,key,words", BAD_SCENARIOS, ids=[case[0] for case in BAD_SCENARIOS])
def test_a_bad_scenario_value_gets_400_naming_the_key(server: Proc, what: str, yaml_step: str, key: str, words: str):
    text = f"name: bad-value\nsteps:\n  - text: hello there\n    {yaml_step}\n"
    status, _, body = request(server.url, "/__admin/scenarios", text.encode(), method="POST")
    message = json.loads(body)["error"]["message"]
    assert status == 400, message
    assert f"steps[0].{key}" in message and words in message, message
    assert healthy(server.url)


@pytest.mark.parametrize("cassette", ["/etc/passwd", "../../etc/passwd", "cassettes/stream-text.cassette.jsonl.gz",
                                      "no-such-cassette"])
def test_a_posted_scenario_names_a_base_by_loaded_name_and_never_reads_a_path(server: Proc, cassette: str):
    text = f"name: based\nsteps:\n  - base: {{ cassette: '{cassette}' }}\n"
    status, _, body = request(server.url, "/__admin/scenarios", text.encode(), method="POST")
    message = json.loads(body)["error"]["message"]
    assert status == 400 and "steps[0].base.cassette" in message
    assert "root:" not in message and "first byte" not in message
    assert "loaded: chat-completion, key, models" in message


def test_a_posted_scenario_replays_a_loaded_cassette_by_name(server: Proc):
    text = "name: based-ok\nsteps:\n  - base: { cassette: stream-text }\n    fault: { kind: disconnect, after: 2 }\n"
    assert request(server.url, "/__admin/scenarios", text.encode(), method="POST")[0] == 201


def test_too_many_steps_and_deep_nesting_are_refused(server: Proc):
    steps = "".join("  - text: hi\n" for _ in range(10_001))
    status, _, body = request(server.url, "/__admin/scenarios", f"name: long\nsteps:\n{steps}".encode(), method="POST")
    assert status == 400 and "at most 10000 are allowed" in json.loads(body)["error"]["message"]
    deep = b"name: deep\nsteps:\n  - tool_calls: [{name: a, arguments: " + b"[" * 100_000 + b"]" * 100_000 + b"}]\n"
    status, _, body = request(server.url, "/__admin/scenarios", deep, method="POST")
    assert status == 400 and "nesting" in json.loads(body)["error"]["message"]
    for body in (b"[" * 1_000_000, b'{"a":' * 100_000):
        status, _, answer = request(server.url, CHAT, body, method="POST")
        assert status == 400 and "nesting deeper than 512" in json.loads(answer)["error"]["message"]
    assert healthy(server.url)


@pytest.mark.parametrize("spelling", [b"NaN", b"Infinity", b"-Infinity", b"1e999", b"-1e999", b"0x10"])
def test_nan_and_infinity_spellings_in_a_request_are_a_400(server: Proc, spelling: bytes):
    body = b'{"model":"openai/gpt-4o-mini","temperature":' + spelling + b',"messages":[]}'
    status, _, answer = request(server.url, CHAT, body, method="POST")
    assert status in (400, 404), answer
    assert healthy(server.url)


def test_ten_thousand_new_session_ids_leave_it_serving(server: Proc):
    with socket.create_connection(("127.0.0.1", server.port)) as conn:
        payload = json.dumps(HELLO).encode()
        pending = b""
        for n in range(10_000):
            pending += (f"POST /session/s{n}/scenario/hello/api/v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
                        f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n").encode() + payload
            if len(pending) > 256_000:
                conn.sendall(pending)
                pending = b""
        conn.sendall(pending)
        conn.settimeout(30)
        received = b""
        while received.count(b"HTTP/1.1 200 OK") < 10_000:
            chunk = conn.recv(1 << 20)
            assert chunk, "connection closed early"
            received += chunk
    assert healthy(server.url)


def test_a_half_sent_head_gets_408_after_the_read_timeout(server: Proc):
    with socket.create_connection(("127.0.0.1", server.port)) as conn:
        conn.sendall(b"POST /api/v1/chat/completions HTTP/1.1\r\nHost: x\r\n")
        conn.settimeout(10)
        started = time.monotonic()
        answer = conn.recv(4096)
        assert answer.startswith(b"HTTP/1.1 408 Request Timeout")
        assert b"--read-timeout" in answer and 0.9 <= time.monotonic() - started < 5
        assert conn.recv(4096) == b"", "the connection stays open after the 408"
    assert healthy(server.url)


def test_a_body_that_stops_arriving_gets_408(server: Proc):
    with socket.create_connection(("127.0.0.1", server.port)) as conn:
        conn.sendall(b"POST /api/v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n{\"model\":")
        conn.settimeout(10)
        assert conn.recv(4096).startswith(b"HTTP/1.1 408")


def test_a_slowloris_is_cut_off_after_the_read_timeout(server: Proc):
    """Forty connections each send part of a head and stop: every one gets 408 after the read
    timeout and is closed, and the server still answers."""
    held = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(40)]
    for conn in held:
        conn.sendall(b"GET /api/v1/models HTTP/1.1\r\n")
        conn.settimeout(10)
    answers = [conn.recv(4096) for conn in held]
    assert all(answer.startswith(b"HTTP/1.1 408") for answer in answers)
    for conn in held:
        conn.close()
    assert healthy(server.url)


def test_an_idle_kept_alive_connection_is_closed(server: Proc):
    with socket.create_connection(("127.0.0.1", server.port)) as conn:
        conn.settimeout(10)
        started = time.monotonic()
        assert conn.recv(4096) == b""
        assert 1.9 <= time.monotonic() - started < 6


def test_a_scripted_stall_is_not_cut_by_the_read_timeout(server: Proc):
    scenario = "name: short-stall\nsteps:\n  - text: one two three four\n    fault: { kind: stall, after: 2, stall_ms: 3000 }\n"
    assert request(server.url, "/__admin/scenarios", scenario.encode(), method="POST")[0] in (200, 201)
    with socket.create_connection(("127.0.0.1", server.port)) as conn:
        body = json.dumps({**HELLO, "stream": True}).encode()
        conn.sendall(b"POST /scenario/short-stall/api/v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
                     + f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body)
        conn.settimeout(10)
        received = b""
        started = time.monotonic()
        while b"0\r\n\r\n" not in received:
            chunk = conn.recv(65536)
            assert chunk, "the stalled stream was cut"
            received += chunk
        assert time.monotonic() - started >= 2.9 and b"four" in received


def test_connections_over_the_limit_get_503_and_the_rest_are_served(server: Proc):
    held = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(64)]
    try:
        time.sleep(0.2)
        with socket.create_connection(("127.0.0.1", server.port)) as extra:
            extra.settimeout(5)
            answer = extra.recv(4096)
        assert answer.startswith(b"HTTP/1.1 503") and b"--max-connections" in answer
    finally:
        for conn in held:
            conn.close()
    time.sleep(0.2)
    assert healthy(server.url)


def test_require_key_covers_scenario_demanded_requests():
    proc = start("serve", "--require-key", "right")
    try:
        for path in ("/scenario/hello" + CHAT, CHAT):
            status, _, body = request(proc.url, path, json.dumps(HELLO).encode(), {"Authorization": "Bearer wrong"})
            assert status == 401 and json.loads(body)["error"]["message"] == "User not found.", path
        status, _, _ = request(proc.url, "/scenario/hello" + CHAT, json.dumps(HELLO).encode(), {"Authorization": "Bearer right"})
        assert status == 200
    finally:
        proc.stop()


def test_the_admin_token_guards_every_admin_route():
    proc = start("serve", "--admin-token", "s3cret")
    try:
        for method, path in (("GET", "/__admin/health"), ("GET", "/__admin/requests"), ("POST", "/__admin/reset"),
                             ("POST", "/__admin/scenarios")):
            status, _, body = request(proc.url, path, b"" if method == "POST" else None, method=method)
            assert status == 401 and "--admin-token" in json.loads(body)["error"]["message"], path
            status, _, _ = request(proc.url, path, b"" if method == "POST" else None, {"Authorization": "Bearer nope"},
                                   method=method)
            assert status == 401
        assert healthy(proc.url, {"Authorization": "Bearer s3cret"})
        assert request(proc.url, "/scenario/hello" + CHAT, json.dumps(HELLO).encode())[0] == 200
    finally:
        proc.stop()


def test_the_admin_token_can_come_from_the_environment():
    popen = subprocess.Popen([BIN, "serve", "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             cwd=REPO, env={"MOCKROUTER_ADMIN_TOKEN": "from-env", "PATH": "/usr/bin:/bin"})
    url = popen.stdout.readline().strip().rsplit(" ", 1)[-1]
    try:
        assert request(url, "/__admin/health")[0] == 401
        assert healthy(url, {"Authorization": "Bearer from-env"})
    finally:
        popen.terminate()
        popen.wait(10)


@pytest.mark.parametrize("command", [["serve"], ["record", "--upstream", "http://127.0.0.1:9", "--cassette", "x.jsonl"]])
def test_binding_beyond_loopback_needs_an_admin_token_or_insecure_admin(command: list[str], tmp_path: Path):
    refused = subprocess.run([BIN, *command, "--host", "0.0.0.0", "--port", "0"], capture_output=True, text=True,
                             timeout=20, cwd=tmp_path)
    assert refused.returncode != 0
    assert "--host 0.0.0.0 is reachable from other machines" in refused.stderr
    assert "--admin-token" in refused.stderr and "--insecure-admin" in refused.stderr
    for extra in (["--admin-token", "t"], ["--insecure-admin"]):
        popen = subprocess.Popen([BIN, *command, "--host", "0.0.0.0", "--port", "0", *extra], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True, cwd=tmp_path)
        try:
            assert popen.stdout.readline().startswith("mockrouter listening on http://0.0.0.0:")
        finally:
            popen.terminate()
            assert popen.wait(10) == 0


@pytest.mark.parametrize("flag,value", [("--speed", "0.0000001"), ("--speed", "-1"), ("--speed", "nan"),
                                        ("--speed", "1e9"), ("--read-timeout", "0"), ("--read-timeout", "1e12"),
                                        ("--idle-timeout", "nan"), ("--max-connections", "0"),
                                        ("--max-connections", "99999999999999999999"), ("--max-sessions", "0"),
                                        ("--max-body", "99999999999999999GB"), ("--journal-bytes", "-1")])
def test_an_out_of_range_flag_is_refused_naming_it(flag: str, value: str, tmp_path: Path):
    result = subprocess.run([BIN, "serve", "--port", "0", flag, value], capture_output=True, text=True, timeout=20,
                            cwd=tmp_path)
    assert result.returncode != 0 and flag in result.stderr, result.stderr


@pytest.mark.parametrize("field,value", [("offset_ms", 1e15), ("offset_ms", -1), ("ttfb_ms", 1e300)])
def test_a_cassette_with_an_out_of_range_time_is_refused_naming_file_and_line(field: str, value: float,
                                                                              tmp_path: Path):
    header = {"format": "mockrouter-cassette", "version": "1.0", "created": "2026-11-27T00:00:00Z", "tool": "test"}
    frame = {"offset_ms": 5, "text": "data: {}\n\n"}
    timing = {"started": "2026-11-27T00:00:00Z", "ttfb_ms": 1}
    if field == "offset_ms":
        frame["offset_ms"] = value
    else:
        timing[field] = value
    interaction = {"request": {"method": "POST", "path": CHAT, "headers": [], "body": {"json": HELLO}},
                   "response": {"status": 200, "headers": [], "body": {"sse": [frame]}},
                   "timing": timing, "outcome": {"kind": "complete"}}
    cassette = tmp_path / "bad.cassette.jsonl"
    cassette.write_text(json.dumps(header) + "\n" + json.dumps(interaction) + "\n" + json.dumps(interaction) + "\n")
    before = cassette.read_bytes()
    result = subprocess.run([BIN, "cassette", "verify", str(cassette)], capture_output=True, text=True, timeout=20)
    assert result.returncode != 0 and "bad.cassette.jsonl" in result.stdout + result.stderr
    assert field in result.stdout + result.stderr
    assert cassette.read_bytes() == before


class RedirectingUpstream(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's naming)
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(307)
        self.send_header("Location", "/api/v1/elsewhere")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_the_proxy_passes_a_redirect_through_and_records_it(tmp_path: Path):
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), RedirectingUpstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    cassette = tmp_path / "redirect.cassette.jsonl"
    proxy = start("record", "--upstream", f"http://127.0.0.1:{upstream.server_port}", "--cassette", str(cassette))
    try:
        req = urllib.request.Request(proxy.url + CHAT, data=json.dumps(HELLO).encode(),
                                     headers={"Content-Type": "application/json"})
        opener = urllib.request.build_opener(NoRedirect())
        with pytest.raises(urllib.error.HTTPError) as raised:
            opener.open(req, timeout=10)
        assert raised.value.code == 307 and raised.value.headers["Location"] == "/api/v1/elsewhere"
    finally:
        assert proxy.stop()[0] == 0
        upstream.shutdown()
    lines = [json.loads(line) for line in cassette.read_text().splitlines()]
    assert lines[1]["request"]["path"] == CHAT and lines[1]["response"]["status"] == 307


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_sigterm_right_after_the_ready_line_exits_cleanly(tmp_path: Path):
    """The signal handlers are installed before the ready line, so a harness that stops the server
    the moment it reads that line gets exit code 0, not death by SIGTERM."""
    for _ in range(10):
        popen = subprocess.Popen([BIN, "serve", "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True, cwd=tmp_path)
        assert popen.stdout.readline().startswith("mockrouter listening on")
        popen.terminate()
        assert popen.wait(10) == 0, popen.stderr.read()


def test_sessions_past_max_sessions_are_evicted_least_recently_used_first():
    proc = start("serve", "--max-sessions", "3")
    try:
        def chat(session: str, scenario: str) -> int:
            path = f"/session/{session}/scenario/{scenario}" + CHAT
            return request(proc.url, path, json.dumps(HELLO).encode())[0]

        own = "name: mine\nsteps:\n  - text: only for a\n"
        assert request(proc.url, "/__admin/scenarios?session=a", own.encode(), method="POST")[0] == 201
        assert chat("a", "rate-limit") == 429 and chat("a", "mine") == 200
        for session in ("b", "c"):
            assert chat(session, "hello") == 200
        assert chat("a", "rate-limit") == 429, "step 2 of rate-limit: a is still kept"
        assert chat("d", "hello") == 200, "a fourth session: b, the least recently used, is evicted"
        journal_b = json.loads(request(proc.url, "/__admin/requests?session=b")[2])["requests"]
        assert journal_b[-1]["source"] == "evicted" and "--max-sessions" in journal_b[-1]["message"]
        assert chat("e", "hello") == 200 and chat("f", "hello") == 200, "e evicts c, then f evicts a"
        assert chat("a", "mine") == 404, "a's own scenario was forgotten with it"
        assert chat("a", "rate-limit") == 429, "and its steps start over"
        health = json.loads(request(proc.url, "/__admin/health")[2])
        assert health["sessions"] == 3
    finally:
        assert proc.stop()[0] == 0


def test_the_journal_keeps_at_most_journal_bytes_of_bodies():
    proc = start("serve", "--journal-bytes", "2KB")
    try:
        padded = {**HELLO, "messages": [{"role": "user", "content": "x" * 700}]}
        for _ in range(6):
            request(proc.url, "/scenario/hello" + CHAT, json.dumps(padded).encode())
        entries = json.loads(request(proc.url, "/__admin/requests")[2])["requests"]
        assert 1 <= len(entries) <= 2, len(entries)
        assert sum(len(json.dumps(entry["body"])) for entry in entries) <= 2048
    finally:
        assert proc.stop()[0] == 0


def test_scenarios_posted_for_sessions_count_against_max_sessions():
    proc = start("serve", "--max-sessions", "2")
    try:
        for n in range(5):
            text = f"name: own\nsteps:\n  - text: session {n}\n"
            assert request(proc.url, f"/__admin/scenarios?session=p{n}", text.encode(), method="POST")[0] == 201
        assert json.loads(request(proc.url, "/__admin/health")[2])["sessions"] == 2
        status, _, body = request(proc.url, "/session/p4/scenario/own" + CHAT, json.dumps(HELLO).encode())
        assert status == 200 and b"session 4" in body
        assert request(proc.url, "/session/p0/scenario/own" + CHAT, json.dumps(HELLO).encode())[0] == 404
    finally:
        assert proc.stop()[0] == 0
