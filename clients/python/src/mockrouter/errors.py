"""Exceptions raised by the mockrouter package."""

from __future__ import annotations

from collections.abc import Sequence


class MockRouterError(Exception):
    """Base class of every error this package raises."""


class MockRouterBinaryNotFound(MockRouterError):
    """No usable ``mockrouter`` binary was found.

    ``tried`` holds one ``(path, problem)`` pair per place that was looked at.
    """

    def __init__(self, tried: Sequence[tuple[str, str]]) -> None:
        self.tried = list(tried)
        lines = "\n".join(f"  {path}: {problem}" for path, problem in self.tried)
        super().__init__(
            "no usable mockrouter binary; paths tried:\n"
            f"{lines}\n"
            "Pass binary=/path/to/mockrouter (pytest: --mockrouter-bin), set MOCKROUTER_BIN, "
            "install a platform wheel of mockrouter (it bundles the binary) or put mockrouter on PATH."
        )


class MockRouterStartError(MockRouterError):
    """The server could not be run, or exited or printed no ready line in time while starting.

    ``returncode`` is ``None`` when the process could not be run at all.
    """

    def __init__(self, reason: str, command: str, stderr: str, returncode: int | None) -> None:
        self.reason = reason
        self.command = command
        self.stderr = stderr
        self.returncode = returncode
        if returncode is None:
            status = "the process did not start"
        elif returncode < 0:
            status = f"killed by signal {-returncode}"
        else:
            status = f"exit code {returncode}"
        super().__init__(f"{reason}\ncommand: {command}\n{status}\nstderr:\n{stderr.rstrip() or '(empty)'}")


class ScenarioError(MockRouterError):
    """The server refused a scenario posted to ``/__admin/scenarios``; the message names line and key."""


class AdminError(MockRouterError):
    """An admin request got an answer other than the one expected."""

    def __init__(self, method: str, path: str, status: int, message: str) -> None:
        self.status = status
        super().__init__(f"{method} {path} answered {status}: {message}")
