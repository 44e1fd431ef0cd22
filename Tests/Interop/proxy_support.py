"""Processes and raw HTTP for the recording-proxy tests: start any `mockrouter` command on a free
port and read its ready line; read a response's bytes and frame arrival times off a plain socket;
tiny upstreams that misbehave (never answer, answer garbage)."""

from __future__ import annotations

import gzip
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from interop_support import REPO

BIN = os.environ.get("MOCKROUTER_BIN", str(REPO / ".build" / "debug" / "mockrouter"))
READY = re.compile(r"^mockrouter listening on (http://127\.0\.0\.1:(\d+))$")


@dataclass
class Proc:
    popen: subprocess.Popen
    url: str
    port: int

    def stop(self, sig: int = signal.SIGTERM) -> tuple[int, str]:
        if self.popen.poll() is None:
            self.popen.send_signal(sig)
        rc = self.popen.wait(15)
        return rc, self.popen.stderr.read()


def start(*args: str, preexec_fn=None) -> Proc:
    """Runs `mockrouter ARGS --port 0` and waits for its ready line."""
    popen = subprocess.Popen([BIN, *args, "--port", "0"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, cwd=REPO, preexec_fn=preexec_fn)
    line = popen.stdout.readline().strip()
    match = READY.match(line)
    if not match:
        popen.kill()
        raise AssertionError(f"no ready line from {args}: {line!r}\n{popen.stderr.read()}")
    return Proc(popen, match.group(1), int(match.group(2)))


@dataclass
class Raw:
    status: int = 0
    headers: dict = field(default_factory=dict)
    chunks: list = field(default_factory=list)      # (bytes, seconds since the request was sent)
    terminated: bool = False
    reset: bool = False

    @property
    def body(self) -> bytes:
        return b"".join(c for c, _ in self.chunks)

    def data_frames(self) -> list[tuple[bytes, float]]:
        """(frame, arrival) for each `data:` frame, in order."""
        frames, buffer = [], b""
        for piece, at in self.chunks:
            buffer += piece
            while b"\n\n" in buffer:
                frame, buffer = buffer.split(b"\n\n", 1)
                if frame.startswith(b"data:"):
                    frames.append((frame, at))
        return frames


def raw_request(port: int, method: str, path: str, body: dict | None = None, headers: dict | None = None,
                timeout: float = 15.0, stop_after_frames: int | None = None) -> Raw:
    """One HTTP/1.1 request on a fresh socket; the chunked body is decoded by hand, each chunk timed."""
    payload = json.dumps(body).encode() if body is not None else b""
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    start_at = time.monotonic()
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + payload)
    result, buffer = Raw(), b""

    def fill() -> bool:
        nonlocal buffer
        try:
            data = sock.recv(65536)
        except ConnectionResetError:
            result.reset = True
            return False
        buffer += data
        return bool(data)

    try:
        while b"\r\n\r\n" not in buffer:
            if not fill():
                return result
        head, buffer = buffer.split(b"\r\n\r\n", 1)
        status_line, *header_lines = head.decode().split("\r\n")
        result.status = int(status_line.split()[1])
        result.headers = {k.lower(): v.strip() for k, v in (h.split(":", 1) for h in header_lines)}
        if result.headers.get("transfer-encoding") == "chunked":
            while True:
                while b"\r\n" not in buffer:
                    if not fill():
                        return result
                size_line, rest = buffer.split(b"\r\n", 1)
                size = int(size_line, 16)
                if size == 0:
                    result.terminated = True
                    return result
                while len(rest) < size + 2:
                    buffer = rest
                    if not fill():
                        result.chunks.append((buffer, time.monotonic() - start_at)) if buffer else None
                        return result
                    rest = buffer
                result.chunks.append((rest[:size], time.monotonic() - start_at))
                buffer = rest[size + 2:]
                if stop_after_frames is not None and len(result.data_frames()) >= stop_after_frames:
                    return result
        length = int(result.headers.get("content-length", "-1"))
        while length < 0 or len(buffer) < length:
            if not fill():
                break
        result.chunks.append((buffer, time.monotonic() - start_at))
        result.terminated = length >= 0 and len(buffer) >= length
        return result
    finally:
        sock.close()


def cassette_lines(path: Path) -> list[dict]:
    """Every line of a cassette (any number of gzip members), parsed."""
    data = path.read_bytes()
    text = gzip.decompress(data).decode() if data[:2] == b"\x1f\x8b" else data.decode()
    return [json.loads(line) for line in text.splitlines() if line.strip()]


class SilentUpstream:
    """Accepts connections and never answers."""

    def __init__(self) -> None:
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(8)
        self.port = self.server.getsockname()[1]
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            self.handle(conn)

    def handle(self, conn: socket.socket) -> None:
        self.held.append(conn)

    def close(self) -> None:
        self.server.close()
        for conn in self.held:
            conn.close()


class GarbageUpstream(SilentUpstream):
    """Answers every request with 200, text/plain, bytes that are not UTF-8, then closes."""

    BODY = bytes(range(256)) * 3

    def handle(self, conn: socket.socket) -> None:
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n" + self.BODY)
        conn.close()
