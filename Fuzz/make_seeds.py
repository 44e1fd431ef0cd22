#!/usr/bin/env python3
"""Write the fuzz targets' seed corpora under Fuzz/Corpus/<Target>/, deterministically.

Usage: python3 Fuzz/make_seeds.py [--check]

Seeds come from the repository's bundled cassettes and scenarios (copied, or taken apart: each
cassette line for FuzzJSON, each recorded stream body for FuzzSSE) and from a few hand-written
documents below. FuzzResolution's seeds are requests encoded in the layout its source file
documents. Every file is small; the whole corpus stays well under 200 KB. Running the script
again rewrites the same bytes; --check compares instead and exits 1 when a file differs or is
missing. Standard library only.
"""

import argparse
import gzip
import json
import struct
import sys
import zlib
from pathlib import Path

FUZZ = Path(__file__).resolve().parent
ROOT = FUZZ.parent
CORPUS = FUZZ / "Corpus"


def cassette_lines(path):
    return [line for line in gzip.decompress(path.read_bytes()).split(b"\n") if line.strip()]


def gzip_member(data):
    """One gzip member with mtime 0 and no file name, as MockRouter writes one."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)
    return compressor.compress(data) + compressor.flush()


# --- FuzzJSON ---------------------------------------------------------------------------------

JSON_DOCUMENTS = {
    "empty-object": b"{}",
    "scalars": b'[null,true,false,0,-0,1.5e-7,-12.25E+3,"",1]',
    "escapes": b'{"s":"a\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u0000\\u001f\\u00e9\\ud83d\\ude00"}',
    "unicode": '{"k\u00e9y":"\u65e5\u672c\u8a9e \U0001F600","e\u0301":"combining"}'.encode(),
    "duplicate-keys": b'{"a":1,"a":2,"b":{"a":[1,{"a":null}]}}',
    "nested": b"[[[[[[[[[[[[[[[[{}]]]]]]]]]]]]]]]]",
    "whitespace": b' \t\r\n{ "a" : [ 1 , 2 ] }\n ',
    "numbers": b"[0,-1,123456789012345678901234567890,1E400,-1e-400,0.000001,2.5e+10]",
    "chat-request": json.dumps(
        {"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}], "stream": True},
        separators=(",", ":")).encode(),
    "lone-surrogate": b'"\\ud800"',
}


def json_seeds():
    seeds = dict(JSON_DOCUMENTS)
    for cassette in sorted((ROOT / "cassettes").glob("*.cassette.jsonl.gz")):
        stem = cassette.name.removesuffix(".cassette.jsonl.gz")
        for number, line in enumerate(cassette_lines(cassette)):
            seeds[f"{stem}-{number}"] = line
    return {f"{name}.json": data for name, data in seeds.items()}


# --- FuzzCassette -----------------------------------------------------------------------------

PLAIN_HEADER = {"format": "mockrouter-cassette", "version": "1.0", "created": "2026-11-21T00:00:00Z",
                "tool": "mockrouter 0.1.0", "description": "a plain (not gzip) cassette for fuzzing"}
PLAIN_INTERACTION = {
    "request": {"method": "GET", "path": "/api/v1/credits", "query": "x=1", "headers": [["accept", "*/*"]],
                "body": {"text": "hello"}},
    "response": {"status": 200, "headers": [["content-type", "application/json"]],
                 "body": {"json": {"data": {"total_credits": 10, "total_usage": 1.5}}}},
    "timing": {"started": "2026-11-21T00:00:01Z", "ttfb_ms": 12.5, "duration_ms": 20},
}


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def cassette_seeds():
    seeds = {}
    cassettes = sorted((ROOT / "cassettes").glob("*.cassette.jsonl.gz"))
    for cassette in cassettes:
        seeds[cassette.name] = cassette.read_bytes()
    plain = compact(PLAIN_HEADER) + b"\n" + compact(PLAIN_INTERACTION) + b"\n"
    seeds["plain.cassette.jsonl"] = plain
    seeds["plain-cut-tail.cassette.jsonl"] = plain[:-20]
    seeds["crlf.cassette.jsonl"] = plain.replace(b"\n", b"\r\n")
    # Times finer than a microsecond: readers keep them, writers round them (docs/cassette-format.md, 7).
    fine = dict(PLAIN_INTERACTION, timing={"ttfb_ms": 12.5331, "duration_ms": 1e-4})
    seeds["sub-microsecond.cassette.jsonl"] = compact(PLAIN_HEADER) + b"\n" + compact(fine) + b"\n"
    # One gzip member per line, as a cassette appended to while recording is written.
    text = gzip.decompress((ROOT / "cassettes" / "stream-text.cassette.jsonl.gz").read_bytes())
    members = b"".join(gzip_member(line + b"\n") for line in text.split(b"\n") if line)
    seeds["members.cassette.jsonl.gz"] = members
    seeds["members-truncated.cassette.jsonl.gz"] = members[:-7]
    return seeds


# --- FuzzScenario -----------------------------------------------------------------------------

JSON_SCENARIOS = {
    "base-fault.json": {
        "name": "base-fault", "after_last": "cycle",
        "steps": [
            {"base": {"cassette": "stream-text", "interaction": 1}, "fault": {"kind": "disconnect", "after": 2}},
            {"base": {"cassette": "chat-completion.cassette.jsonl.gz"}, "headers": {"X-Test": "1"}},
            {"status": 429, "headers": {"Retry-After": "0"}, "error": {"message": "slow down"},
             "timing": {"ttft_ms": 5}},
        ],
    },
    "everything.json": {
        "name": "everything", "description": "most keys at once", "model": "anthropic/claude-sonnet-4.5",
        "provider": "Anthropic", "seed": 7, "match": {"path": "/v1/chat/completions", "contains": "weather"},
        "after_last": "error",
        "steps": [{
            "reasoning": {"text": "Think.", "summary": "Sum.", "encrypted": "b64==", "signature": "sig",
                          "format": "anthropic-claude-v1"},
            "text": "It is sunny.",
            "tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}},
                           {"name": "get_time", "arguments": "{\"tz\":", "id": "call_1"}],
            "interleave": True, "chunking": {"text": 3, "reasoning": "words", "arguments": 2},
            "finish_reason": "tool_calls", "native_finish_reason": "tool_use",
            "usage": {"prompt_tokens": 1, "completion_tokens": 2, "reasoning_tokens": 1, "cached_tokens": 0,
                      "cost": 0.5},
            "timing": {"ttft_ms": 10, "tokens_per_second": 50, "jitter_ms": 3, "pauses": [{"after": 1, "ms": 4}]},
            "keepalive": {"at_start": 2, "interval_ms": 10},
            "midstream_error": {"after": 3, "code": 502, "message": "gone", "error_type": "x", "provider_code": "p"},
            "line_endings": "crlf", "done": False,
        }],
    },
    "faults.json": {
        "name": "faults",
        "steps": [
            {"text": "a b c d", "fault": {"kind": "stall", "after": 1, "stall_ms": 5}},
            {"text": "a b c d", "fault": {"kind": "malformed", "after": 2}},
            {"text": "a b c d", "fault": {"kind": "broken_framing", "after": 1}},
            {"text": "a b c d", "fault": {"kind": "reset"}},
            {"status": 500, "error": {"message": "boom", "metadata": {"raw": "x", "n": [1, None]}}},
        ],
    },
}


def scenario_seeds():
    seeds = {path.name: path.read_bytes() for path in sorted((ROOT / "scenarios").glob("*.yaml"))}
    for name, scenario in JSON_SCENARIOS.items():
        seeds[name] = json.dumps(scenario, indent=1).encode() + b"\n"
    return seeds


# --- FuzzSSE ----------------------------------------------------------------------------------
# Input: a byte choosing how many chunks (first % 16 + 1), that many - 1 cut bytes, then the stream.

def sse_input(chunks, cuts, stream):
    assert len(cuts) == chunks - 1
    return bytes([chunks - 1]) + bytes(cuts) + stream


def recorded_streams():
    streams = {}
    for cassette in sorted((ROOT / "cassettes").glob("stream-*.cassette.jsonl.gz")):
        for line in cassette_lines(cassette)[1:]:
            body = json.loads(line)["response"]["body"]
            if "sse" in body:
                text = "".join(frame["text"] for frame in body["sse"]).encode()
                streams[cassette.name.removesuffix(".cassette.jsonl.gz")] = text
    return streams


def sse_seeds():
    seeds = {}
    for name, stream in recorded_streams().items():
        stream = stream[:1500]  # the head of each stream is enough to show every frame shape
        seeds[f"{name}.bin"] = sse_input(1, [], stream)
        seeds[f"{name}-4-chunks.bin"] = sse_input(4, [7, 61, 200], stream)
    small = b'data: {"a":1}\n\ndata: [DONE]\n\n'
    seeds["crlf.bin"] = sse_input(3, [9, 20], small.replace(b"\n", b"\r\n"))
    seeds["cr.bin"] = sse_input(3, [9, 20], small.replace(b"\n", b"\r"))
    seeds["mixed.bin"] = sse_input(5, [1, 2, 3, 4], b"a\r\n\r\nb\n\nc\r\rd\r\n\ne\n\r\nf")
    seeds["event-lines.bin"] = sse_input(2, [30], b"event: message_start\ndata: {}\n\n: comment\n\nid: 1\nretry: 5\n\n")
    seeds["unterminated.bin"] = sse_input(2, [5], b"data: cut in the midd")
    return seeds


# --- FuzzResolution ---------------------------------------------------------------------------
# The tables must match Fuzz/Sources/FuzzResolution/FuzzResolution.swift.

METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "post", "<token>"]
PATHS = [
    "/api/v1/chat/completions", "/api/v1/completions", "/api/v1/responses", "/api/v1/messages",
    "/api/v1/embeddings", "/api/v1/models", "/api/v1/models/", "/api/v1/models/user", "/api/v1/key",
    "/api/v1/auth/key", "/api/v1/credits", "/api/v1/generation", "/api/v1/providers", "/api/v1/",
    "/v1/chat/completions", "/v1/messages", "/v1/", "/session/", "/session/X/api/v1/chat/completions",
    "/session/X/scenario/hello/api/v1/messages", "/session/X/scenario/", "/scenario/",
    "/scenario/hello/api/v1/chat/completions", "/scenario/rate-limit/v1/chat/completions",
    "/scenario/midstream-error/api/v1/responses", "/__admin/health", "/__admin/requests",
    "/__admin/requests?session=x", "/__admin/reset", "/__admin/reset?session=x", "/__admin/cassettes",
    "/__admin/scenarios", "/__admin/scenarios?session=x", "/__admin/", "/", "",
]
HEADERS = ["content-type", "authorization", "x-api-key", "x-mockrouter-scenario", "x-mockrouter-session", "accept",
           "content-length", "x-title", "<token>"]
FLAG_SECURED = 4
FLAG_SMALL = 8


def short(data):
    data = data.encode() if isinstance(data, str) else data
    assert len(data) < 256
    return bytes([len(data)]) + data


def request(method, path, suffix="", headers=(), body=b""):
    """One request; `path` is an entry of PATHS, `suffix` what is appended to it."""
    out = bytearray()
    if method in METHODS:
        out.append(METHODS.index(method))
    else:
        out.append(METHODS.index("<token>"))
        out += short(method)
    out.append(PATHS.index(path))
    out += short(suffix)
    assert len(headers) <= 4
    out.append(len(headers))
    for name, value in headers:
        if name in HEADERS:
            out.append(HEADERS.index(name))
        else:
            out.append(HEADERS.index("<token>"))
            out += short(name)
        out += short(value)
    body = body.encode() if isinstance(body, str) else body
    return bytes(out), body


def resolution_input(requests, flags=0):
    assert 1 <= len(requests) <= 4
    out = bytearray([flags | (len(requests) - 1)])
    for index, (head, body) in enumerate(requests):
        out += head
        if index < len(requests) - 1:
            out += struct.pack("<H", len(body))
        out += body
    return bytes(out)


def body_json(model="openai/gpt-4o-mini", content="hi", stream=False, **extra):
    value = {"model": model, "messages": [{"role": "user", "content": content}]}
    if stream:
        value["stream"] = True
    value.update(extra)
    return compact(value)


JSON_TYPE = ("content-type", "application/json")


def recorded_requests():
    """The bundled cassettes' requests, as recorded (method, path, query, body bytes)."""
    found = []
    for cassette in sorted((ROOT / "cassettes").glob("*.cassette.jsonl.gz")):
        for line in cassette_lines(cassette)[1:]:
            recorded = json.loads(line)["request"]
            body = recorded.get("body") or {}
            if "json" in body:
                data = compact(body["json"])
            elif "text" in body:
                data = body["text"].encode()
            else:
                data = b""
            found.append((cassette.name.removesuffix(".cassette.jsonl.gz"), recorded["method"], recorded["path"],
                          recorded.get("query"), data))
    return found


def resolution_seeds():
    seeds = {}
    for stem, method, path, query, data in recorded_requests():
        base = path if path in PATHS else "/api/v1/"
        suffix = path[len(base):] + (f"?{query}" if query else "")
        headers = [JSON_TYPE] if data else []
        seeds[f"cassette-{stem}"] = resolution_input([request(method, base, suffix, headers, data)])
        seeds[f"cassette-{stem}-v1-session"] = resolution_input(
            [request(method, "/session/", "t1" + path.removeprefix("/api"), headers, data)])

    chat = body_json()
    stream = body_json(stream=True)
    seeds["scenario-hello-messages"] = resolution_input([request(
        "POST", "/session/X/scenario/hello/api/v1/messages", "", [JSON_TYPE],
        body_json(model="anthropic/claude-sonnet-4.5", stream=True, max_tokens=64))])
    seeds["scenario-rate-limit-three"] = resolution_input(
        [request("POST", "/scenario/rate-limit/v1/chat/completions", "", [JSON_TYPE], chat)] * 3)
    seeds["scenario-by-header"] = resolution_input([request(
        "POST", "/api/v1/responses", "", [JSON_TYPE, ("x-mockrouter-scenario", "reasoning")],
        compact({"model": "openai/o3", "input": "hi", "stream": True}))])
    seeds["scenario-by-model"] = resolution_input([request(
        "POST", "/api/v1/chat/completions", "", [JSON_TYPE], body_json(model="mockrouter/tool-call", stream=True))])
    seeds["scenario-completions"] = resolution_input([request(
        "POST", "/scenario/", "parallel-tool-calls/api/v1/completions", [JSON_TYPE],
        compact({"model": "openai/gpt-4o", "prompt": "hi"}))])
    seeds["scenario-unknown"] = resolution_input(
        [request("POST", "/scenario/", "nope/api/v1/chat/completions", [JSON_TYPE], chat)])
    seeds["scenario-bad-body"] = resolution_input(
        [request("POST", "/scenario/hello/api/v1/chat/completions", "", [("content-type", "text/plain")], b"{")])
    seeds["near-miss"] = resolution_input([request(
        "POST", "/api/v1/chat/completions", "", [JSON_TYPE],
        body_json(content="Write a haiku about the moon.", stream=True))])
    seeds["wrong-method"] = resolution_input([request("GET", "/api/v1/chat/completions")])
    seeds["catalogue"] = resolution_input([
        request("GET", "/api/v1/models"), request("GET", "/api/v1/models/", "openai/gpt-4o/endpoints"),
        request("GET", "/api/v1/credits"), request("GET", "/api/v1/generation", "?id=gen-1")])
    seeds["generation-after-scenario"] = resolution_input([
        request("POST", "/scenario/hello/api/v1/chat/completions", "", [JSON_TYPE], chat),
        request("GET", "/api/v1/generation", "?id=gen-x")])
    seeds["unknown-path"] = resolution_input([request("GET", "/", "favicon.ico")])
    seeds["token-method"] = resolution_input([request("PROPFIND", "/api/v1/key")])
    seeds["secured-no-key"] = resolution_input([request("POST", "/api/v1/chat/completions", "", [JSON_TYPE], chat)],
                                               flags=FLAG_SECURED)
    seeds["secured-key"] = resolution_input([
        request("POST", "/api/v1/messages", "", [JSON_TYPE, ("x-api-key", "sk-fuzz")],
                body_json(model="anthropic/claude-sonnet-4.5")),
        request("GET", "/__admin/health", "", [("authorization", "Bearer fuzz-token")]),
        request("GET", "/__admin/health", "", [("authorization", "Bearer wrong")])], flags=FLAG_SECURED)
    scenario_yaml = b"name: posted\nsteps:\n  - text: Hello from a posted scenario\n  - status: 503\n    error: {message: busy}\n"
    seeds["admin-post-scenario-then-use"] = resolution_input([
        request("POST", "/__admin/scenarios", "?session=x", [("content-type", "application/yaml")], scenario_yaml),
        request("POST", "/session/X/scenario/", "posted/api/v1/chat/completions", [JSON_TYPE], stream),
        request("POST", "/session/", "x/scenario/posted/api/v1/chat/completions", [JSON_TYPE], stream),
        request("GET", "/__admin/scenarios?session=x")])
    posted_json = compact({"name": "posted-base", "steps": [
        {"base": {"cassette": "stream-text"}, "fault": {"kind": "reset", "after": 1}}]})
    seeds["admin-post-json-base"] = resolution_input([
        request("POST", "/__admin/scenarios", "", [JSON_TYPE], posted_json),
        request("POST", "/scenario/", "posted-base/v1/chat/completions", [JSON_TYPE], stream)])
    seeds["admin-requests"] = resolution_input([
        request("POST", "/session/X/api/v1/chat/completions", "", [JSON_TYPE], chat),
        request("GET", "/__admin/requests?session=x"), request("GET", "/__admin/requests", "?session=X"),
        request("GET", "/__admin/cassettes")])
    seeds["admin-reset"] = resolution_input([
        request("POST", "/scenario/rate-limit/v1/chat/completions", "", [JSON_TYPE], chat),
        request("POST", "/__admin/reset"), request("POST", "/__admin/reset?session=x"),
        request("DELETE", "/__admin/scenarios")])
    seeds["sessions-evicted"] = resolution_input([
        request("POST", "/session/", f"s{n}/api/v1/chat/completions", [JSON_TYPE], chat) for n in range(3)
    ] + [request("GET", "/__admin/requests")], flags=FLAG_SMALL)
    seeds["session-header"] = resolution_input([request(
        "POST", "/api/v1/chat/completions", "", [JSON_TYPE, ("x-mockrouter-session", "h"),
                                                 ("accept", "text/event-stream"), ("x-custom", "v")], stream)])
    return {f"{name}.bin": data for name, data in seeds.items()}


TARGETS = {
    "FuzzJSON": json_seeds,
    "FuzzCassette": cassette_seeds,
    "FuzzScenario": scenario_seeds,
    "FuzzSSE": sse_seeds,
    "FuzzResolution": resolution_seeds,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the files instead of writing them")
    args = parser.parse_args()
    stale = []
    for target, make in TARGETS.items():
        folder = CORPUS / target
        seeds = make()
        if not args.check:
            folder.mkdir(parents=True, exist_ok=True)
            for old in folder.iterdir():
                if old.name not in seeds:
                    old.unlink()
        for name, data in sorted(seeds.items()):
            path = folder / name
            if args.check:
                if not path.exists() or path.read_bytes() != data:
                    stale.append(str(path.relative_to(ROOT)))
            else:
                path.write_bytes(data)
        if not args.check:
            print(f"{target}: {len(seeds)} seeds, {sum(map(len, seeds.values()))} bytes")
    if stale:
        print("out of date (run python3 Fuzz/make_seeds.py):\n  " + "\n  ".join(stale), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
