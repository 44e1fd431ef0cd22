"""The examples compiled into the binary: a copy of `mockrouter` alone, in a folder with nothing
beside it, serves the bundled cassettes and scenarios; a `cassettes/` or `scenarios/` folder in
the working directory, and the flags, still replace them."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import urllib.request
from pathlib import Path

import pytest

from interop_support import REPO

BIN = os.environ.get("MOCKROUTER_BIN", str(REPO / ".build" / "debug" / "mockrouter"))
READY = re.compile(r"^mockrouter listening on (http://127\.0\.0\.1:\d+)$")
HAIKU = {"messages": [{"role": "user", "content": "Write a haiku about the sea."}], "model": "openai/gpt-4o-mini", "stream": True}


@pytest.fixture
def lone_binary(tmp_path: Path) -> Path:
    """The binary copied into an empty folder, far from the repository."""
    target = tmp_path / "bin" / "mockrouter"
    target.parent.mkdir()
    shutil.copy2(BIN, target)
    return target


def serve(binary: Path, cwd: Path, *args: str) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([str(binary), "serve", "--port", "0", *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline().rstrip("\n")
    match = READY.match(line)
    if not match:
        proc.kill()
        pytest.fail(f"no ready line: {line!r}\n{proc.stderr.read()}")
    return proc, match.group(1)


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(10) == 0


def get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def post(url: str, body: dict) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_a_copy_of_the_binary_alone_serves_the_bundled_examples(lone_binary: Path, tmp_path: Path):
    empty = tmp_path / "elsewhere"
    empty.mkdir()
    proc, url = serve(lone_binary, empty)
    try:
        health = get(url + "/__admin/health")
        assert health["cassettes"] == len(list((REPO / "cassettes").glob("*.cassette.jsonl*")))
        assert health["scenarios"] == len(list((REPO / "scenarios").glob("*.yaml")))
        status, body = post(url + "/api/v1/chat/completions", HAIKU)
        assert status == 200 and b"data: [DONE]" in body
        status, body = post(url + "/scenario/hello/api/v1/chat/completions", {"model": "x", "messages": []})
        assert status == 200 and b"Hi there! How can I help you today?" in body
        cassettes = [c["path"] for c in get(url + "/__admin/cassettes")["cassettes"]]
        assert "bundled:cassettes/stream-text.cassette.jsonl.gz" in cassettes
    finally:
        stop(proc)


def test_folders_in_the_working_directory_replace_the_embedded_ones(lone_binary: Path, tmp_path: Path):
    work = tmp_path / "project"
    (work / "scenarios").mkdir(parents=True)
    (work / "scenarios" / "mine.yaml").write_text("name: mine\nsteps:\n  - text: Only mine.\n")
    proc, url = serve(lone_binary, work)
    try:
        scenarios = [s["name"] for s in get(url + "/__admin/scenarios")["scenarios"]]
        assert scenarios == ["mine"]
        assert get(url + "/__admin/health")["cassettes"] == len(list((REPO / "cassettes").glob("*.cassette.jsonl*")))
    finally:
        stop(proc)


def test_flags_replace_the_embedded_ones(lone_binary: Path, tmp_path: Path):
    proc, url = serve(lone_binary, tmp_path, "--no-cassettes", "--scenarios", str(REPO / "scenarios" / "hello.yaml"))
    try:
        health = get(url + "/__admin/health")
        assert (health["cassettes"], health["scenarios"]) == (0, 1)
        status, body = post(url + "/api/v1/chat/completions", HAIKU)
        assert status == 404 and b"no recorded interaction matches" in body
    finally:
        stop(proc)
