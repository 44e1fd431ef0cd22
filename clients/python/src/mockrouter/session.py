"""``Session``: one isolated session on a running server (its own journal, steps and scenarios)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ._urls import segment
from .journal import RecordedRequest

if TYPE_CHECKING:
    from .server import MockRouter


class Session:
    """Session ``id`` on ``server``: every URL here carries the ``/session/ID`` prefix.

    With ``scenario``, ``base_url`` and ``anthropic_base_url`` demand that scenario.
    """

    def __init__(self, server: MockRouter, id: str, scenario: str | None = None) -> None:
        self.server = server
        self.id = id
        self.scenario = scenario

    @property
    def url(self) -> str:
        """The session's root, ``http://127.0.0.1:PORT/session/ID``."""
        return f"{self.server.url}/session/{segment(self.id)}"

    @property
    def base_url(self) -> str:
        """Base URL for OpenAI-style clients: the session's default scenario if it has one."""
        return self.scenario_url(self.scenario) if self.scenario else self.url + "/api/v1"

    @property
    def anthropic_base_url(self) -> str:
        """Base URL for the Anthropic SDK (it appends ``/v1/messages``)."""
        return self.scenario_anthropic_url(self.scenario) if self.scenario else self.url + "/api"

    def scenario_url(self, name: str) -> str:
        """OpenAI-style base URL that demands scenario ``name`` in this session."""
        return f"{self.url}/scenario/{segment(name)}/api/v1"

    def scenario_anthropic_url(self, name: str) -> str:
        """Anthropic-style base URL that demands scenario ``name`` in this session."""
        return f"{self.url}/scenario/{segment(name)}/api"

    def requests(self) -> list[RecordedRequest]:
        """This session's journal, oldest first."""
        return self.server.requests(session=self.id)

    def add_scenario(self, spec: Mapping[str, Any] | str) -> dict[str, Any]:
        """Add a scenario that only this session sees (see ``MockRouter.add_scenario``)."""
        return self.server.add_scenario(spec, session=self.id)

    def verdict(self, **thresholds: float) -> dict[str, Any]:
        """This session's verdict: findings about how the client behaved (see ``MockRouter.verdict``)."""
        return self.server.verdict(session=self.id, **thresholds)

    def reset(self) -> dict[str, Any]:
        """Rewind this session's sequences and steps and clear its journal."""
        return self.server.reset(session=self.id)

    def misses(self) -> list[RecordedRequest]:
        """Requests the mock had no answer for: nothing matched, or an unknown scenario was named."""
        return [entry for entry in self.requests() if entry.is_miss]

    def assert_no_misses(self) -> None:
        """Raise ``AssertionError`` with each miss's full message (it carries the near-miss report)."""
        __tracebackhide__ = True
        misses = self.misses()
        if misses:
            raise AssertionError(describe_misses(misses))

    def __repr__(self) -> str:
        scenario = f", scenario={self.scenario!r}" if self.scenario else ""
        return f"Session({self.id!r}{scenario}, server={self.server!r})"


def describe_misses(misses: list[RecordedRequest]) -> str:
    """A readable list of misses, each with the mock's full message."""
    count = f"{len(misses)} request{'s' if len(misses) != 1 else ''}"
    return f"mockrouter had no answer for {count}:\n" + "\n".join(f"- {miss.describe()}" for miss in misses)
