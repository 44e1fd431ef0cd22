"""URL helpers shared by the server and session handles."""

from __future__ import annotations

from urllib.parse import quote


def segment(value: str) -> str:
    """``value`` percent-encoded as one URL path segment."""
    return quote(value, safe="")
