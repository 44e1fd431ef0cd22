"""``MockRouter``: one ``mockrouter`` server process, started on a free loopback port."""

from __future__ import annotations

import atexit
import json
import os
import queue
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import threading
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any, NoReturn, Union

from . import _admin
from ._binary import find_binary
from ._urls import segment
from .errors import MockRouterError, MockRouterStartError, ScenarioError
from .journal import RecordedRequest
from .session import Session

PathLike = Union[str, "os.PathLike[str]"]

READY_LINE = re.compile(r"^mockrouter listening on (http://\S+:\d+)$")


class MockRouter:
    """A ``mockrouter serve`` process (or, with ``record_only``, a ``mockrouter record`` proxy).

    ``cassettes`` / ``scenarios``: paths served instead of the binary's embedded defaults (``None``
    keeps the defaults). ``upstream`` with ``record_to``: hybrid mode, misses are proxied and appended
    to ``record_to``; with ``record_only`` as well, a pure recording proxy. ``upstream_key_from_env``
    makes the proxy send ``$OPENROUTER_API_KEY`` upstream instead of the client's key. ``env`` is
    added to the inherited environment. Use as a context manager, or call ``start()`` and ``stop()``.

    The process runs in an empty temporary folder, so it never serves a ``cassettes/`` or
    ``scenarios/`` folder it happens to start beside; relative paths given here are made absolute
    first (those in ``extra_args`` are passed as they are).
    """

    def __init__(
        self,
        binary: PathLike | None = None,
        cassettes: Sequence[PathLike] | None = None,
        scenarios: Sequence[PathLike] | None = None,
        no_cassettes: bool = False,
        no_scenarios: bool = False,
        speed: float = 0,
        extra_args: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
        startup_timeout: float = 10.0,
        upstream: str | None = None,
        record_to: PathLike | None = None,
        require_key: str | None = None,
        record_only: bool = False,
        upstream_key_from_env: bool = False,
        stop_timeout: float = 15.0,
    ) -> None:
        if (upstream is None) != (record_to is None):
            raise ValueError("upstream and record_to go together")
        if record_only and upstream is None:
            raise ValueError("record_only needs upstream and record_to")
        self.binary = find_binary(binary)
        self.cassettes = None if cassettes is None else [os.path.abspath(path) for path in cassettes]
        self.scenarios = None if scenarios is None else [os.path.abspath(path) for path in scenarios]
        self.no_cassettes = no_cassettes
        self.no_scenarios = no_scenarios
        self.speed = speed
        self.extra_args = list(extra_args)
        self.env = dict(env or {})
        self.startup_timeout = startup_timeout
        self.upstream = upstream
        self.record_to = None if record_to is None else os.path.abspath(record_to)
        self.require_key = require_key
        self.record_only = record_only
        self.upstream_key_from_env = upstream_key_from_env
        self.stop_timeout = stop_timeout
        self._process: subprocess.Popen[bytes] | None = None
        self._stdout: _LineReader | None = None
        self._workdir: Path | None = None
        self._stderr_text = ""
        self._url: str | None = None

    # Process ---------------------------------------------------------------------------------

    @property
    def command(self) -> list[str]:
        """The command line ``start()`` runs."""
        if self.record_only:
            command = [str(self.binary), "record", "--host", "127.0.0.1", "--port", "0"]
            command += ["--upstream", str(self.upstream), "--cassette", str(self.record_to)]
        else:
            command = [str(self.binary), "serve", "--host", "127.0.0.1", "--port", "0", "--speed", f"{self.speed:g}"]
            command += [arg for path in self.cassettes or [] for arg in ("--cassettes", path)]
            command += [arg for path in self.scenarios or [] for arg in ("--scenarios", path)]
            command += ["--no-cassettes"] if self.no_cassettes else []
            command += ["--no-scenarios"] if self.no_scenarios else []
            command += ["--require-key", self.require_key] if self.require_key is not None else []
            command += ["--upstream", self.upstream, "--record-to", str(self.record_to)] if self.upstream else []
        command += ["--upstream-key-from-env"] if self.upstream_key_from_env else []
        return command + self.extra_args

    @property
    def running(self) -> bool:
        """Whether the process was started and has not exited."""
        return self._process is not None and self._process.poll() is None

    @property
    def stderr(self) -> str:
        """What the process wrote to stderr (its log), so far or, after ``stop()``, in all."""
        if self._workdir is None:
            return self._stderr_text
        try:
            return (self._workdir / "stderr.log").read_text(errors="replace")
        except OSError:
            return ""

    def start(self) -> MockRouter:
        """Launch the process and wait for its ready line; ``MockRouterStartError`` if it never comes."""
        if self._process is not None:
            raise MockRouterError("this MockRouter is already started")
        command = self.command
        # An empty working folder: the binary would serve ./cassettes and ./scenarios instead of its
        # embedded defaults, and a test's folder may well have those.
        self._workdir = Path(tempfile.mkdtemp(prefix="mockrouter-"))
        with (self._workdir / "stderr.log").open("wb") as stderr:
            try:
                self._process = subprocess.Popen(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=stderr,
                    cwd=self._workdir,
                    env={**os.environ, **self.env},
                )
            except OSError as error:
                self.stop()
                raise MockRouterStartError(f"cannot run mockrouter: {error}", shlex.join(command), "", None) from None
        atexit.register(self.stop)
        assert self._process.stdout is not None
        self._stdout = _LineReader(self._process.stdout)
        self._stdout.start()
        self._url = self._await_ready_line(command)
        return self

    def _await_ready_line(self, command: list[str]) -> str:
        assert self._stdout is not None
        try:
            line = self._stdout.lines.get(timeout=self.startup_timeout)
        except queue.Empty:
            self._fail_start(f"mockrouter printed no ready line within {self.startup_timeout:g} s", command)
        if line is None:
            self._fail_start("mockrouter exited before printing its ready line", command)
        match = READY_LINE.match(line)
        if match is None:
            self._fail_start(f"mockrouter's first line on stdout is not its ready line: {line!r}", command)
        return match.group(1)

    def _fail_start(self, reason: str, command: list[str]) -> NoReturn:
        assert self._process is not None
        if self._process.poll() is None:
            self._process.kill()
        returncode = self._process.wait()
        self.stop()
        raise MockRouterStartError(reason, shlex.join(command), self.stderr, returncode)

    def stop(self) -> int | None:
        """SIGTERM the process, wait for it (kill it after ``stop_timeout``); return its exit code.

        Returns ``None`` when there was no process (never started, or already stopped).
        """
        process, self._process = self._process, None
        if process is not None:
            atexit.unregister(self.stop)
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(self.stop_timeout)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        if self._stdout is not None:
            self._stdout.join(self.stop_timeout)
            self._stdout = None
        if self._workdir is not None:
            self._stderr_text = self.stderr
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None
        self._url = None
        return None if process is None else process.returncode

    def __enter__(self) -> MockRouter:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # URLs ------------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The server's origin, ``http://127.0.0.1:PORT``, as its ready line gave it."""
        if self._url is None:
            raise MockRouterError("this MockRouter is not running; call start() or use it as a context manager")
        return self._url

    @property
    def base_url(self) -> str:
        """Base URL for OpenAI-style clients (session ``default``)."""
        return self.url + "/api/v1"

    @property
    def anthropic_base_url(self) -> str:
        """Base URL for the Anthropic SDK, which appends ``/v1/messages`` itself."""
        return self.url + "/api"

    def scenario_url(self, name: str) -> str:
        """OpenAI-style base URL that demands scenario ``name``."""
        return f"{self.url}/scenario/{segment(name)}/api/v1"

    def scenario_anthropic_url(self, name: str) -> str:
        """Anthropic-style base URL that demands scenario ``name``."""
        return f"{self.url}/scenario/{segment(name)}/api"

    def session(self, name: str | None = None, scenario: str | None = None) -> Session:
        """A handle on session ``name`` (a fresh unique id when ``None``), optionally defaulting to a scenario."""
        return Session(self, name or f"t-{uuid.uuid4().hex}", scenario=scenario)

    # Admin API -------------------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        """``GET /__admin/health``: status, version and what is loaded."""
        return self._admin("GET", "/__admin/health")

    def requests(self, session: str | None = None) -> list[RecordedRequest]:
        """The request journal, oldest first: every session's, or one session's."""
        answer = self._admin("GET", "/__admin/requests", _admin.session_query(session))
        return [RecordedRequest.from_json(entry) for entry in answer["requests"]]

    def verdict(self, session: str | None = None, **thresholds: float) -> dict[str, Any]:
        """``GET /__admin/verdict``: findings about how the client behaved (docs/verdict.md), for
        every session or one. Thresholds by their API names, e.g. ``stall_bound=5``,
        ``max_retries=3``. Returns ``{"session", "requests", "counts", "findings", "thresholds"}``;
        each finding has ``code``, ``severity`` (``info``/``warning``/``error``), ``explanation``
        and the journal ``entries`` that prove it."""
        query = _admin.session_query(session) | {name: str(value) for name, value in thresholds.items()}
        return self._admin("GET", "/__admin/verdict", query)

    def add_scenario(self, spec: Mapping[str, Any] | str, session: str | None = None) -> dict[str, Any]:
        """Add (or replace) a scenario: a dict (sent as JSON) or YAML text (sent as is).

        With ``session``, only that session sees it. Returns the server's answer
        (``{"name", "replaced", "steps"}``); a scenario the server refuses raises ``ScenarioError``
        with its message, which names the line and key.
        """
        if isinstance(spec, str):
            body, content_type = spec.encode("utf-8"), "application/yaml"
        elif isinstance(spec, Mapping):
            body, content_type = json.dumps(spec).encode("utf-8"), "application/json"
        else:
            raise TypeError(f"a scenario is a dict or YAML text, not {type(spec).__name__}")
        query = _admin.session_query(session)
        status, answer = _admin.request(self.url, "POST", "/__admin/scenarios", query, body, content_type)
        if status == 400:
            raise ScenarioError(_admin.error_message(answer))
        return _admin.expect_ok("POST", "/__admin/scenarios", status, answer)

    def reset(self, session: str | None = None) -> dict[str, Any]:
        """Rewind recorded sequences and scenario steps and clear the journal: everything, or one session."""
        return self._admin("POST", "/__admin/reset", _admin.session_query(session))

    def _admin(self, method: str, path: str, query: dict[str, str] | None = None) -> dict[str, Any]:
        status, answer = _admin.request(self.url, method, path, query, b"" if method == "POST" else None)
        return _admin.expect_ok(method, path, status, answer)

    def __repr__(self) -> str:
        return f"MockRouter({self._url or 'not running'}, binary={str(self.binary)!r})"


class _LineReader(threading.Thread):
    """Reads the process's stdout line by line into ``lines``; ``None`` marks its end."""

    def __init__(self, stream: IO[bytes]) -> None:
        super().__init__(name="mockrouter-stdout", daemon=True)
        self._stream = stream
        self.lines: queue.Queue[str | None] = queue.Queue()

    def run(self) -> None:
        with self._stream:
            for raw in iter(self._stream.readline, b""):
                self.lines.put(raw.decode("utf-8", "replace").rstrip("\r\n"))
        self.lines.put(None)
