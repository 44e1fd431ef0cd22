"""A small JSON client for the server's ``/__admin/`` API, on the standard library only."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from .errors import AdminError

#: Admin requests answer at once; this only bounds a wedged server.
TIMEOUT_S = 30.0

# Never through a proxy from the environment: the server is on loopback.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def session_query(session: str | None) -> dict[str, str]:
    """The query parameters that scope an admin request to ``session`` (none for all sessions)."""
    return {} if session is None else {"session": session}


def request(
    url: str,
    method: str,
    path: str,
    query: dict[str, str] | None = None,
    body: bytes | None = None,
    content_type: str | None = None,
) -> tuple[int, Any]:
    """Send one admin request; return the status and the parsed JSON answer (or its text)."""
    target = url + path + ("?" + urllib.parse.urlencode(query) if query else "")
    headers = {"Accept": "application/json"}
    if content_type:
        headers["Content-Type"] = content_type
    outgoing = urllib.request.Request(target, data=body, method=method, headers=headers)
    try:
        with _OPENER.open(outgoing, timeout=TIMEOUT_S) as response:
            return response.status, _decode(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, _decode(error.read())


def expect_ok(method: str, path: str, status: int, answer: Any) -> dict[str, Any]:
    """``answer`` when ``status`` is 2xx and it is a JSON object, else an ``AdminError`` saying why."""
    if not 200 <= status < 300:
        raise AdminError(method, path, status, error_message(answer))
    if not isinstance(answer, dict):
        raise AdminError(method, path, status, f"expected a JSON object, got {answer!r:.200}")
    return answer


def error_message(answer: Any) -> str:
    """The ``error.message`` of an OpenRouter-style error body, or the body itself."""
    if isinstance(answer, dict) and isinstance(answer.get("error"), dict):
        return str(answer["error"].get("message", answer))
    return str(answer)


def _decode(raw: bytes) -> Any:
    text = raw.decode("utf-8", "replace")
    try:
        return json.loads(text)
    except ValueError:
        return text
