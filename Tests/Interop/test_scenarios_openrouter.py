"""The real `openrouter` Python SDK (Speakeasy) against the bundled scenarios.

`server_url` = http://HOST:PORT/session/ID/scenario/NAME/api/v1; retry_config=None.
Expected values come from scenarios/*.yaml.
"""

from __future__ import annotations

import json

import pytest

from interop_support import require_module
from scenario_support import load_scenario, new_session, scenario_base, step, text_of, tool_calls

openrouter = require_module("openrouter")
from openrouter import OpenRouter  # noqa: E402

MODEL = "openai/gpt-4o-mini"
MESSAGES = [{"role": "user", "content": "Scenario interop test."}]


@pytest.fixture
def client_for(base_url: str):
    """client_for(NAME) -> an OpenRouter SDK client bound to scenario NAME in a fresh session."""
    clients = []

    def make(name: str):
        c = OpenRouter(
            api_key="sk-test",
            server_url=scenario_base(base_url, name, new_session()),
            retry_config=None,
            timeout_ms=20_000,
        )
        clients.append(c)
        return c

    yield make
    for c in clients:
        c.__exit__(None, None, None)


def test_hello_non_stream(client_for):
    st = step(load_scenario("hello"))

    res = client_for("hello").chat.send(model=MODEL, messages=MESSAGES)

    assert res.choices[0].message.content == text_of(st)
    assert res.id.startswith("gen-"), res.id
    assert res.choices[0].finish_reason == "stop"
    assert res.usage is not None and res.usage.total_tokens > 0
    assert res.usage.cost is not None and res.usage.cost > 0


def test_hello_stream(client_for):
    st = step(load_scenario("hello"))

    with client_for("hello").chat.send(model=MODEL, messages=MESSAGES, stream=True) as stream:
        chunks = list(stream)

    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == text_of(st)
    assert [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason] == ["stop"]
    assert all(c.error is None for c in chunks)
    usage = next((c.usage for c in reversed(chunks) if c.usage is not None), None)
    assert usage is not None and usage.cost is not None and usage.cost > 0


def test_tool_call_non_stream(client_for):
    st = step(load_scenario("tool-call"))
    want = tool_calls(st)
    assert len(want) == 1

    res = client_for("tool-call").chat.send(model=MODEL, messages=MESSAGES)

    message = res.choices[0].message
    assert message.tool_calls, f"no tool calls in {res!r}"
    assert len(message.tool_calls) == 1
    call = message.tool_calls[0]
    assert call.function.name == want[0]["name"]
    assert json.loads(call.function.arguments) == want[0]["arguments"]
    assert call.id, "tool call has no id"
    if want[0]["id"]:
        assert call.id == want[0]["id"]
    assert res.choices[0].finish_reason == "tool_calls"
