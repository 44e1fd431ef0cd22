"""pytest plugin: the ``mockrouter`` and ``mockrouter_server`` fixtures, the ``mockrouter`` marker
and ``--record-mode``.

Loaded automatically through the ``pytest11`` entry point. Each test using ``mockrouter`` gets its
own session; requests the mock had no answer for are shown beside a failing test, and fail a test
that otherwise passed unless it is marked ``allow_misses=True``.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from . import _cassettes
from .errors import MockRouterError
from .server import MockRouter
from .session import Session, describe_misses

DEFAULT_UPSTREAM = "https://openrouter.ai"
MARKER_ARGUMENTS = ("scenario", "allow_misses", "cassette")

_SESSION = pytest.StashKey[Session]()
_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    """The ``mockrouter`` option group."""
    group = parser.getgroup("mockrouter", "mock OpenRouter server (mockrouter)")
    group.addoption(
        "--mockrouter-bin", metavar="PATH", help="the mockrouter binary (default: $MOCKROUTER_BIN, the bundled one, PATH)"
    )
    group.addoption(
        "--mockrouter-cassettes",
        metavar="PATH",
        action="append",
        help="a cassette file or folder to serve instead of the embedded examples (repeatable)",
    )
    group.addoption(
        "--mockrouter-scenarios",
        metavar="PATH",
        action="append",
        help="a scenario file or folder to serve instead of the embedded scenarios (repeatable)",
    )
    group.addoption(
        "--record-mode",
        choices=_cassettes.RECORD_MODES,
        default="none",
        help="per-test cassettes: none (default, never the network), once, new_episodes or all",
    )
    group.addoption(
        "--mockrouter-upstream",
        metavar="URL",
        default=DEFAULT_UPSTREAM,
        help=f"where recording record modes send requests (default {DEFAULT_UPSTREAM})",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker."""
    config.addinivalue_line(
        "markers",
        "mockrouter(scenario=None, allow_misses=False, cassette=None): the session's base URLs demand "
        "scenario NAME; requests without an answer do not fail the test; the test's cassette (name or path).",
    )


@dataclass(frozen=True)
class _Options:
    """The command-line options, and servers built from them."""

    binary: str | None
    cassettes: list[str] | None
    scenarios: list[str] | None
    record_mode: str
    upstream: str

    @classmethod
    def of(cls, config: pytest.Config) -> _Options:
        return cls(
            binary=config.getoption("mockrouter_bin"),
            cassettes=config.getoption("mockrouter_cassettes"),
            scenarios=config.getoption("mockrouter_scenarios"),
            record_mode=config.getoption("record_mode"),
            upstream=config.getoption("mockrouter_upstream"),
        )

    def start_server(self, **arguments: Any) -> MockRouter:
        """Start a server with these options and ``arguments``; a failure fails the test with its stderr."""
        __tracebackhide__ = True
        settings: dict[str, Any] = {"binary": self.binary, "cassettes": self.cassettes, "scenarios": self.scenarios, **arguments}
        try:
            return MockRouter(**settings).start()
        except MockRouterError as error:
            pytest.fail(str(error), pytrace=False)


@dataclass(frozen=True)
class _Marker:
    """The ``@pytest.mark.mockrouter(...)`` arguments of a test (the closest mark wins per argument)."""

    scenario: str | None = None
    allow_misses: bool = False
    cassette: str | None = None

    @classmethod
    def of(cls, item: pytest.Item) -> _Marker:
        __tracebackhide__ = True
        arguments: dict[str, Any] = {}
        for mark in item.iter_markers("mockrouter"):
            unknown = sorted(set(mark.kwargs) - set(MARKER_ARGUMENTS))
            if mark.args or unknown:
                pytest.fail(
                    f"@pytest.mark.mockrouter takes only the keyword arguments {', '.join(MARKER_ARGUMENTS)}; "
                    f"got {', '.join([repr(arg) for arg in mark.args] + unknown)}",
                    pytrace=False,
                )
            for key, value in mark.kwargs.items():
                arguments.setdefault(key, value)
        return cls(**arguments)


@pytest.fixture(scope="session")
def mockrouter_server(pytestconfig: pytest.Config) -> Iterator[MockRouter]:
    """One ``mockrouter serve`` for the whole run (embedded or ``--mockrouter-*`` cassettes and scenarios)."""
    server = _Options.of(pytestconfig).start_server()
    yield server
    server.stop()


@pytest.fixture
def mockrouter_cassette_path(request: pytest.FixtureRequest) -> Path:
    """This test's cassette: the marker's ``cassette=``, else ``cassettes/{module}/{test}.cassette.jsonl``."""
    item = request.node
    marker = _Marker.of(item)
    if marker.cassette is not None:
        return _cassettes.marker_path(item.path, marker.cassette)
    cls = getattr(item, "cls", None)
    return _cassettes.default_path(item.path, [cls.__name__, item.name] if cls else [item.name])


@pytest.fixture
def mockrouter(request: pytest.FixtureRequest, mockrouter_cassette_path: Path) -> Iterator[Session]:
    """An isolated session for this test, on the shared server or, for a test with a cassette, its own."""
    __tracebackhide__ = True
    item = request.node
    marker = _Marker.of(item)
    options = _Options.of(request.config)
    cassette = mockrouter_cassette_path
    arguments = _cassettes.server_arguments(options.record_mode, cassette, options.cassettes, options.upstream)
    own_server = None
    if arguments is None:
        server = request.getfixturevalue("mockrouter_server")
    else:
        if "upstream" in arguments:
            _prepare_recording(options, cassette)
        server = own_server = options.start_server(**arguments)
    session = server.session(scenario=marker.scenario)
    item.stash[_SESSION] = session
    try:
        yield session
        if not marker.allow_misses and _phase_passed(item, "call"):
            misses = session.misses()
            if misses:
                raise AssertionError(
                    describe_misses(misses) + "\nIf these are expected, mark the test @pytest.mark.mockrouter(allow_misses=True)."
                )
    finally:
        del item.stash[_SESSION]
        if own_server is not None:
            _stop_own_server(own_server, cassette)


def _prepare_recording(options: _Options, cassette: Path) -> None:
    """Check for the upstream key, make the cassette's folder, and in mode ``all`` delete the old cassette."""
    __tracebackhide__ = True
    if not os.environ.get("OPENROUTER_API_KEY"):
        pytest.fail(
            f"--record-mode={options.record_mode} would record {cassette} from {options.upstream}, which needs "
            "OPENROUTER_API_KEY in the environment (it is sent upstream in place of the test's own key). "
            "Set it, or run with --record-mode=none to use recorded cassettes only.",
            pytrace=False,
        )
    cassette.parent.mkdir(parents=True, exist_ok=True)
    if options.record_mode == "all":
        cassette.unlink(missing_ok=True)


def _stop_own_server(server: MockRouter, cassette: Path) -> None:
    """Stop a test's own server (SIGTERM flushes a recording); fail the test if it did not exit cleanly."""
    __tracebackhide__ = True
    returncode = server.stop()
    if returncode != 0:
        pytest.fail(
            f"the mockrouter server for cassette {cassette} exited with {returncode} when stopped; "
            f"the cassette may be incomplete.\nstderr:\n{server.stderr.rstrip()}",
            pytrace=False,
        )


def _phase_passed(item: pytest.Item, when: str) -> bool:
    report = item.stash.get(_REPORTS, {}).get(when)
    return report is not None and report.passed


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
    """Keep each phase's report; beside a failed test, show the requests the mock had no answer for."""
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    session = item.stash.get(_SESSION, None)
    if session is not None and report.when == "call" and report.failed:
        section = _misses_section(session)
        if section:
            report.sections.append(("mockrouter", section))


def _misses_section(session: Session) -> str:
    try:
        misses = session.misses()
    except (MockRouterError, OSError) as error:
        return f"could not read the journal of session {session.id}: {error}"
    return describe_misses(misses) if misses else ""
