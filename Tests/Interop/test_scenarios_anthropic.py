"""The real Anthropic Python SDK against the bundled scenarios (Messages dialect, POST /api/v1/messages).

The SDK appends /v1/messages to its base URL, so the base is
http://HOST:PORT/session/ID/scenario/NAME/api. Expected values come from scenarios/*.yaml.

SDK facts this relies on (anthropic==2.12.0): `messages.stream()` dispatches on `event:`
names, raises RuntimeError unless the first event is message_start, accumulates
thinking_delta/signature_delta into a `thinking` block and input_json_delta into a
`tool_use` block's parsed `input`; `get_final_text()` joins the text blocks.
"""

from __future__ import annotations

import pytest

from interop_support import require_module
from scenario_support import (
    load_scenario,
    new_session,
    reasoning_signature,
    reasoning_text,
    scenario_base,
    step,
    text_of,
    tool_calls,
)

anthropic = require_module("anthropic")

MODEL = "anthropic/claude-sonnet-4.5"
MESSAGES = [{"role": "user", "content": "Scenario interop test."}]
MAX_TOKENS = 1024


@pytest.fixture
def client_for(base_url: str):
    """client_for(NAME) -> an Anthropic client bound to scenario NAME in a fresh session."""
    clients = []

    def make(name: str, **kw):
        kw.setdefault("max_retries", 0)
        kw.setdefault("timeout", 20)
        c = anthropic.Anthropic(base_url=scenario_base(base_url, name, new_session(), api="/api"), api_key="sk-test", **kw)
        clients.append(c)
        return c

    yield make
    for c in clients:
        c.close()


def _blocks(message, kind: str) -> list:
    return [b for b in message.content if b.type == kind]


def test_stream_hello(client_for):
    st = step(load_scenario("hello"))
    deltas = []

    with client_for("hello").messages.stream(model=MODEL, max_tokens=MAX_TOKENS, messages=MESSAGES) as stream:
        for text in stream.text_stream:
            deltas.append(text)
        final_text = stream.get_final_text()
        final = stream.get_final_message()

    assert final_text == text_of(st)
    assert "".join(deltas) == text_of(st)
    assert len(deltas) > 1, "the text arrived in one delta"
    assert final.role == "assistant"
    assert final.id.startswith("gen-"), final.id
    assert final.stop_reason == "end_turn"
    assert final.usage.output_tokens > 0


def test_stream_reasoning(client_for):
    st = step(load_scenario("reasoning"))
    signature = reasoning_signature(st)
    assert reasoning_text(st).strip(), "scenario reasoning has no reasoning text"
    assert signature, "scenario reasoning has no signature"

    with client_for("reasoning").messages.stream(
        model=MODEL,
        max_tokens=MAX_TOKENS,
        messages=MESSAGES,
        thinking={"type": "enabled", "budget_tokens": MAX_TOKENS // 2},
    ) as stream:
        final = stream.get_final_message()

    thinking = _blocks(final, "thinking")
    assert len(thinking) == 1, [b.type for b in final.content]
    assert thinking[0].thinking == reasoning_text(st)
    assert thinking[0].signature == signature
    assert final.content[0].type == "thinking", "the thinking block should come first"
    assert "".join(b.text for b in _blocks(final, "text")) == text_of(st)


def test_stream_tool_call(client_for):
    st = step(load_scenario("tool-call"))
    want = tool_calls(st)
    assert len(want) == 1

    with client_for("tool-call").messages.stream(
        model=MODEL,
        max_tokens=MAX_TOKENS,
        messages=MESSAGES,
        tools=[{"name": w["name"], "input_schema": {"type": "object"}} for w in want],
    ) as stream:
        final = stream.get_final_message()

    uses = _blocks(final, "tool_use")
    assert len(uses) == 1, [b.type for b in final.content]
    assert uses[0].name == want[0]["name"]
    assert uses[0].input == want[0]["arguments"]
    assert uses[0].id, "tool_use block has no id"
    if want[0]["id"]:
        assert uses[0].id == want[0]["id"]
    assert final.stop_reason == "tool_use"


def test_non_stream_hello(client_for):
    st = step(load_scenario("hello"))

    message = client_for("hello").messages.create(model=MODEL, max_tokens=MAX_TOKENS, messages=MESSAGES)

    assert message.type == "message"
    assert message.role == "assistant"
    assert "".join(b.text for b in _blocks(message, "text")) == text_of(st)
    assert message.stop_reason == "end_turn"
    assert message.usage.output_tokens > 0
