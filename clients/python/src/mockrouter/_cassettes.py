"""Per-test cassettes: where a test's cassette lives, and what server each record mode needs.

The record modes follow vcrpy / pytest-recording:

- ``none``: never the network. A test whose cassette exists gets a server that replays it; any
  other test gets a session on the shared server.
- ``once``: as ``none`` when the cassette exists; else a hybrid server records what misses.
- ``new_episodes``: a hybrid server replays the cassette and records what misses into it.
- ``all``: the cassette is deleted and a recording proxy sends everything upstream.

A test's own server serves its cassette plus the shared ``--mockrouter-cassettes`` if any, never
the binary's embedded example cassettes: recording and replay then see the same set, so what a
recording left to other cassettes is still answered on replay.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

RECORD_MODES = ("none", "once", "new_episodes", "all")
SUFFIX = ".cassette.jsonl"


def safe_name(name: str) -> str:
    """``name`` as a file name: runs of characters other than letters, digits, ``_ . -`` become ``-``."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-.") or "test"


def default_path(test_file: Path, test_parts: Sequence[str]) -> Path:
    """``{test dir}/cassettes/{module}/{Class.test_name[param]}.cassette.jsonl``, file-safe."""
    return test_file.parent / "cassettes" / test_file.stem / (safe_name(".".join(test_parts)) + SUFFIX)


def marker_path(test_file: Path, value: str) -> Path:
    """The marker's ``cassette=``: a path (relative to the test's folder), or a bare name in the module's folder."""
    if "/" in value or value.endswith((".jsonl", ".jsonl.gz")):
        path = Path(value)
        return path if path.is_absolute() else test_file.parent / path
    return test_file.parent / "cassettes" / test_file.stem / (safe_name(value) + SUFFIX)


def server_arguments(mode: str, cassette: Path, shared_cassettes: list[str] | None, upstream: str) -> dict[str, Any] | None:
    """``MockRouter`` keyword arguments for a test's own server, or ``None`` when the shared server does.

    Arguments with ``upstream`` reach the network; the caller makes sure a key is there.
    """
    recording = {"upstream": upstream, "record_to": cassette, "upstream_key_from_env": True}
    if mode == "all":
        return {**recording, "record_only": True}
    if mode == "new_episodes" or (mode == "once" and not cassette.exists()):
        # Hybrid `serve` loads its --record-to cassette itself.
        return {**recording, "cassettes": shared_cassettes, "no_cassettes": shared_cassettes is None}
    if cassette.exists():
        return {"cassettes": [str(cassette), *(shared_cassettes or [])]}
    return None
