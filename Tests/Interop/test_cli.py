"""The `mockrouter` command line as a user meets it: start-up refusal of damaged cassettes,
--skip-bad-cassettes, tail damage, signals, and the `cassette` tools."""

from __future__ import annotations

import gzip
import json
import os
import re
import signal
import subprocess
from pathlib import Path

import pytest

from interop_support import REPO

BIN = os.environ.get("MOCKROUTER_BIN", str(REPO / ".build" / "debug" / "mockrouter"))
BUNDLED = REPO / "cassettes"
READY = re.compile(r"^mockrouter listening on http://127\.0\.0\.1:(\d+)$")


def bundled_lines(name: str) -> list[str]:
    with gzip.open(BUNDLED / f"{name}.cassette.jsonl.gz", "rt", encoding="utf-8") as f:
        return f.read().splitlines(keepends=True)


def run(*args: str, timeout: float = 20) -> subprocess.CompletedProcess:
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=timeout, cwd=REPO)


def start(*args: str) -> tuple[subprocess.Popen, str]:
    """Starts `serve` and returns the process and its ready line (or '' if it exited first)."""
    proc = subprocess.Popen([BIN, "serve", "--port", "0", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
    line = proc.stdout.readline().rstrip("\n")
    return proc, line


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> tuple[int, str]:
    proc.send_signal(sig)
    rc = proc.wait(10)
    return rc, proc.stderr.read()


@pytest.fixture
def damaged_folder(tmp_path: Path) -> Path:
    """A folder with one good cassette and one whose second interaction line is broken mid-file."""
    (tmp_path / "good.cassette.jsonl.gz").write_bytes((BUNDLED / "chat-completion.cassette.jsonl.gz").read_bytes())
    header, interaction = bundled_lines("models")[:2]
    broken = interaction[: len(interaction) // 2] + "\n"
    (tmp_path / "broken.cassette.jsonl").write_text(header + interaction + broken + interaction, encoding="utf-8")
    return tmp_path


def test_serve_refuses_a_cassette_damaged_mid_file_naming_file_and_line(damaged_folder: Path):
    proc, line = start("--cassettes", str(damaged_folder))
    rc = proc.wait(10)
    stderr = proc.stderr.read()
    assert line == "", f"printed a ready line despite the damage: {line!r}"
    assert rc != 0
    assert f"{damaged_folder / 'broken.cassette.jsonl'}: line 3 (interaction 2): invalid JSON" in stderr, stderr
    assert "--skip-bad-cassettes" in stderr


def test_skip_bad_cassettes_logs_the_file_and_serves_the_rest(damaged_folder: Path):
    import httpx

    proc, line = start("--cassettes", str(damaged_folder), "--skip-bad-cassettes")
    match = READY.match(line)
    assert match, line
    body = {"messages": [{"role": "user", "content": "Say hello in five words."}], "model": "openai/gpt-4o-mini"}
    r = httpx.post(f"http://127.0.0.1:{match.group(1)}/api/v1/chat/completions", json=body, timeout=10)
    assert r.status_code == 200
    rc, stderr = stop(proc)
    assert rc == 0
    assert "skipping bad cassette" in stderr and "broken.cassette.jsonl: line 3" in stderr, stderr


def test_a_truncated_tail_warns_and_serves_what_came_before(tmp_path: Path):
    import httpx

    # What a recorder killed while appending leaves: one gzip member per line, the last one cut.
    data = b"".join(gzip.compress(line.encode("utf-8"), mtime=0) for line in bundled_lines("models"))
    (tmp_path / "killed.cassette.jsonl.gz").write_bytes(data[:-7])
    proc, line = start("--cassettes", str(tmp_path))
    match = READY.match(line)
    assert match, line
    assert httpx.get(f"http://127.0.0.1:{match.group(1)}/api/v1/models", timeout=10).status_code == 200
    rc, stderr = stop(proc, signal.SIGINT)
    assert rc == 0
    assert "killed.cassette.jsonl.gz: interaction 2 is incomplete" in stderr, stderr


def test_an_unknown_major_version_is_refused_by_name(tmp_path: Path):
    header = {"format": "mockrouter-cassette", "version": "2.0", "created": "", "tool": "future"}
    (tmp_path / "future.cassette.jsonl").write_text(json.dumps(header) + "\n")
    proc, line = start("--cassettes", str(tmp_path))
    assert proc.wait(10) != 0 and line == ""
    assert "cassette format version 2.0 is not supported" in proc.stderr.read()


def test_verify_passes_the_bundled_cassettes_and_fails_damaged_ones_by_name(damaged_folder: Path):
    ok = run("cassette", "verify", str(BUNDLED))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.count("ok ") == len(list(BUNDLED.glob("*.cassette.jsonl.gz")))
    bad = run("cassette", "verify", str(damaged_folder))
    assert bad.returncode == 1
    assert "FAIL  " in bad.stdout and "broken.cassette.jsonl: line 3 (interaction 2)" in bad.stdout, bad.stdout


def test_unpack_then_pack_gives_back_the_same_bytes(tmp_path: Path):
    for source in sorted(BUNDLED.glob("*.cassette.jsonl.gz")):
        plain = tmp_path / source.name.removesuffix(".gz")
        assert run("cassette", "unpack", str(source), "-o", str(plain)).returncode == 0
        lines = [json.loads(l) for l in plain.read_text(encoding="utf-8").splitlines()]
        assert lines[0]["format"] == "mockrouter-cassette"
        assert run("cassette", "pack", str(plain)).returncode == 0
        assert Path(str(plain) + ".gz").read_bytes() == source.read_bytes(), source.name


def test_ls_numbers_interactions_and_show_prints_the_stream_timeline():
    listing = run("cassette", "ls", str(BUNDLED / "models.cassette.jsonl.gz"))
    assert listing.returncode == 0
    assert [l.split()[0] for l in listing.stdout.splitlines()] == ["1", "2"]
    shown = run("cassette", "show", str(BUNDLED / "stream-reasoning.cassette.jsonl.gz"), "1")
    assert shown.returncode == 0
    assert "reasoning \"" in shown.stdout and "reasoning.text signature" in shown.stdout
    assert "text \"" in shown.stdout and "[DONE]" in shown.stdout
    assert re.search(r"\+\d+(\.\d)? ms  comment: OPENROUTER PROCESSING", shown.stdout)
    missing = run("cassette", "show", str(BUNDLED / "models.cassette.jsonl.gz"), "9")
    assert missing.returncode != 0 and "no interaction 9; the cassette has 2" in missing.stderr


@pytest.mark.parametrize("args", [[], ["serve"], ["cassette"], ["cassette", "show"], ["cassette", "verify"]])
def test_help_explains_each_command(args: list[str]):
    result = run(*args, "--help")
    assert result.returncode == 0
    assert "USAGE:" in result.stdout or "OVERVIEW:" in result.stdout


@pytest.fixture
def bad_scenarios(tmp_path: Path) -> Path:
    (tmp_path / "good.yaml").write_text("name: good\nsteps:\n  - text: fine\n")
    (tmp_path / "bad.yaml").write_text("name: bad\nsteps:\n  - text: hi\n    fault: { kind: explode }\n")
    return tmp_path


def test_serve_refuses_a_bad_scenario_naming_file_line_and_key(bad_scenarios: Path):
    proc, line = start("--no-cassettes", "--scenarios", str(bad_scenarios))
    rc = proc.wait(10)
    stderr = proc.stderr.read()
    assert line == "" and rc != 0
    assert f"{bad_scenarios / 'bad.yaml'}:4: steps[0].fault.kind: \"explode\" is not one of disconnect, reset, stall, malformed, broken_framing" in stderr, stderr
    assert "--skip-bad-scenarios" in stderr


def test_skip_bad_scenarios_logs_it_and_serves_the_rest(bad_scenarios: Path):
    import httpx

    proc, line = start("--no-cassettes", "--scenarios", str(bad_scenarios), "--skip-bad-scenarios")
    match = READY.match(line)
    assert match, line
    names = [s["name"] for s in httpx.get(f"http://127.0.0.1:{match.group(1)}/__admin/scenarios").json()["scenarios"]]
    rc, stderr = stop(proc)
    assert names == ["good"] and rc == 0
    assert "skipping bad scenario" in stderr and "bad.yaml:4" in stderr


def test_scenario_lint_reports_every_bad_file_and_exits_1(bad_scenarios: Path):
    result = run("scenario", "lint", str(bad_scenarios))
    assert result.returncode == 1
    assert "ok    " in result.stdout and "FAIL  " in result.stdout and "bad.yaml:4" in result.stdout


def test_cassette_redact_scrubs_in_place(tmp_path: Path):
    header, interaction = bundled_lines("chat-completion")[:2]
    line = json.loads(interaction)
    line["request"]["headers"].append(["authorization", "Bearer sk-or-v1-" + "ab" * 32])
    line["request"]["body"]["json"]["messages"][0]["content"] = "leaked sk-or-v1-" + "cd" * 32
    path = tmp_path / "dirty.cassette.jsonl"
    path.write_text(header + json.dumps(line, separators=(",", ":"), ensure_ascii=False) + "\n")
    result = run("cassette", "redact", str(path), "--redact-pattern", "leaked")
    assert result.returncode == 0 and "redacted 1 of 1 interactions" in result.stdout
    text = path.read_text()
    assert "abab" not in text and "cdcd" not in text and "leaked" not in text
    assert run("cassette", "verify", str(path)).returncode == 0


def test_to_scenario_makes_a_scenario_that_serves_the_recorded_content(tmp_path: Path):
    import httpx

    out = tmp_path / "from-recording.yaml"
    result = run("cassette", "to-scenario", str(BUNDLED / "stream-tool-calls.cassette.jsonl.gz"), "1", "-o", str(out))
    assert result.returncode == 0, result.stderr
    proc, line = start("--no-cassettes", "--scenarios", str(out))
    port = READY.match(line).group(1)
    try:
        body = {"model": "openai/gpt-4.1", "messages": [{"role": "user", "content": "x"}]}
        answer = httpx.post(f"http://127.0.0.1:{port}/scenario/stream-tool-calls-1/api/v1/chat/completions", json=body).json()
    finally:
        stop(proc)
    calls = answer["choices"][0]["message"]["tool_calls"]
    assert [(c["function"]["name"], json.loads(c["function"]["arguments"])) for c in calls] == [
        ("get_weather", {"city": "Oslo"}), ("get_time", {"timezone": "Asia/Tokyo"})]
