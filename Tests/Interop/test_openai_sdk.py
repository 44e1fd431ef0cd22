"""The real OpenAI Python SDK against the real mockrouter binary.

Expected values are read from the bundled cassettes on disk (gzip + JSON Lines,
SSE frames parsed here), so these tests also prove the cassette format is
readable from Python and that replay is faithful to it.
"""

from __future__ import annotations

import json

import pytest

from interop_support import (CHAT_PATH, collect_chat_stream, collect_tool_calls, extra_field, find_recorded, journal, read_content_into,
                             require_module)

openai = require_module("openai")

HELLO = [{"role": "user", "content": "Say hello in five words."}]
HAIKU = [{"role": "user", "content": "Write a haiku about the sea."}]
MULTIPLY = [{"role": "user", "content": "What is 17 * 23?"}]
WEATHER_TIME = [{"role": "user", "content": "What is the weather in Oslo and the time in Tokyo?"}]
STORY = [{"role": "user", "content": "Tell me a long story."}]


def _tool(name: str, description: str, param: str) -> dict:
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": description,
            "parameters": {"type": "object", "properties": {param: {"type": "string"}}, "required": [param]},
        },
    }


TOOLS = [
    _tool("get_weather", "Current weather for a city", "city"),
    _tool("get_time", "Current time in a timezone", "timezone"),
]

# The bodies the SDK sends for the calls below (asserted against the cassettes).
BODY_A = {"messages": HELLO, "model": "openai/gpt-4o-mini"}
BODY_B = {"messages": HAIKU, "model": "openai/gpt-4o-mini", "stream": True}
BODY_C = {"messages": MULTIPLY, "model": "anthropic/claude-sonnet-4.5", "stream": True, "reasoning": {"effort": "high"}}
BODY_D = {"messages": WEATHER_TIME, "model": "openai/gpt-4.1", "stream": True, "tools": TOOLS}
BODY_E = {"messages": STORY, "model": "openai/gpt-4o", "stream": True}


@pytest.fixture
def client(base_url: str):
    with openai.OpenAI(base_url=base_url + "/api/v1", api_key="sk-test", max_retries=0, timeout=20) as c:
        yield c


def _recorded_content(chunks: list[dict]) -> str:
    return "".join(
        (c["choices"][0]["delta"].get("content") or "")
        for c in chunks
        if c.get("choices") and "error" not in c
    )


# ---------------------------------------------------------------- (a)


def test_non_stream_chat_completion(client):
    rec = find_recorded("POST", CHAT_PATH, BODY_A)
    recorded = rec.response_json()

    resp = client.chat.completions.create(model="openai/gpt-4o-mini", messages=HELLO)

    assert resp.choices[0].message.content == "Hello there, how are you?"
    assert resp.choices[0].message.content == recorded["choices"][0]["message"]["content"]
    assert resp.id.startswith("gen-"), resp.id
    assert resp.id != recorded["id"] and len(resp.id) == len(recorded["id"]), "each replay carries a fresh id"
    assert resp.created == int(resp.id.split("-")[1])
    assert resp.object == "chat.completion"
    assert resp.choices[0].finish_reason == "stop"
    assert resp.usage is not None
    assert resp.usage.total_tokens == recorded["usage"]["total_tokens"]
    assert resp.usage.total_tokens > 0

    # After the last recorded answer, the last one repeats.
    again = client.chat.completions.create(model="openai/gpt-4o-mini", messages=HELLO)
    assert again.choices[0].message.content == "Hello there, how are you?"
    assert again.id != resp.id


def test_v1_alias_replays_same_interaction(base_url):
    with openai.OpenAI(base_url=base_url + "/v1", api_key="sk-test", max_retries=0, timeout=20) as c:
        resp = c.chat.completions.create(model="openai/gpt-4o-mini", messages=HELLO)
    assert resp.choices[0].message.content == "Hello there, how are you?"
    assert resp.id.startswith("gen-") and resp.id != find_recorded("POST", CHAT_PATH, BODY_A).response_json()["id"]


# ---------------------------------------------------------------- (b)


def test_stream_text(client):
    rec = find_recorded("POST", CHAT_PATH, BODY_B)
    rec_chunks = rec.sse_chunks()
    expected_text = _recorded_content(rec_chunks)
    assert expected_text.strip(), f"{rec}: recorded stream has no text"
    assert rec.sse_data()[-1] == "[DONE]", f"{rec}: recorded stream does not end with [DONE]"
    rec_usage = rec_chunks[-1]["usage"]

    chunks = list(client.chat.completions.create(model="openai/gpt-4o-mini", messages=HAIKU, stream=True))

    assert len(chunks) == len(rec_chunks)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == expected_text
    finish = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert finish == ["stop"]
    assert all(c.id.startswith("gen-") for c in chunks)

    last = chunks[-1]
    assert last.choices == []
    assert last.usage is not None
    assert last.usage.total_tokens == rec_usage["total_tokens"]
    cost = extra_field(last.usage, "cost")
    assert cost is not None, f"usage chunk carries no cost: {last.usage!r}"
    assert cost == pytest.approx(rec_usage["cost"])
    assert cost > 0


# ---------------------------------------------------------------- (c)


def test_stream_reasoning(client):
    rec = find_recorded("POST", CHAT_PATH, BODY_C)
    rec_chunks = rec.sse_chunks()
    expected_reasoning = "".join(
        c["choices"][0]["delta"].get("reasoning") or "" for c in rec_chunks if c.get("choices")
    )

    stream = client.chat.completions.create(
        model="anthropic/claude-sonnet-4.5",
        messages=MULTIPLY,
        stream=True,
        extra_body={"reasoning": {"effort": "high"}},
    )
    reasoning, content, details = collect_chat_stream(stream)

    assert "".join(reasoning).strip(), "no delta.reasoning text arrived"
    assert "".join(reasoning) == expected_reasoning
    assert details and all(d.get("type", "").startswith("reasoning.") for d in details)
    assert "".join(content) == "17 × 23 = 391."


# ---------------------------------------------------------------- (d)


def test_stream_parallel_tool_calls(client):
    find_recorded("POST", CHAT_PATH, BODY_D)  # the fixture exists

    stream = client.chat.completions.create(
        model="openai/gpt-4.1", messages=WEATHER_TIME, stream=True, tools=TOOLS
    )
    calls, order, finish = collect_tool_calls(stream)
    fragments = len(order)

    assert sorted(calls) == [0, 1]
    assert fragments > 2, "arguments were expected to arrive in several fragments"
    assert calls[0]["name"] == "get_weather"
    assert calls[1]["name"] == "get_time"
    assert json.loads(calls[0]["arguments"]) == {"city": "Oslo"}
    assert json.loads(calls[1]["arguments"]) == {"timezone": "Asia/Tokyo"}
    assert calls[0]["id"] and calls[1]["id"] and calls[0]["id"] != calls[1]["id"]
    assert finish == ["tool_calls"]


# ---------------------------------------------------------------- (e)


def test_stream_midstream_error(client):
    rec = find_recorded("POST", CHAT_PATH, BODY_E)
    rec_chunks = rec.sse_chunks()
    error_at = next(i for i, c in enumerate(rec_chunks) if c.get("error"))
    expected_prefix = _recorded_content(rec_chunks[:error_at])
    assert expected_prefix.strip(), f"{rec}: no text before the error chunk"
    assert "[DONE]" not in rec.sse_data()

    collected = []
    stream = client.chat.completions.create(model="openai/gpt-4o", messages=STORY, stream=True)
    with pytest.raises(openai.APIError) as excinfo:
        read_content_into(stream, collected)

    err = excinfo.value
    # An in-band error chunk, not a broken connection or an HTTP status error.
    assert not isinstance(err, (openai.APIConnectionError, openai.APIStatusError)), repr(err)
    assert err.message == "Provider disconnected unexpectedly"
    assert isinstance(err.body, dict) and err.body.get("code") == 502
    assert "".join(collected) == expected_prefix
    assert "".join(collected).startswith("Once upon a time")


# ---------------------------------------------------------------- no match


def test_no_match_is_404_with_near_misses(client):
    nearest = find_recorded("POST", CHAT_PATH, BODY_A)
    with pytest.raises(openai.NotFoundError) as excinfo:
        client.chat.completions.create(
            model="openai/gpt-4o-mini",
            messages=[{"role": "user", "content": "Say goodbye in five words."}],
        )
    err = excinfo.value
    assert err.status_code == 404
    body = err.body
    assert isinstance(body, dict), body
    # The SDK unwraps {"error": {...}}; accept either shape defensively.
    error = body.get("error", body) if isinstance(body.get("error"), dict) else body
    assert error.get("code") == 404
    assert error["message"].startswith("MockRouter: no recorded interaction"), error["message"]
    near = (error.get("metadata") or {}).get("near_misses")
    assert near, f"no metadata.near_misses in {json.dumps(body)}"
    assert "messages" in json.dumps(near), f"near misses do not name the differing field: {json.dumps(near)}"
    # The closest recording is the one whose only difference is the message text.
    assert nearest.name in json.dumps(near[0]), f"closest near miss is not {nearest.name}: {json.dumps(near[0])}"


# ---------------------------------------------------------------- journal


def test_journal_records_sdk_requests(client, base_url):
    rec = find_recorded("POST", CHAT_PATH, BODY_A)
    client.chat.completions.create(model="openai/gpt-4o-mini", messages=HELLO)
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(model="openai/gpt-4o-mini", messages=[{"role": "user", "content": "Unrecorded."}])

    entries = [e for e in journal(base_url) if str(e.get("path", "")).endswith("/chat/completions")]
    assert len(entries) == 2, f"expected 2 journal entries after reset, got {json.dumps(entries)[:2000]}"
    hit, miss = entries
    assert hit["method"] == "POST" and miss["method"] == "POST"
    assert hit["path"] == CHAT_PATH
    assert hit.get("interaction"), f"journal entry names no interaction: {hit}"
    assert rec.name in json.dumps(hit["interaction"]), (
        f"journal interaction {hit['interaction']!r} does not name cassette {rec.name!r}"
    )
    if isinstance(hit["interaction"], dict) and "number" in hit["interaction"]:
        assert hit["interaction"]["number"] == rec.number, hit["interaction"]
    assert miss.get("interaction") is None, miss
    assert miss.get("reason"), f"unmatched entry carries no reason: {miss}"
