"""Shared helpers for the Python interop suite (not a test module).

Everything here is stdlib + httpx: reading cassettes straight from disk (to
derive expected values and to prove the format is readable outside Swift),
canonical JSON comparison, and small admin-API helpers.
"""

from __future__ import annotations

import gzip
import importlib
import json
import os
import re
from pathlib import Path
from typing import Any, Iterator

import pytest

REPO = Path(__file__).resolve().parents[2]

VOLATILE_TOP_LEVEL = frozenset({"user", "session_id", "metadata", "trace"})

CHAT_PATH = "/api/v1/chat/completions"


# --------------------------------------------------------------------------
# "never silently skip under CI"


def interop_required() -> bool:
    """True when a missing SDK / venv must fail the run instead of skipping."""
    ci = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")
    forced = os.environ.get("MOCKROUTER_REQUIRE_INTEROP", "").strip().lower() in ("1", "true", "yes")
    return ci or forced


def require_module(name: str):
    """Import `name`; skip the calling module locally, fail loudly under CI."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:  # pragma: no cover - depends on environment
        msg = (
            f"Python package {name!r} is not importable ({exc}). Create the venv: "
            "python3 -m venv .venv && .venv/bin/pip install -r Tests/Interop/requirements.txt, "
            "then run .venv/bin/python -m pytest Tests/Interop"
        )
        if interop_required():
            pytest.fail(f"interop suite required (CI / MOCKROUTER_REQUIRE_INTEROP) but {msg}", pytrace=False)
        pytest.skip(msg, allow_module_level=True)


# --------------------------------------------------------------------------
# cassettes on disk


def cassette_dir() -> Path:
    return Path(os.environ.get("MOCKROUTER_CASSETTES", REPO / "cassettes"))


def cassette_files() -> list[Path]:
    d = cassette_dir()
    return sorted(list(d.glob("*.cassette.jsonl.gz")) + list(d.glob("*.cassette.jsonl")))


def read_cassette(path: Path) -> tuple[dict, list[dict]]:
    """Return (header, interactions) of a cassette file (gzip detected by magic bytes)."""
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)  # handles concatenated members
    lines = [line for line in raw.decode("utf-8").split("\n") if line.strip()]
    assert lines, f"{path}: empty cassette"
    header = json.loads(lines[0])
    assert header.get("format") == "mockrouter-cassette", f"{path}: bad header {header!r}"
    assert str(header.get("version", "")).split(".")[0] == "1", f"{path}: version {header.get('version')!r}"
    interactions = [json.loads(line) for line in lines[1:]]
    return header, interactions


def canonical(value: Any, top: bool = True) -> Any:
    """Canonical form for JSON comparison: key order ignored, numbers by value,
    volatile top-level fields dropped, bools kept distinct from numbers."""
    if isinstance(value, dict):
        return tuple(
            sorted(
                (k, canonical(v, False))
                for k, v in value.items()
                if not (top and k in VOLATILE_TOP_LEVEL)
            )
        )
    if isinstance(value, list):
        return ("list", tuple(canonical(v, False) for v in value))
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        return ("num", float(value))
    return value


class Recorded:
    """One interaction found on disk."""

    def __init__(self, path: Path, number: int, interaction: dict):
        self.path = path
        self.number = number  # 1-based interaction number within the file
        self.interaction = interaction

    @property
    def name(self) -> str:
        return self.path.name.split(".cassette.")[0]

    @property
    def request(self) -> dict:
        return self.interaction["request"]

    @property
    def response(self) -> dict:
        return self.interaction["response"]

    def response_json(self) -> Any:
        body = self.response.get("body") or {}
        if "json" in body:
            return body["json"]
        if "text" in body:
            return json.loads(body["text"])
        raise AssertionError(f"{self.path}#{self.number}: response body is not JSON: {list(body)}")

    def sse_text(self) -> str:
        body = self.response.get("body") or {}
        assert "sse" in body, f"{self.path}#{self.number}: response body is not SSE: {list(body)}"
        return "".join(frame["text"] for frame in body["sse"])

    def sse_data(self) -> list[str]:
        """`data:` payloads of the recorded stream, in order (comments skipped)."""
        return list(_iter_sse_data(self.sse_text()))

    def sse_chunks(self) -> list[dict]:
        """JSON chunks of the recorded stream, without the [DONE] sentinel."""
        return [json.loads(d) for d in self.sse_data() if not d.startswith("[DONE]")]

    def __repr__(self) -> str:
        return f"<{self.path.name} interaction {self.number}>"


def _iter_sse_data(text: str) -> Iterator[str]:
    # Events are separated by a blank line; a trailing event without one is
    # not dispatched (that is what every SDK does).
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    events = text.split("\n\n")
    for event in events[:-1]:
        data_lines = []
        for line in event.split("\n"):
            if line.startswith(":") or not line:
                continue
            field, _, value = line.partition(":")
            if value.startswith(" "):
                value = value[1:]
            if field == "data":
                data_lines.append(value)
        if data_lines:
            yield "\n".join(data_lines)


def find_recorded(method: str, path: str, body: Any = None, query: str | None = None) -> Recorded:
    """Find the (first) recorded interaction answering this request, scanning
    every cassette on disk with the documented matching rules."""
    files = cassette_files()
    assert files, f"no cassettes in {cassette_dir()}"
    want_body = canonical(body) if body is not None else None
    want_query = sorted((query or "").split("&")) if query else []
    for f in files:
        _, interactions = read_cassette(f)
        for i, it in enumerate(interactions, start=1):
            req = it["request"]
            rpath = req["path"]
            if rpath.startswith("/v1/"):
                rpath = "/api" + rpath
            if req["method"] != method or rpath != path:
                continue
            rq = req.get("query")
            have_query = sorted(rq.split("&")) if rq else []
            if have_query != want_query:
                continue
            rbody = req.get("body")
            if rbody is None:
                have = None
            elif "json" in rbody:
                have = canonical(rbody["json"])
            elif "text" in rbody:
                try:
                    have = canonical(json.loads(rbody["text"]))
                except ValueError:
                    have = rbody["text"]
            else:
                continue
            if have == want_body:
                return Recorded(f, i, it)
    raise AssertionError(
        f"no cassette in {cassette_dir()} records {method} {path} with body {json.dumps(body)}; "
        f"files: {[p.name for p in files]}"
    )


# --------------------------------------------------------------------------
# admin API


def journal(base_url: str) -> list[dict]:
    """GET /__admin/requests, normalised to a list of entries."""
    import httpx

    r = httpx.get(base_url + "/__admin/requests", timeout=10)
    assert r.status_code == 200, f"GET /__admin/requests -> {r.status_code}: {r.text[:500]}"
    data = r.json()
    if isinstance(data, list):
        return data
    assert isinstance(data, dict), f"journal is neither list nor object: {data!r}"
    for key in ("requests", "entries", "journal", "data"):
        if isinstance(data.get(key), list):
            return data[key]
    raise AssertionError(f"journal object has no list of entries: {list(data)}")


def extra_field(model, name: str):
    """A field the OpenAI types do not declare (an OpenRouter extension such as `reasoning`)."""
    extra = getattr(model, "model_extra", None) or {}
    if name in extra:
        return extra[name]
    return getattr(model, name, None)


def collect_chat_stream(stream) -> tuple[list[str], list[str], list[dict]]:
    """Reads an OpenAI SDK chat stream: (reasoning pieces, content pieces, reasoning_details)."""
    reasoning, content, details = [], [], []
    for chunk in stream:
        if not chunk.choices:
            continue
        delta = chunk.choices[0].delta
        if piece := extra_field(delta, "reasoning"):
            reasoning.append(piece)
        if more := extra_field(delta, "reasoning_details"):
            details.extend(more)
        if delta.content:
            content.append(delta.content)
    return reasoning, content, details

def read_content_into(stream, collected: list[str]) -> None:
    """Appends each chunk's content to `collected` as it arrives, so a test that expects the stream
    to raise still sees what came before the error."""
    for chunk in stream:
        if chunk.choices:
            collected.append(chunk.choices[0].delta.content or "")


def collect_tool_calls(stream):
    """Accumulate streamed tool-call deltas: (calls by index, fragment index order, finish reasons)."""
    calls: dict[int, dict] = {}
    order: list[int] = []
    finish = []
    for chunk in stream:
        if not chunk.choices:
            continue
        choice = chunk.choices[0]
        if choice.finish_reason:
            finish.append(choice.finish_reason)
        for tc in choice.delta.tool_calls or []:
            order.append(tc.index)
            call = calls.setdefault(tc.index, {"id": None, "name": None, "arguments": ""})
            if tc.id:
                call["id"] = tc.id
            if tc.function is not None:
                if tc.function.name:
                    call["name"] = tc.function.name
                if tc.function.arguments:
                    call["arguments"] += tc.function.arguments
    return calls, order, finish


GENERATION_ID = re.compile(rb"gen-(\d{10})-[A-Za-z0-9]+")


def served_generation_id(body: bytes) -> str:
    """The first OpenRouter generation id (gen-SECONDS-TAIL) in a response body."""
    match = GENERATION_ID.search(body)
    assert match, f"no generation id in {body[:200]!r}"
    return match.group(0).decode()


def with_served_identity(recorded: bytes, served: bytes) -> bytes:
    """`recorded` as a replay with a fresh identity sends it: its generation id, and each
    `"created":SECONDS` of the recording, replaced by the id and seconds `served` carries
    (`recorded` itself when it has no generation id: such answers replay as recorded)."""
    old = GENERATION_ID.search(recorded)
    if old is None:
        return recorded
    new = GENERATION_ID.search(served)
    assert new, "a replayed answer keeps a generation id"
    assert len(old.group(0)) == len(new.group(0)), "a fresh id has the recorded id's length"
    out = recorded.replace(old.group(0), new.group(0))
    for key in (b'"created":', b'"created_at":', b'"created": ', b'"created_at": '):
        out = out.replace(key + old.group(1), key + new.group(1))
    return out
