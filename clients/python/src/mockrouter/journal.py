"""The server's request journal (``GET /__admin/requests``) as Python objects."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

#: Journal ``reason`` values that mean "the mock had no answer for this request".
MISS_REASONS = frozenset({"no_match", "unknown_scenario"})


class ScenarioStep(NamedTuple):
    """The scenario step that answered a request."""

    name: str
    step: int


class InteractionRef(NamedTuple):
    """The cassette interaction that answered a request."""

    cassette: str
    number: int
    occurrence: int
    repeat: bool


@dataclass(frozen=True)
class RecordedRequest:
    """One journal entry: a request the server answered, and what answered it.

    ``source`` is ``cassette``, ``scenario``, ``catalogue``, ``upstream`` or ``error``; ``reason``
    and ``message`` are set when it is ``error``. ``headers`` has lower-case names (empty with a
    binary whose journal has no headers).
    """

    method: str
    path: str
    query: str | None
    headers: dict[str, str] = field(repr=False)
    body: Any = field(repr=False)
    status: int
    source: str
    scenario: ScenarioStep | None
    interaction: InteractionRef | None
    reason: str | None
    message: str | None
    session: str
    time: str

    @classmethod
    def from_json(cls, entry: Mapping[str, Any]) -> RecordedRequest:
        """Build one from an entry of ``GET /__admin/requests``."""
        scenario = entry.get("scenario")
        interaction = entry.get("interaction")
        return cls(
            method=entry["method"],
            path=entry["path"],
            query=entry.get("query"),
            headers={str(name).lower(): value for name, value in (entry.get("headers") or {}).items()},
            body=entry.get("body"),
            status=entry["status"],
            source=entry["source"],
            scenario=ScenarioStep(scenario["name"], scenario["step"]) if scenario else None,
            interaction=InteractionRef(
                interaction["cassette"], interaction["number"], interaction.get("occurrence", 1), interaction.get("repeat", False)
            )
            if interaction
            else None,
            reason=entry.get("reason"),
            message=entry.get("message"),
            session=entry["session"],
            time=entry["time"],
        )

    @property
    def json(self) -> dict[str, Any] | None:
        """The body when it is a JSON object, else ``None``."""
        return self.body if isinstance(self.body, dict) else None

    @property
    def is_miss(self) -> bool:
        """Whether the mock had no answer: no recording or scenario matched, or an unknown scenario was named."""
        return self.source == "error" and self.reason in MISS_REASONS

    def describe(self) -> str:
        """One readable paragraph: the request line, what answered it and, for an error, the full message."""
        line = f"{self.method} {self.path}{'?' + self.query if self.query else ''} -> {self.status} {self.source}"
        if self.reason:
            line += f" ({self.reason})"
        return f"{line}\n  {self.message}" if self.message else line
