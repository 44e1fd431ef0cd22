"""Finding the ``mockrouter`` binary.

An explicit choice (the ``binary`` argument, else ``$MOCKROUTER_BIN``) is the only candidate when
given, so a wrong path is reported rather than silently replaced by another binary. Otherwise the
binary bundled in a platform wheel (``mockrouter/_bin/mockrouter``) is used, else the first
``mockrouter`` on ``PATH`` that is not this package's own console script.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import MockRouterBinaryNotFound

ENV_VAR = "MOCKROUTER_BIN"
BUNDLED = Path(__file__).resolve().parent / "_bin" / "mockrouter"
_CONSOLE_SCRIPT_MARK = b"mockrouter._cli"


def find_binary(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Return the path of a usable ``mockrouter`` binary or raise ``MockRouterBinaryNotFound``."""
    if explicit is not None:
        return _require(Path(explicit), "binary argument")
    from_env = os.environ.get(ENV_VAR)
    if from_env:
        return _require(Path(from_env), f"${ENV_VAR}")
    tried: list[tuple[str, str]] = []
    on_path = _path_candidates()
    for candidate, origin in [(BUNDLED, "bundled in the package")] + [(path, "on PATH") for path in on_path]:
        problem = _problem(candidate)
        if problem is None:
            return candidate
        tried.append((f"{candidate} ({origin})", problem))
    if not on_path:
        tried.append(("PATH", f"no mockrouter in any of its {len(_path_dirs())} directories"))
    raise MockRouterBinaryNotFound(tried)


def _require(path: Path, origin: str) -> Path:
    """``path`` when it is usable; else the error naming it (an explicit choice has no fallback)."""
    problem = _problem(path)
    if problem is not None:
        raise MockRouterBinaryNotFound([(f"{path} ({origin})", problem)])
    return path


def _problem(path: Path) -> str | None:
    """Why ``path`` cannot be run as the mockrouter binary, or ``None`` when it can."""
    if not path.exists():
        return "missing"
    if not path.is_file():
        return "not a file"
    if not os.access(path, os.X_OK):
        return "not executable"
    if is_console_script(path):
        return "the mockrouter Python console script, not the binary"
    return None


def is_console_script(path: Path) -> bool:
    """Whether ``path`` is the ``mockrouter`` console script this package installs (a Python wrapper)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return head.startswith(b"#!") and _CONSOLE_SCRIPT_MARK in head


def _path_dirs() -> list[str]:
    return [entry for entry in os.environ.get("PATH", "").split(os.pathsep) if entry]


def _path_candidates() -> list[Path]:
    """Every ``mockrouter`` file in a ``PATH`` directory, in ``PATH`` order, each directory once."""
    found: list[Path] = []
    for directory in dict.fromkeys(_path_dirs()):
        candidate = Path(directory) / "mockrouter"
        if candidate.exists():
            found.append(candidate)
    return found
