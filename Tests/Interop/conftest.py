"""Interop suite: drive the real `mockrouter` binary with real Python SDKs.

Run:  .venv/bin/python -m pytest Tests/Interop -q
Env:  MOCKROUTER_BIN        binary to test (default .build/debug/mockrouter)
      MOCKROUTER_CASSETTES  cassette directory (default <repo>/cassettes)
      CI=true / MOCKROUTER_REQUIRE_INTEROP=1   missing SDKs fail instead of skip
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from interop_support import REPO, cassette_dir, require_module  # noqa: E402

httpx = require_module("httpx")

READY_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 10.0
READY_LINE = re.compile(r"^mockrouter listening on (http://(\S+):(\d+))$")


class MockRouterProcess:
    def __init__(self, proc: subprocess.Popen, base_url: str, stderr_path: Path):
        self.proc = proc
        self.base_url = base_url
        self.stderr_path = stderr_path
        self.reader: threading.Thread | None = None

    def stderr_tail(self, n: int = 40) -> str:
        try:
            lines = self.stderr_path.read_text(errors="replace").splitlines()
        except OSError:
            return "<no stderr>"
        return "\n".join(lines[-n:])


def _binary() -> Path:
    path = Path(os.environ.get("MOCKROUTER_BIN", REPO / ".build" / "debug" / "mockrouter"))
    if not path.exists():
        pytest.fail(
            f"mockrouter binary not found at {path}. Run `swift build` first "
            "(or point MOCKROUTER_BIN at a built binary).",
            pytrace=False,
        )
    if not os.access(path, os.X_OK):
        pytest.fail(f"{path} is not executable", pytrace=False)
    return path


def _start(extra_args: list[str]) -> tuple[MockRouterProcess, queue.Queue, list[str]]:
    """Start `mockrouter serve` on a free port and wait for its ready line."""
    binary = _binary()
    cassettes = cassette_dir()
    stderr_file = tempfile.NamedTemporaryFile(prefix="mockrouter-stderr-", suffix=".log", delete=False)
    stderr_path = Path(stderr_file.name)
    cmd = [
        str(binary), "serve",
        "--host", "127.0.0.1",
        "--port", "0",
        "--cassettes", str(cassettes),
        *extra_args,
    ]
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr_file, cwd=REPO)
    stderr_file.close()

    lines: queue.Queue = queue.Queue()

    def pump() -> None:
        for raw in iter(proc.stdout.readline, b""):
            lines.put(raw)
        lines.put(None)  # EOF

    reader = threading.Thread(target=pump, name="mockrouter-stdout", daemon=True)
    reader.start()
    handle = MockRouterProcess(proc, "", stderr_path)
    handle.reader = reader

    def abort(msg: str) -> None:
        if proc.poll() is None:
            proc.kill()
            proc.wait(5)
        pytest.fail(f"{msg}\ncommand: {' '.join(cmd)}\nexit code: {proc.returncode}\nstderr:\n{handle.stderr_tail()}", pytrace=False)

    try:
        first = lines.get(timeout=READY_TIMEOUT_S)
    except queue.Empty:
        abort(f"mockrouter printed no ready line within {READY_TIMEOUT_S:.0f} s")
    if first is None:
        abort("mockrouter exited before printing its ready line")
    text = first.decode("utf-8", "replace").rstrip("\n")
    m = READY_LINE.match(text)
    if not m:
        abort(f"first stdout line is not `mockrouter listening on http://HOST:PORT`: {text!r}")
    if m.group(2) != "127.0.0.1" or int(m.group(3)) == 0:
        abort(f"ready line names an unexpected address: {text!r}")
    handle.base_url = m.group(1)
    return handle, lines, cmd


def _stop(handle: MockRouterProcess, lines: queue.Queue) -> None:
    """SIGTERM must stop it cleanly with exit code 0, having printed only the ready line."""
    proc = handle.proc
    if proc.poll() is not None:
        pytest.fail(f"mockrouter died during the session (exit {proc.returncode})\nstderr:\n{handle.stderr_tail()}", pytrace=False)
    proc.send_signal(signal.SIGTERM)
    try:
        rc = proc.wait(STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)
        pytest.fail(f"mockrouter did not exit within {STOP_TIMEOUT_S:.0f} s of SIGTERM\nstderr:\n{handle.stderr_tail()}", pytrace=False)
    handle.reader.join(5)
    extra = []
    while True:
        try:
            item = lines.get_nowait()
        except queue.Empty:
            break
        if item is not None:
            extra.append(item.decode("utf-8", "replace"))
    assert rc == 0, f"mockrouter exited with {rc} after SIGTERM (expected 0)\nstderr:\n{handle.stderr_tail()}"
    assert not extra, f"mockrouter wrote more than the one ready line to stdout: {extra!r}"
    handle.stderr_path.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def mockrouter() -> MockRouterProcess:
    handle, lines, _ = _start([])
    yield handle
    _stop(handle, lines)


@pytest.fixture(scope="module")
def mockrouter_speed1() -> MockRouterProcess:
    """A second server with `--speed 1` (scripted timing reproduced) for timing tests.
    Tests against it isolate themselves by session id (no admin reset is done here)."""
    handle, lines, _ = _start(["--speed", "1"])
    yield handle
    _stop(handle, lines)


@pytest.fixture(scope="session")
def base_url(mockrouter: MockRouterProcess) -> str:
    """http://127.0.0.1:PORT (no /api/v1 suffix)."""
    return mockrouter.base_url


@pytest.fixture(autouse=True)
def reset_mock(base_url: str, request) -> None:
    """Rewind recorded sequences and clear the journal before every test. With
    MOCKROUTER_SUITE_REPORT=PATH, append to PATH (JSON Lines) what the shared server thought of
    each test's traffic: the requests its validation (`--validate warn`, the default) found fault
    with, and the verdict's findings above `info` (docs/verdict.md)."""
    r = httpx.post(base_url + "/__admin/reset", timeout=10)
    assert 200 <= r.status_code < 300, f"POST /__admin/reset -> {r.status_code}: {r.text[:500]}"
    yield
    report = os.environ.get("MOCKROUTER_SUITE_REPORT")
    if report:
        entries = httpx.get(base_url + "/__admin/requests", timeout=10).json()["requests"]
        findings = httpx.get(base_url + "/__admin/verdict", timeout=10).json()["findings"]
        with open(report, "a") as out:
            out.write(json.dumps({
                "test": request.node.nodeid,
                "requests": len(entries),
                "violations": [{"path": e["path"], "violations": e["violations"]} for e in entries if e.get("violations")],
                "findings": [f for f in findings if f["severity"] != "info"],
            }) + "\n")