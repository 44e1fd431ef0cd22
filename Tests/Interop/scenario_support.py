"""Shared helpers for the scenario interop tests (not a test module).

- reading the bundled scenario files from disk (PyYAML), so expected texts,
  arguments, faults and timings come from the one place that defines them;
- computing what a step renders as, by the rules of the scenario language
  (token events, `words` chunking, defaults);
- per-test session ids and scenario base URLs;
- a raw HTTP/1.1 client over a plain socket that keeps the wire visible:
  chunked framing, EOF versus the terminating zero-length chunk, resets,
  silence, and the arrival time of every byte.
"""

from __future__ import annotations

import json
import re
import socket
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from interop_support import REPO, require_module

yaml = require_module("yaml")

CHAT_PATH = "/api/v1/chat/completions"
PROCESSING_COMMENT = ": OPENROUTER PROCESSING"

DEFAULT_ERROR_TYPE = {
    400: "invalid_request",
    401: "authentication",
    402: "payment_required",
    403: "permission_denied",
    404: "not_found",
    408: "timeout",
    429: "rate_limit_exceeded",
    500: "server",
    502: "provider_unavailable",
    503: "provider_overloaded",
}


# --------------------------------------------------------------------------
# scenario files on disk


def scenario_dir() -> Path:
    return REPO / "scenarios"


def _scenario_files() -> list[Path]:
    d = scenario_dir()
    return sorted(p for ext in ("yaml", "yml", "json") for p in d.glob(f"*.{ext}"))


def load_scenario(name: str) -> dict:
    """The scenario whose `name` is NAME (normally scenarios/NAME.yaml)."""
    for ext in ("yaml", "yml", "json"):
        path = scenario_dir() / f"{name}.{ext}"
        if path.exists():
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
            if isinstance(doc, dict) and doc.get("name") == name:
                return doc
    for path in _scenario_files():
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(doc, dict) and doc.get("name") == name:
            return doc
    pytest.fail(
        f"no bundled scenario named {name!r} in {scenario_dir()} "
        f"(files: {[p.name for p in _scenario_files()]})",
        pytrace=False,
    )


def step(scenario: dict, n: int = 1) -> dict:
    """Step n (1-based) of a scenario."""
    steps = scenario.get("steps") or []
    assert len(steps) >= n, f"scenario {scenario.get('name')!r} has {len(steps)} steps, wanted step {n}"
    return steps[n - 1]


def status_of(st: dict) -> int:
    return int(st.get("status", 200))


def first_success(scenario: dict) -> tuple[int, dict]:
    """(1-based index, step) of the first step that is not an HTTP error."""
    for i, st in enumerate(scenario.get("steps") or [], start=1):
        if status_of(st) < 400:
            return i, st
    raise AssertionError(f"scenario {scenario.get('name')!r} has no successful step")


def first_error(scenario: dict) -> dict:
    for st in scenario.get("steps") or []:
        if status_of(st) >= 400:
            return st
    raise AssertionError(f"scenario {scenario.get('name')!r} has no HTTP error step")


def error_type(st: dict) -> str:
    err = st.get("error") or {}
    return err.get("error_type") or DEFAULT_ERROR_TYPE[status_of(st)]


def step_header(st: dict, name: str) -> str | None:
    """A header the step adds (case-insensitive name), as text."""
    for k, v in (st.get("headers") or {}).items():
        if k.lower() == name.lower():
            return str(v)
    return None


# ---------------------------------------------------------------- content


def text_of(st: dict) -> str:
    return st.get("text") or ""


def _reasoning(st: dict) -> dict:
    r = st.get("reasoning")
    if r is None:
        return {}
    if isinstance(r, str):
        return {"text": r}
    assert isinstance(r, dict), f"reasoning is neither string nor object: {r!r}"
    return r


def reasoning_text(st: dict) -> str:
    return _reasoning(st).get("text") or ""


def reasoning_signature(st: dict) -> str | None:
    return _reasoning(st).get("signature")


def tool_calls(st: dict) -> list[dict]:
    """[{name, arguments (parsed object), id (or None)}] as the step declares them."""
    out = []
    for call in st.get("tool_calls") or []:
        args = call.get("arguments", {})
        if isinstance(args, str):
            args = json.loads(args) if args.strip() else {}
        out.append({"name": call["name"], "arguments": args, "id": call.get("id")})
    return out


def split_deltas(text: str, rule: Any = "words") -> list[str]:
    """The language's chunking: `words` splits before each space
    ("Hello there, friend" -> "Hello", " there,", " friend"); an integer N
    cuts N characters per delta."""
    if not text:
        return []
    if rule is None or rule == "words":
        return [piece for piece in re.split(r"(?= )", text) if piece]
    n = int(rule)
    assert n > 0, f"chunking {rule!r}"
    return [text[i : i + n] for i in range(0, len(text), n)]


def _chunking(st: dict, key: str, default: Any) -> Any:
    return (st.get("chunking") or {}).get(key, default)


def text_deltas(st: dict) -> list[str]:
    return split_deltas(text_of(st), _chunking(st, "text", "words"))


def reasoning_deltas(st: dict) -> list[str]:
    return split_deltas(reasoning_text(st), _chunking(st, "reasoning", "words"))


@dataclass
class TokenEvent:
    kind: str  # "reasoning" | "text" | "tool"
    value: str


def token_events(st: dict) -> list[TokenEvent]:
    """The step's token events in stream order: reasoning deltas, then text
    deltas, then tool-call fragments (a call's start counts as one). Tool
    fragments carry no value here and their count is approximate (it depends
    on how the server spells the arguments JSON); text_before() does not
    depend on it because tool calls come last."""
    events = [TokenEvent("reasoning", d) for d in reasoning_deltas(st)]
    events += [TokenEvent("text", d) for d in text_deltas(st)]
    per = int(_chunking(st, "arguments", 8))
    for call in st.get("tool_calls") or []:
        args = call.get("arguments", {})
        raw = args if isinstance(args, str) else json.dumps(args, separators=(",", ":"))
        events.append(TokenEvent("tool", ""))  # the start of the call
        events += [TokenEvent("tool", "") for _ in range(max(1, -(-len(raw) // per)) if raw else 0)]
    return events


def text_before(st: dict, n: int) -> str:
    """The answer text carried by the first n token events."""
    return "".join(e.value for e in token_events(st)[:n] if e.kind == "text")


def timing(st: dict) -> dict:
    return st.get("timing") or {}


def keepalive(st: dict) -> dict:
    return st.get("keepalive") or {}


# --------------------------------------------------------------------------
# sessions and URLs


def new_session() -> str:
    """A fresh session id, so each test has its own step counters."""
    return "t-" + uuid.uuid4().hex


def scenario_base(base_url: str, name: str, session: str, api: str = "/api/v1") -> str:
    """http://HOST:PORT/session/ID/scenario/NAME/api/v1 (api="/api" for the Anthropic SDK,
    which appends /v1/messages itself)."""
    return f"{base_url}/session/{session}/scenario/{name}{api}"


def chat_body(stream: bool = True, **extra: Any) -> dict:
    body = {
        "model": "openai/gpt-4o-mini",
        "messages": [{"role": "user", "content": "Scenario interop test."}],
    }
    if stream:
        body["stream"] = True
    body.update(extra)
    return body


# --------------------------------------------------------------------------
# raw HTTP/1.1 over a plain socket


class WireError(AssertionError):
    pass


@dataclass
class Frame:
    """One SSE event block (the text up to and including its blank line)."""

    raw: bytes
    t: float  # seconds after the request was sent, when its last byte arrived
    complete: bool = True  # False for a trailing block without its blank line

    @property
    def lines(self) -> list[str]:
        return [ln for ln in re.split(r"\r\n|\n|\r", self.raw.decode("utf-8", "replace")) if ln != ""]

    @property
    def comments(self) -> list[str]:
        return [ln for ln in self.lines if ln.startswith(":")]

    @property
    def data_lines(self) -> list[str]:
        out = []
        for ln in self.lines:
            fieldname, _, value = ln.partition(":")
            if fieldname == "data":
                out.append(value[1:] if value.startswith(" ") else value)
        return out

    @property
    def data(self) -> str | None:
        d = self.data_lines
        return "\n".join(d) if d else None

    def json(self) -> Any:
        return json.loads(self.data)


_BLOCK_END = re.compile(rb"\r\n\r\n|\n\n|\r\r")


def is_token_chunk(obj: Any) -> bool:
    """A chat chunk carrying one token event (content, reasoning or tool-call fragment)."""
    if not isinstance(obj, dict):
        return False
    for choice in obj.get("choices") or []:
        delta = choice.get("delta") or {}
        if delta.get("content") or delta.get("reasoning") or delta.get("tool_calls"):
            return True
    return False


@dataclass
class RawResponse:
    status: int = 0
    reason: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    head: bytes = b""
    chunked: bool = False
    body: bytes = b""
    arrivals: list[tuple[int, float]] = field(default_factory=list)  # (body length so far, t)
    terminated: bool = False  # terminating zero-length chunk (or full Content-Length) seen
    eof: bool = False  # the peer closed (recv returned b"")
    error: BaseException | None = None  # e.g. ConnectionResetError, socket.timeout
    t_end: float = 0.0

    def frames(self) -> list[Frame]:
        frames, pos = [], 0
        for m in _BLOCK_END.finditer(self.body):
            frames.append(Frame(self.body[pos : m.end()], self._time_at(m.end())))
            pos = m.end()
        if pos < len(self.body):
            frames.append(Frame(self.body[pos:], self._time_at(len(self.body)), complete=False))
        return frames

    def data_frames(self) -> list[Frame]:
        return [f for f in self.frames() if f.data is not None]

    def _time_at(self, offset: int) -> float:
        for length, t in self.arrivals:
            if length >= offset:
                return t
        return self.arrivals[-1][1] if self.arrivals else 0.0

    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class RawClient:
    """One request over one socket; the response is read incrementally so the
    caller can stop reading and inspect the connection (stall tests)."""

    def __init__(self, base_url: str, timeout: float = 10.0):
        u = urlsplit(base_url)
        self.host, self.port = u.hostname, u.port
        self.sock = socket.create_connection((self.host, self.port), timeout=timeout)
        self.sock.settimeout(timeout)
        self.resp = RawResponse()
        self._buf = b""
        self._t0 = 0.0
        self._chunk_left: int | None = None  # bytes left in the current chunk (None: expecting a size line)
        self._content_left: int | None = None

    # ---------------------------------------------------------- request

    def send(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> RawResponse:
        payload = b"" if body is None else json.dumps(body).encode()
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            "Authorization: Bearer sk-test",
            "Accept: text/event-stream",
            "User-Agent: mockrouter-interop-raw/1",
        ]
        if body is not None:
            lines += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
        for k, v in (headers or {}).items():
            lines.append(f"{k}: {v}")
        self._t0 = time.monotonic()
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + payload)
        self._read_head()
        return self.resp

    def elapsed(self) -> float:
        return time.monotonic() - self._t0

    # ---------------------------------------------------------- reading

    def _recv(self) -> bytes:
        data = self.sock.recv(65536)
        if not data:
            self.resp.eof = True
        return data

    def _read_head(self) -> None:
        while b"\r\n\r\n" not in self._buf:
            data = self._recv()
            if not data:
                raise WireError(f"connection closed before the response head was complete: {self._buf!r}")
            self._buf += data
        head, _, rest = self._buf.partition(b"\r\n\r\n")
        self.resp.head = head + b"\r\n\r\n"
        self._buf = rest
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        parts = status_line.split(" ", 2)
        assert parts[0] == "HTTP/1.1", f"status line {status_line!r}"
        self.resp.status = int(parts[1])
        self.resp.reason = parts[2] if len(parts) > 2 else ""
        for line in header_lines:
            name, _, value = line.partition(":")
            self.resp.headers[name.strip().lower()] = value.strip()
        te = self.resp.headers.get("transfer-encoding", "").lower()
        self.resp.chunked = "chunked" in te
        if not self.resp.chunked and "content-length" in self.resp.headers:
            self._content_left = int(self.resp.headers["content-length"])
        self._decode()

    def _append_body(self, data: bytes) -> None:
        if data:
            self.resp.body += data
            self.resp.arrivals.append((len(self.resp.body), self.elapsed()))

    def _decode(self) -> None:
        """Move what is decodable from the raw buffer into resp.body."""
        r = self.resp
        if r.terminated:
            return
        if not r.chunked:
            if self._content_left is None:
                self._append_body(self._buf)
                self._buf = b""
            else:
                take = self._buf[: self._content_left]
                self._buf = self._buf[len(take) :]
                self._content_left -= len(take)
                self._append_body(take)
                if self._content_left == 0:
                    r.terminated = True
            return
        while True:
            if self._chunk_left is None:
                if b"\r\n" not in self._buf:
                    return
                size_line, _, self._buf = self._buf.partition(b"\r\n")
                size = int(size_line.split(b";")[0].strip() or b"x", 16)
                if size == 0:
                    r.terminated = True  # (trailers, if any, are not needed)
                    return
                self._chunk_left = size
            if self._chunk_left > 0:
                take = self._buf[: self._chunk_left]
                self._buf = self._buf[len(take) :]
                self._chunk_left -= len(take)
                self._append_body(take)
                if self._chunk_left > 0:
                    return
            if len(self._buf) < 2:
                return
            if self._buf[:2] != b"\r\n":
                raise WireError(f"chunk data not followed by CRLF: {self._buf[:20]!r}")
            self._buf = self._buf[2:]
            self._chunk_left = None

    def read_some(self, timeout: float | None = None) -> bool:
        """One recv. False when the body is finished or the peer closed.
        Raises socket.timeout / ConnectionResetError as the socket does."""
        if self.resp.terminated or self.resp.eof:
            return False
        if timeout is not None:
            self.sock.settimeout(timeout)
        data = self._recv()
        if not data:
            return False
        self._buf += data
        self._decode()
        return not self.resp.terminated

    def read_until(self, predicate, timeout: float = 10.0) -> None:
        """Read until predicate(resp) holds (fails on EOF, end of body or timeout first)."""
        deadline = time.monotonic() + timeout
        while not predicate(self.resp):
            left = deadline - time.monotonic()
            if left <= 0:
                raise WireError(f"condition not met within {timeout} s; body so far: {self.resp.body[-2000:]!r}")
            if not self.read_some(timeout=left):
                if predicate(self.resp):
                    return
                raise WireError(
                    f"body ended (terminated={self.resp.terminated}, eof={self.resp.eof}) before the condition held; "
                    f"body: {self.resp.body[-2000:]!r}"
                )

    def read_all(self, timeout: float = 10.0) -> RawResponse:
        """Read to the end of the body or EOF; a socket error ends reading and is kept in resp.error."""
        deadline = time.monotonic() + timeout
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise socket.timeout(f"body not finished within {timeout} s")
                if not self.read_some(timeout=left):
                    break
        except (OSError, socket.timeout) as exc:
            self.resp.error = exc
        self.resp.t_end = self.elapsed()
        return self.resp

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self) -> "RawClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def raw_scenario_stream(base_url: str, name: str, body: dict | None = None, timeout: float = 10.0) -> RawClient:
    """POST a streaming chat request that selects scenario NAME by header, in a new session.
    Returns the client with the response head read (body not yet)."""
    client = RawClient(base_url, timeout=timeout)
    client.send(
        "POST",
        CHAT_PATH,
        body or chat_body(stream=True),
        headers={"X-MockRouter-Scenario": name, "X-MockRouter-Session": new_session()},
    )
    return client


def token_frame_count(resp: RawResponse) -> int:
    n = 0
    for f in resp.data_frames():
        if not f.complete:
            continue
        try:
            obj = f.json()
        except ValueError:
            continue
        if is_token_chunk(obj):
            n += 1
    return n


def content_of_frames(frames: list[Frame]) -> str:
    out = []
    for f in frames:
        try:
            obj = f.json()
        except ValueError:
            continue
        for choice in (obj.get("choices") or []) if isinstance(obj, dict) else []:
            out.append((choice.get("delta") or {}).get("content") or "")
    return "".join(out)
