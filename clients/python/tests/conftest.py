"""Shared setup: the real ``mockrouter`` binary ($MOCKROUTER_BIN, the bundled one or PATH) is required."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mockrouter import MockRouter, MockRouterBinaryNotFound, find_binary

pytest_plugins = ["pytester"]


@pytest.fixture(scope="session", autouse=True)
def binary() -> Path:
    """The binary under test; every test fails with the paths tried when there is none."""
    try:
        return find_binary()
    except MockRouterBinaryNotFound as error:
        pytest.fail(f"these tests run the real mockrouter binary: set MOCKROUTER_BIN.\n{error}", pytrace=False)


@pytest.fixture(scope="module")
def server(binary: Path) -> Iterator[MockRouter]:
    """One server with the embedded cassettes and scenarios, shared by a module's tests."""
    with MockRouter(binary=binary) as running:
        yield running
