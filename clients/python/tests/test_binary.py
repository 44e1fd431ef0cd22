"""Finding the binary, and the ``mockrouter`` console script that runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import mockrouter._binary
from mockrouter import MockRouterBinaryNotFound, find_binary

CONSOLE_SCRIPT = "#!/usr/bin/python3\nimport sys\nfrom mockrouter._cli import main\nsys.exit(main())\n"


@pytest.fixture
def search_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No $MOCKROUTER_BIN, no bundled binary: the search is down to PATH, which the test sets."""
    monkeypatch.delenv("MOCKROUTER_BIN", raising=False)
    monkeypatch.setattr(mockrouter._binary, "BUNDLED", tmp_path / "site-packages" / "mockrouter" / "_bin" / "mockrouter")
    return tmp_path


def make_dir_with(parent: Path, name: str, content: str, mode: int) -> Path:
    folder = parent / name
    folder.mkdir()
    (folder / "mockrouter").write_text(content)
    (folder / "mockrouter").chmod(mode)
    return folder


def test_path_search_skips_the_console_script_and_finds_the_binary(
    search_only: Path, binary: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scripts = make_dir_with(search_only, "scripts", CONSOLE_SCRIPT, 0o755)
    real = search_only / "real"
    real.mkdir()
    (real / "mockrouter").symlink_to(binary)
    monkeypatch.setenv("PATH", os.pathsep.join([str(scripts), str(real)]))
    assert find_binary() == real / "mockrouter"


def test_every_path_tried_is_named_with_its_problem(search_only: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scripts = make_dir_with(search_only, "scripts", CONSOLE_SCRIPT, 0o755)
    plain = make_dir_with(search_only, "plain", "not a program", 0o644)
    monkeypatch.setenv("PATH", os.pathsep.join([str(scripts), str(plain)]))
    with pytest.raises(MockRouterBinaryNotFound) as raised:
        find_binary()
    assert [problem for _, problem in raised.value.tried] == [
        "missing",
        "the mockrouter Python console script, not the binary",
        "not executable",
    ]
    message = str(raised.value)
    assert f"{mockrouter._binary.BUNDLED} (bundled in the package): missing" in message
    assert f"{scripts / 'mockrouter'} (on PATH): the mockrouter Python console script" in message
    assert f"{plain / 'mockrouter'} (on PATH): not executable" in message


def test_an_empty_path_is_reported(search_only: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = search_only / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(MockRouterBinaryNotFound, match="PATH: no mockrouter in any of its 1 directories"):
        find_binary()


def run_console_script(*args: str, env: dict) -> subprocess.CompletedProcess:
    script = Path(sys.executable).parent / "mockrouter"
    return subprocess.run([str(script), *args], env=env, capture_output=True, text=True, timeout=60)


def test_console_script_runs_the_binary_with_its_arguments(binary: Path) -> None:
    result = run_console_script("serve", "--version", env={**os.environ, "MOCKROUTER_BIN": str(binary)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == mockrouter.__version__  # the package and the binary are released together


def test_console_script_without_a_binary_names_the_paths_tried(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key != "MOCKROUTER_BIN"}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), str(tmp_path)])
    if mockrouter._binary.BUNDLED.exists():
        pytest.skip("this installation bundles the binary, so the console script always finds one")
    result = run_console_script("--help", env=env)
    assert result.returncode == 1
    assert "paths tried" in result.stderr
    assert "(on PATH): the mockrouter Python console script, not the binary" in result.stderr
