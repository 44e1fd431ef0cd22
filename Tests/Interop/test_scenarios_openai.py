"""The real OpenAI Python SDK against the bundled scenarios (scenarios/*.yaml).

Every expected text, argument, status and header is read from the scenario
file on disk; each test runs in its own session, selected by the base URL
http://HOST:PORT/session/ID/scenario/NAME/api/v1.

SDK facts this relies on (openai==3.54.0, transport httpx2), checked against
a stdlib fake server:
- a chunked body that ends without its terminating zero-length chunk raises
  exactly `openai.APIConnectionError` while iterating, caused by
  `httpx2.RemoteProtocolError` ("incomplete chunked read");
- a read that waits longer than `timeout` mid-stream raises `openai.APITimeoutError`
  (caused by `httpx2.ReadTimeout`);
- 402 and 408 have no dedicated class: exactly `openai.APIStatusError`; 403 is
  `PermissionDeniedError`, 429 `RateLimitError`, 502/503 `InternalServerError`;
  `e.body` is the unwrapped `error` object;
- `Retry-After: 1` is honoured as exactly 1 s per retry (0 < value <= 120).
"""

from __future__ import annotations

import json
import time

import pytest

from interop_support import collect_chat_stream, collect_tool_calls, extra_field, read_content_into, require_module
from scenario_support import (
    error_type,
    first_error,
    first_success,
    load_scenario,
    new_session,
    reasoning_text,
    scenario_base,
    status_of,
    step,
    step_header,
    text_before,
    text_of,
    token_events,
    tool_calls,
)

openai = require_module("openai")
httpx2 = require_module("httpx2")

MODEL = "openai/gpt-4o-mini"
MESSAGES = [{"role": "user", "content": "Scenario interop test."}]


@pytest.fixture
def client_for(base_url: str):
    """client_for(NAME, **kw) -> an OpenAI client bound to scenario NAME in a fresh session."""
    clients = []

    def make(name: str, **kw):
        kw.setdefault("max_retries", 0)
        kw.setdefault("timeout", 20)
        c = openai.OpenAI(base_url=scenario_base(base_url, name, new_session()), api_key="sk-test", **kw)
        clients.append(c)
        return c

    yield make
    for c in clients:
        c.close()


def _expected_cost(st: dict, total_tokens: int) -> float:
    usage = st.get("usage") or {}
    return float(usage["cost"]) if "cost" in usage else 0.000001 * total_tokens


def _tools_for(calls: list[dict]) -> list[dict]:
    return [
        {"type": "function", "function": {"name": c["name"], "parameters": {"type": "object"}}}
        for c in calls
    ]




def _error_object(body):
    """The SDK unwraps {"error": {...}}; accept either shape."""
    assert isinstance(body, dict), f"error body is not an object: {body!r}"
    return body["error"] if isinstance(body.get("error"), dict) else body


# ---------------------------------------------------------------- hello


def test_hello_stream(client_for):
    st = step(load_scenario("hello"))
    expected = text_of(st)
    assert expected.strip(), "scenario hello has no text"

    chunks = list(client_for("hello").chat.completions.create(model=MODEL, messages=MESSAGES, stream=True))

    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == expected
    finish = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert finish == [st.get("finish_reason", "stop")]
    assert all(c.id.startswith("gen-") for c in chunks), [c.id for c in chunks]
    assert len({c.id for c in chunks}) == 1, "chunks of one stream carry different ids"
    usage = next((c.usage for c in reversed(chunks) if c.usage is not None), None)
    assert usage is not None, "no chunk carries usage"
    cost = extra_field(usage, "cost")
    assert cost is not None, f"usage carries no cost: {usage!r}"
    assert cost == pytest.approx(_expected_cost(st, usage.total_tokens))


def test_hello_non_stream(client_for):
    st = step(load_scenario("hello"))

    resp = client_for("hello").chat.completions.create(model=MODEL, messages=MESSAGES)

    assert resp.object == "chat.completion"
    assert resp.id.startswith("gen-"), resp.id
    assert resp.choices[0].message.role == "assistant"
    assert resp.choices[0].message.content == text_of(st)
    assert resp.choices[0].finish_reason == st.get("finish_reason", "stop")
    assert resp.usage is not None
    usage_spec = st.get("usage") or {}
    assert resp.usage.prompt_tokens == usage_spec.get("prompt_tokens", 12)
    assert resp.usage.completion_tokens == usage_spec.get("completion_tokens", len(token_events(st)))
    assert resp.usage.total_tokens == resp.usage.prompt_tokens + resp.usage.completion_tokens
    cost = extra_field(resp.usage, "cost")
    assert cost is not None, f"usage carries no cost: {resp.usage!r}"
    assert cost == pytest.approx(_expected_cost(st, resp.usage.total_tokens))


# ---------------------------------------------------------------- tool calls


def test_tool_call_stream(client_for):
    st = step(load_scenario("tool-call"))
    want = tool_calls(st)
    assert len(want) == 1, f"scenario tool-call declares {len(want)} calls"

    stream = client_for("tool-call").chat.completions.create(
        model=MODEL, messages=MESSAGES, stream=True, tools=_tools_for(want)
    )
    calls, order, finish = collect_tool_calls(stream)

    assert sorted(calls) == [0]
    assert calls[0]["name"] == want[0]["name"]
    assert json.loads(calls[0]["arguments"]) == want[0]["arguments"]
    assert calls[0]["id"], "the tool call has no id"
    if want[0]["id"]:
        assert calls[0]["id"] == want[0]["id"]
    assert finish == [st.get("finish_reason", "tool_calls")]


def test_parallel_tool_calls_stream(client_for):
    st = step(load_scenario("parallel-tool-calls"))
    want = tool_calls(st)
    assert len(want) >= 2, f"scenario parallel-tool-calls declares {len(want)} calls"

    stream = client_for("parallel-tool-calls").chat.completions.create(
        model=MODEL, messages=MESSAGES, stream=True, tools=_tools_for(want)
    )
    calls, order, finish = collect_tool_calls(stream)

    assert sorted(calls) == list(range(len(want)))
    for i, w in enumerate(want):
        assert calls[i]["name"] == w["name"], calls[i]
        assert json.loads(calls[i]["arguments"]) == w["arguments"], calls[i]
        if w["id"]:
            assert calls[i]["id"] == w["id"]
    ids = [calls[i]["id"] for i in sorted(calls)]
    assert all(ids) and len(set(ids)) == len(ids), f"tool-call ids missing or repeated: {ids}"
    assert finish == [st.get("finish_reason", "tool_calls")]
    # fragment order: interleaved (OpenAI style) or call after call (Anthropic style)
    first_of_1 = order.index(1)
    interleaved = 0 in order[first_of_1:]
    assert interleaved == bool(st.get("interleave", False)), (
        f"interleave={st.get('interleave', False)} in the scenario, fragment index order {order}"
    )


# ---------------------------------------------------------------- rate limit


def test_rate_limit_retried_by_sdk(client_for):
    sc = load_scenario("rate-limit")
    n_ok, ok = first_success(sc)
    errors = sc["steps"][: n_ok - 1]
    assert errors and all(status_of(s) == 429 for s in errors), "rate-limit should start with 429 steps"
    waits = [float(step_header(s, "Retry-After")) for s in errors]
    assert len(errors) <= 2, "more 429 steps than the SDK's max_retries=2 can absorb"

    client = client_for("rate-limit", max_retries=2)
    t0 = time.monotonic()
    resp = client.chat.completions.create(model=MODEL, messages=MESSAGES)
    elapsed = time.monotonic() - t0

    assert resp.choices[0].message.content == text_of(ok)
    assert elapsed >= sum(waits) - 0.01, f"took {elapsed:.2f} s; the SDK should have waited {waits} s"
    assert elapsed < sum(waits) + 5, f"took {elapsed:.2f} s"


def test_rate_limit_without_retries(client_for):
    st = first_error(load_scenario("rate-limit"))
    assert status_of(st) == 429

    with pytest.raises(openai.RateLimitError) as excinfo:
        client_for("rate-limit").chat.completions.create(model=MODEL, messages=MESSAGES)

    err = excinfo.value
    assert err.status_code == 429
    headers = err.response.headers
    assert headers.get("retry-after") == step_header(st, "Retry-After")
    for name in ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"):
        assert name in headers, f"429 lacks {name}: {dict(headers)}"
    error = _error_object(err.body)
    assert error.get("code") == 429
    assert error.get("message") == st["error"]["message"]
    assert (error.get("metadata") or {}).get("error_type") == error_type(st)


# ---------------------------------------------------------------- stream errors and faults


def test_midstream_error_stream(client_for):
    st = step(load_scenario("midstream-error"))
    spec = st["midstream_error"]
    n = int(spec["after"])
    expected = text_before(st, n)
    assert expected.strip(), "no text before the mid-stream error"

    collected = []
    stream = client_for("midstream-error").chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
    with pytest.raises(openai.APIError) as excinfo:
        read_content_into(stream, collected)

    err = excinfo.value
    # in-band error chunk: neither a broken connection nor an HTTP status error
    assert not isinstance(err, (openai.APIConnectionError, openai.APIStatusError)), repr(err)
    assert "".join(collected) == expected
    assert err.message == spec.get("message", "Provider disconnected unexpectedly")
    assert isinstance(err.body, dict) and err.body.get("code") == int(spec.get("code", 502)), err.body
    metadata = err.body.get("metadata") or {}
    assert metadata.get("error_type") == spec.get("error_type", "provider_unavailable"), err.body
    if "provider_code" in spec:
        assert metadata.get("provider_code") == spec["provider_code"], err.body


def test_disconnect_raises_connection_error(client_for):
    st = step(load_scenario("disconnect"))
    assert st["fault"]["kind"] == "disconnect"
    expected = text_before(st, int(st["fault"].get("after", 0)))
    assert expected.strip(), "scenario disconnect sends no text before closing"

    collected = []
    stream = client_for("disconnect").chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
    with pytest.raises(openai.APIConnectionError) as excinfo:
        read_content_into(stream, collected)

    err = excinfo.value
    assert type(err) is openai.APIConnectionError, repr(err)
    assert isinstance(err.__cause__, httpx2.RemoteProtocolError), repr(err.__cause__)
    assert "incomplete chunked read" in str(err.__cause__), str(err.__cause__)
    assert "".join(collected) == expected


def test_stall_times_out(client_for):
    st = step(load_scenario("stall"))
    assert st["fault"]["kind"] == "stall" and "stall_ms" not in st["fault"], "stall should be forever"
    expected = text_before(st, int(st["fault"].get("after", 0)))

    collected = []
    stream = client_for("stall", timeout=1.0).chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
    t0 = time.monotonic()
    with pytest.raises(openai.APITimeoutError) as excinfo:
        read_content_into(stream, collected)
    elapsed = time.monotonic() - t0

    assert isinstance(excinfo.value.__cause__, httpx2.ReadTimeout), repr(excinfo.value.__cause__)
    assert "".join(collected) == expected
    assert 0.9 <= elapsed < 5, f"timed out after {elapsed:.2f} s with timeout=1.0"


# ---------------------------------------------------------------- HTTP errors


def _http_error(client_for, name: str, cls):
    st = first_error(load_scenario(name))
    with pytest.raises(cls) as excinfo:
        client_for(name).chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
    err = excinfo.value
    assert err.status_code == status_of(st)
    error = _error_object(err.body)
    assert error.get("code") == status_of(st), err.body
    assert error.get("message") == st["error"]["message"], err.body
    metadata = error.get("metadata") or {}
    assert metadata.get("error_type") == error_type(st), err.body
    for key, value in (st["error"].get("metadata") or {}).items():
        assert metadata.get(key) == value, f"metadata.{key}: {err.body}"
    return st, err


def test_credits_exhausted_402(client_for):
    st, err = _http_error(client_for, "credits-exhausted", openai.APIStatusError)
    assert status_of(st) == 402
    assert type(err) is openai.APIStatusError, repr(err)  # no dedicated class for 402


def test_moderation_403(client_for):
    st, err = _http_error(client_for, "moderation", openai.PermissionDeniedError)
    assert status_of(st) == 403
    metadata = _error_object(err.body).get("metadata") or {}
    assert metadata.get("reasons"), f"no moderation reasons: {err.body}"
    assert "flagged_input" in metadata, f"no flagged_input: {err.body}"


@pytest.mark.parametrize("name,status", [("provider-error", 502), ("no-provider", 503)])
def test_server_errors(client_for, name, status):
    st, err = _http_error(client_for, name, openai.InternalServerError)
    assert status_of(st) == status


def test_timeout_408(client_for):
    st, err = _http_error(client_for, "timeout", openai.APIStatusError)
    assert status_of(st) == 408
    assert type(err) is openai.APIStatusError, repr(err)  # no dedicated class for 408


def test_unknown_scenario_is_404_listing_known(client_for):
    with pytest.raises(openai.NotFoundError) as excinfo:
        client_for("no-such-scenario").chat.completions.create(model=MODEL, messages=MESSAGES)
    error = _error_object(excinfo.value.body)
    assert error.get("code") == 404
    assert "no-such-scenario" in error["message"], error["message"]
    assert "hello" in error["message"], f"message does not list the known scenarios: {error['message']}"


# ---------------------------------------------------------------- Responses API


def test_responses_stream_hello(client_for):
    st = step(load_scenario("hello"))
    deltas, types = [], []

    with client_for("hello").responses.stream(model=MODEL, input="Scenario interop test.") as stream:
        for event in stream:
            types.append(event.type)
            if event.type == "response.output_text.delta":
                deltas.append(event.delta)
        final = stream.get_final_response()

    assert "".join(deltas) == text_of(st)
    assert types[0] == "response.created", types
    assert types.count("response.completed") == 1, types
    assert final.status == "completed"
    texts = [c.text for item in final.output if item.type == "message" for c in item.content if c.type == "output_text"]
    assert "".join(texts) == text_of(st)


def test_responses_create_stream_hello(client_for):
    st = step(load_scenario("hello"))
    events = list(client_for("hello").responses.create(model=MODEL, input="Scenario interop test.", stream=True))
    deltas = [e.delta for e in events if e.type == "response.output_text.delta"]
    assert "".join(deltas) == text_of(st)
    assert events[-1].type == "response.completed", [e.type for e in events]
    seqs = [e.sequence_number for e in events]
    assert seqs == list(range(len(events))), seqs


# ---------------------------------------------------------------- reasoning


def test_reasoning_stream(client_for):
    st = step(load_scenario("reasoning"))
    expected = reasoning_text(st)
    assert expected.strip(), "scenario reasoning has no reasoning text"

    stream = client_for("reasoning").chat.completions.create(
        model=MODEL, messages=MESSAGES, stream=True, extra_body={"reasoning": {"effort": "high"}}
    )
    reasoning, content, details = collect_chat_stream(stream)

    assert "".join(reasoning) == expected
    assert "".join(content) == text_of(st)
    assert details and all(str(d.get("type", "")).startswith("reasoning.") for d in details), details
    text_details = "".join(d.get("text") or "" for d in details if d.get("type") == "reasoning.text")
    assert text_details == expected
