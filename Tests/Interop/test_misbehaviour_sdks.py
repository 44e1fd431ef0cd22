"""Model misbehaviour (docs/scenarios.md 10.1 and 10.2) through the real SDKs: what a user sees.

Each of the ten kinds is driven through its bundled scenario (scenarios/KIND.yaml, base URL
http://HOST:PORT/session/ID/scenario/NAME/api/v1) and six SDK paths:

- OpenAI `chat.completions.create()`, not streamed and streamed (`stream=True`);
- OpenAI `chat.completions.parse()` and the `chat.completions.stream()` helper, with strict pydantic
  tools from `openai.pydantic_function_tool` (these parse the arguments and check finish reasons);
- Anthropic `messages.create()` and the `messages.stream()` helper on /messages (base .../api).

Every request offers get_weather (city: string, required; unit: celsius|fahrenheit) and
search_flights, so tool_args_schema_violation has a schema to break. Expected texts and arguments are
read from the scenario files. Each test asserts what differs from the well-behaved answer, so it
fails if the misbehaviour is not applied.

What the SDKs do (openai==3.54.0, anthropic==2.12.0), as these tests observe it:

| kind | OpenAI create / stream=True | OpenAI parse / stream() helper, pydantic tools | Anthropic create | Anthropic stream() |
|---|---|---|---|---|
| tool_args_invalid_json | returns the broken string; json.loads raises | pydantic ValidationError (json_invalid) | input {} | SDK's partial JSON parser completes the input: the break is invisible |
| tool_args_schema_violation | returns {"unit":"celsius"}, city missing | ValidationError (missing city) | input without city | same |
| tool_unknown_name | returns get_weather_v2 | returns, parsed_arguments None (no error) | name get_weather_v2 | same |
| tool_call_id_duplicate | returns two calls with one id | returns both, parsed | two tool_use blocks, one id | same |
| length_mid_tool | finish length, arguments cut | LengthFinishReasonError | stop max_tokens, input {} | stop max_tokens, input without the cut property |
| empty_response | content "", finish stop | returns content "" | content [] | no block; get_final_text() raises RuntimeError |
| refusal | content None, message.refusal, finish stop; the stream sends delta.refusal | parse: parsed None, message.refusal set (no error); helper: refusal.delta / refusal.done events | one text block with the refusal, stop refusal | same |
| content_filter | half the text, finish content_filter | ContentFilterFinishReasonError | stop refusal, half the text | same |
| reasoning_only | content "", reasoning, finish length | LengthFinishReasonError | one thinking block, stop max_tokens | same; get_final_text() raises |
| duplicated_frame | create unchanged; the stream yields one delta twice | parse unchanged; helper's content doubles a word | unchanged | content_block_start twice: a second, empty text block; get_final_text() unchanged |
"""

from __future__ import annotations

import json
from typing import Literal, Optional

import pytest

from interop_support import collect_chat_stream, collect_tool_calls, extra_field, require_module
from scenario_support import (
    load_scenario,
    new_session,
    reasoning_text,
    scenario_base,
    split_deltas,
    step,
    text_deltas,
    text_of,
    tool_calls,
)

openai = require_module("openai")
anthropic = require_module("anthropic")
pydantic = require_module("pydantic")

OPENAI_MODEL = "openai/gpt-4.1"
ANTHROPIC_MODEL = "anthropic/claude-sonnet-4.5"
MESSAGES = [{"role": "user", "content": "Misbehaviour interop test."}]
MAX_TOKENS = 1024

WEATHER_SCHEMA = {
    "type": "object",
    "properties": {
        "city": {"type": "string"},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
    },
    "required": ["city"],
    "additionalProperties": False,
}
FLIGHTS_SCHEMA = {
    "type": "object",
    "properties": {
        "from": {"type": "string"},
        "to": {"type": "string"},
        "date": {"type": "string"},
        "passengers": {"type": "integer"},
        "cabin": {"type": "string"},
    },
    "required": ["from", "to"],
}
SCHEMAS = {"get_weather": WEATHER_SCHEMA, "search_flights": FLIGHTS_SCHEMA}
OPENAI_TOOLS = [{"type": "function", "function": {"name": n, "parameters": s}} for n, s in SCHEMAS.items()]
ANTHROPIC_TOOLS = [{"name": n, "input_schema": s} for n, s in SCHEMAS.items()]


class GetWeather(pydantic.BaseModel):
    city: str
    unit: Literal["celsius", "fahrenheit"] = "celsius"


class SearchFlights(pydantic.BaseModel):
    from_: str = pydantic.Field(alias="from")
    to: str
    date: Optional[str] = None
    passengers: Optional[int] = None
    cabin: Optional[str] = None


PYDANTIC_TOOLS = [
    openai.pydantic_function_tool(GetWeather, name="get_weather"),
    openai.pydantic_function_tool(SearchFlights, name="search_flights"),
]


# ---------------------------------------------------------------- clients and calls


@pytest.fixture
def oai(base_url: str):
    """oai(NAME) -> an OpenAI client bound to scenario NAME in a fresh session."""
    clients = []

    def make(name: str):
        c = openai.OpenAI(
            base_url=scenario_base(base_url, name, new_session()), api_key="sk-test", max_retries=0, timeout=20)
        clients.append(c)
        return c

    yield make
    for c in clients:
        c.close()


@pytest.fixture
def ant(base_url: str):
    """ant(NAME) -> an Anthropic client bound to scenario NAME in a fresh session."""
    clients = []

    def make(name: str):
        c = anthropic.Anthropic(
            base_url=scenario_base(base_url, name, new_session(), api="/api"), api_key="sk-test", max_retries=0,
            timeout=20)
        clients.append(c)
        return c

    yield make
    for c in clients:
        c.close()


def oai_create(client, tools=OPENAI_TOOLS, **kw):
    if tools is not None:
        kw["tools"] = tools
    return client.chat.completions.create(model=OPENAI_MODEL, messages=MESSAGES, **kw)


def oai_chunks(client, **kw) -> list:
    return list(oai_create(client, stream=True, **kw))


def finish_of(chunks) -> list[str]:
    return [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]


def usage_of(chunks):
    return next(c.usage for c in reversed(chunks) if c.usage is not None)


def oai_parse(client):
    return client.chat.completions.parse(model=OPENAI_MODEL, messages=MESSAGES, tools=PYDANTIC_TOOLS)


def oai_helper(client, events: list, tools=PYDANTIC_TOOLS):
    """Runs the chat.completions.stream() helper; the events it yields are appended to `events`
    (so a test that expects it to raise still sees what came before). Returns the final completion."""
    with client.chat.completions.stream(model=OPENAI_MODEL, messages=MESSAGES, tools=tools) as stream:
        for event in stream:
            events.append(event)
        return stream.get_final_completion()


def ant_create(client):
    return client.messages.create(model=ANTHROPIC_MODEL, max_tokens=MAX_TOKENS, messages=MESSAGES, tools=ANTHROPIC_TOOLS)


def ant_stream(client, **kw):
    """messages.stream(): (events the helper yielded, final message, the stream)."""
    with client.messages.stream(
        model=ANTHROPIC_MODEL, max_tokens=MAX_TOKENS, messages=MESSAGES, tools=ANTHROPIC_TOOLS, **kw
    ) as stream:
        events = list(stream)
        final = stream.get_final_message()
    return events, final, stream


def partial_json(events, index: int = 0) -> str:
    """The input_json_delta fragments of content block `index`, joined: the tool input as sent."""
    return "".join(
        e.delta.partial_json
        for e in events
        if e.type == "content_block_delta" and e.index == index and e.delta.type == "input_json_delta"
    )


def blocks(message, kind: str) -> list:
    return [b for b in message.content if b.type == kind]


def compact(args: dict) -> str:
    return json.dumps(args, separators=(",", ":"), ensure_ascii=False)


def does_not_parse(text: str) -> bool:
    try:
        json.loads(text)
    except json.JSONDecodeError:
        return True
    return False


def the_step(name: str, kind: str) -> dict:
    st = step(load_scenario(name))
    mis = st.get("misbehaviour")
    assert (mis if isinstance(mis, str) else (mis or {}).get("kind")) == kind, f"scenario {name} misbehaves as {mis!r}"
    return st


# ---------------------------------------------------------------- tool_args_invalid_json


def _invalid_json():
    st = the_step("tool-args-invalid-json", "tool_args_invalid_json")
    (want,) = tool_calls(st)
    return want, compact(want["arguments"])[:-1]  # the closing brace is missing


def test_invalid_json_openai_create_returns_arguments_json_loads_rejects(oai):
    want, broken = _invalid_json()
    resp = oai_create(oai("tool-args-invalid-json"))
    (call,) = resp.choices[0].message.tool_calls
    assert resp.choices[0].finish_reason == "tool_calls"
    assert call.function.name == want["name"]
    assert call.function.arguments == broken
    with pytest.raises(json.JSONDecodeError):
        json.loads(call.function.arguments)


def test_invalid_json_openai_stream_accumulates_arguments_json_loads_rejects(oai):
    want, broken = _invalid_json()
    calls, _, finish = collect_tool_calls(oai_chunks(oai("tool-args-invalid-json")))
    assert finish == ["tool_calls"]
    assert calls[0]["name"] == want["name"] and calls[0]["arguments"] == broken
    assert does_not_parse(calls[0]["arguments"])


def test_invalid_json_openai_parse_raises_pydantic_json_invalid(oai):
    _, broken = _invalid_json()
    with pytest.raises(pydantic.ValidationError) as raised:
        oai_parse(oai("tool-args-invalid-json"))
    (err,) = raised.value.errors()
    assert err["type"] == "json_invalid" and err["input"] == broken
    assert raised.value.title == "GetWeather"


def test_invalid_json_openai_stream_helper_raises_at_the_end_of_the_call(oai):
    want, broken = _invalid_json()
    events = []
    with pytest.raises(pydantic.ValidationError) as raised:
        oai_helper(oai("tool-args-invalid-json"), events)
    assert raised.value.errors()[0]["type"] == "json_invalid"
    deltas = [e for e in events if e.type == "tool_calls.function.arguments.delta"]
    assert deltas and deltas[-1].arguments == broken, "the arguments streamed in full before the error"
    # jiter's partial mode accepted the unterminated object while it streamed
    assert deltas[-1].parsed_arguments == want["arguments"]
    assert not [e for e in events if e.type == "tool_calls.function.arguments.done"]


def test_invalid_json_anthropic_create_gets_an_empty_input(ant):
    want, _ = _invalid_json()
    msg = ant_create(ant("tool-args-invalid-json"))
    (use,) = blocks(msg, "tool_use")
    assert msg.stop_reason == "tool_use"
    assert use.name == want["name"]
    assert use.input == {}, "the mock gives arguments that do not parse as an empty input"


def test_invalid_json_anthropic_stream_helper_completes_the_broken_json(ant):
    want, broken = _invalid_json()
    events, final, _ = ant_stream(ant("tool-args-invalid-json"))
    assert partial_json(events) == broken
    assert does_not_parse(partial_json(events))
    (use,) = blocks(final, "tool_use")
    # the SDK parses input_json_delta with jiter's partial mode, which closes the object
    assert use.input == want["arguments"]
    assert final.stop_reason == "tool_use"


# ---------------------------------------------------------------- tool_args_schema_violation


def _violated() -> tuple[dict, dict]:
    st = the_step("tool-args-schema-violation", "tool_args_schema_violation")
    (want,) = tool_calls(st)
    assert "city" in want["arguments"], "the scenario's call should have the required city"
    return want, {k: v for k, v in want["arguments"].items() if k != "city"}


def _missing_required(args: dict, name: str = "get_weather") -> list[str]:
    return [p for p in SCHEMAS[name]["required"] if p not in args]


def test_schema_violation_openai_create_leaves_out_the_required_city(oai):
    want, expected = _violated()
    resp = oai_create(oai("tool-args-schema-violation"))
    (call,) = resp.choices[0].message.tool_calls
    args = json.loads(call.function.arguments)  # parses...
    assert args == expected  # ...but breaks the schema
    assert _missing_required(args) == ["city"]
    assert resp.choices[0].finish_reason == "tool_calls"


def test_schema_violation_openai_stream(oai):
    _, expected = _violated()
    calls, _, finish = collect_tool_calls(oai_chunks(oai("tool-args-schema-violation")))
    assert json.loads(calls[0]["arguments"]) == expected
    assert _missing_required(json.loads(calls[0]["arguments"])) == ["city"]
    assert finish == ["tool_calls"]


def test_schema_violation_openai_parse_raises_missing_city(oai):
    with pytest.raises(pydantic.ValidationError) as raised:
        oai_parse(oai("tool-args-schema-violation"))
    (err,) = raised.value.errors()
    assert err["type"] == "missing" and err["loc"] == ("city",)


def test_schema_violation_openai_stream_helper_raises_missing_city(oai):
    events = []
    with pytest.raises(pydantic.ValidationError) as raised:
        oai_helper(oai("tool-args-schema-violation"), events)
    (err,) = raised.value.errors()
    assert err["type"] == "missing" and err["loc"] == ("city",)
    assert any(e.type == "tool_calls.function.arguments.delta" for e in events)


def test_schema_violation_anthropic_create(ant):
    _, expected = _violated()
    (use,) = blocks(ant_create(ant("tool-args-schema-violation")), "tool_use")
    assert use.input == expected and _missing_required(use.input) == ["city"]


def test_schema_violation_anthropic_stream(ant):
    _, expected = _violated()
    events, final, _ = ant_stream(ant("tool-args-schema-violation"))
    (use,) = blocks(final, "tool_use")
    assert use.input == expected and json.loads(partial_json(events)) == expected


@pytest.mark.parametrize(
    "parameters, check",
    [
        # no `required`: a typed property gets another type
        ({"type": "object", "properties": {"city": {"type": "string"}, "unit": {"type": "string"}}},
         lambda a, w: not isinstance(a["city"], str) and a["unit"] == w["unit"]),
        # nothing required or typed, one enum: a value outside it
        ({"type": "object", "properties": {"city": {}, "unit": {"enum": ["celsius", "fahrenheit"]}}},
         lambda a, w: a == {**w, "unit": "not_in_enum"}),
        # nothing to break: a property the schema does not define
        ({"type": "object"}, lambda a, w: a == {**w, "unexpected_property": True}),
        (None, lambda a, w: a == {**w, "unexpected_property": True}),
    ],
    ids=["wrong_type", "enum_value", "extra_property", "no_tools"],
)
def test_schema_violation_follows_the_schema_the_request_sends(oai, parameters, check):
    tools = None if parameters is None else [{"type": "function", "function": {"name": "get_weather", "parameters": parameters}}]
    resp = oai_create(oai("tool-args-schema-violation"), tools=tools)
    args = json.loads(resp.choices[0].message.tool_calls[0].function.arguments)
    assert check(args, _violated()[0]["arguments"]), args


# ---------------------------------------------------------------- tool_unknown_name


def _unknown():
    st = the_step("tool-unknown-name", "tool_unknown_name")
    (want,) = tool_calls(st)
    return want, want["name"] + "_v2"


def test_unknown_name_openai_create(oai):
    want, bad = _unknown()
    (call,) = oai_create(oai("tool-unknown-name")).choices[0].message.tool_calls
    assert call.function.name == bad and bad not in SCHEMAS
    assert json.loads(call.function.arguments) == want["arguments"]


def test_unknown_name_openai_stream(oai):
    want, bad = _unknown()
    calls, _, finish = collect_tool_calls(oai_chunks(oai("tool-unknown-name")))
    assert calls[0]["name"] == bad and json.loads(calls[0]["arguments"]) == want["arguments"]
    assert finish == ["tool_calls"]


def test_unknown_name_openai_parse_returns_no_parsed_arguments(oai):
    want, bad = _unknown()
    (call,) = oai_parse(oai("tool-unknown-name")).choices[0].message.tool_calls
    assert call.function.name == bad
    assert call.function.parsed_arguments is None  # no tool of that name: nothing parsed, no error
    assert json.loads(call.function.arguments) == want["arguments"]


def test_unknown_name_openai_stream_helper_returns_no_parsed_arguments(oai):
    _, bad = _unknown()
    events = []
    final = oai_helper(oai("tool-unknown-name"), events)
    (done,) = [e for e in events if e.type == "tool_calls.function.arguments.done"]
    assert done.name == bad and done.parsed_arguments is None
    assert final.choices[0].message.tool_calls[0].function.parsed_arguments is None


def test_unknown_name_anthropic_create(ant):
    want, bad = _unknown()
    (use,) = blocks(ant_create(ant("tool-unknown-name")), "tool_use")
    assert use.name == bad and use.input == want["arguments"]


def test_unknown_name_anthropic_stream(ant):
    want, bad = _unknown()
    _, final, _ = ant_stream(ant("tool-unknown-name"))
    (use,) = blocks(final, "tool_use")
    assert use.name == bad and use.input == want["arguments"]


def test_unknown_name_skips_a_v2_the_request_offers(oai):
    tools = OPENAI_TOOLS + [{"type": "function", "function": {"name": "get_weather_v2", "parameters": WEATHER_SCHEMA}}]
    (call,) = oai_create(oai("tool-unknown-name"), tools=tools).choices[0].message.tool_calls
    assert call.function.name == "get_weather_v3"


# ---------------------------------------------------------------- tool_call_id_duplicate


def _duplicate_ids():
    st = the_step("tool-call-id-duplicate", "tool_call_id_duplicate")
    want = tool_calls(st)
    assert len(want) == 2
    return want


def test_duplicate_id_openai_create(oai):
    want = _duplicate_ids()
    calls = oai_create(oai("tool-call-id-duplicate")).choices[0].message.tool_calls
    assert [json.loads(c.function.arguments) for c in calls] == [w["arguments"] for w in want]
    assert calls[0].id and calls[0].id == calls[1].id


def test_duplicate_id_openai_stream(oai):
    want = _duplicate_ids()
    calls, _, finish = collect_tool_calls(oai_chunks(oai("tool-call-id-duplicate")))
    assert sorted(calls) == [0, 1], "two indexes..."
    assert calls[0]["id"] and calls[0]["id"] == calls[1]["id"], "...one id"
    assert [json.loads(calls[i]["arguments"]) for i in (0, 1)] == [w["arguments"] for w in want]
    assert finish == ["tool_calls"]


def test_duplicate_id_openai_parse_returns_both(oai):
    want = _duplicate_ids()
    calls = oai_parse(oai("tool-call-id-duplicate")).choices[0].message.tool_calls
    assert [c.function.parsed_arguments for c in calls] == [GetWeather(**w["arguments"]) for w in want]
    assert calls[0].id == calls[1].id


def test_duplicate_id_openai_stream_helper_returns_both(oai):
    want = _duplicate_ids()
    events = []
    final = oai_helper(oai("tool-call-id-duplicate"), events)
    done = [e for e in events if e.type == "tool_calls.function.arguments.done"]
    assert [e.index for e in done] == [0, 1]
    assert [e.parsed_arguments for e in done] == [GetWeather(**w["arguments"]) for w in want]
    calls = final.choices[0].message.tool_calls
    assert calls[0].id == calls[1].id


def test_duplicate_id_anthropic_create(ant):
    want = _duplicate_ids()
    uses = blocks(ant_create(ant("tool-call-id-duplicate")), "tool_use")
    assert [u.input for u in uses] == [w["arguments"] for w in want]
    assert uses[0].id == uses[1].id


def test_duplicate_id_anthropic_stream(ant):
    want = _duplicate_ids()
    _, final, _ = ant_stream(ant("tool-call-id-duplicate"))
    uses = blocks(final, "tool_use")
    assert [u.input for u in uses] == [w["arguments"] for w in want]
    assert uses[0].id == uses[1].id


# ---------------------------------------------------------------- length_mid_tool


def _cut():
    st = the_step("length-mid-tool", "length_mid_tool")
    (want,) = tool_calls(st)
    return want, compact(want["arguments"])


def _assert_cut(arguments: str, full: str) -> None:
    assert full.startswith(arguments) and 0 < len(arguments) < len(full), arguments
    assert abs(len(arguments) - len(full) / 2) <= 8, f"not about half: {arguments!r} of {full!r}"
    assert does_not_parse(arguments)


def test_length_mid_tool_openai_create(oai):
    want, full = _cut()
    resp = oai_create(oai("length-mid-tool"))
    choice = resp.choices[0]
    assert choice.finish_reason == "length" and extra_field(choice, "native_finish_reason") == "length"
    assert choice.message.tool_calls[0].function.name == want["name"]
    _assert_cut(choice.message.tool_calls[0].function.arguments, full)


def test_length_mid_tool_openai_stream(oai):
    _, full = _cut()
    calls, _, finish = collect_tool_calls(oai_chunks(oai("length-mid-tool")))
    assert finish == ["length"]
    _assert_cut(calls[0]["arguments"], full)


def test_length_mid_tool_openai_parse_raises_length(oai):
    _, full = _cut()
    with pytest.raises(openai.LengthFinishReasonError) as raised:
        oai_parse(oai("length-mid-tool"))
    _assert_cut(raised.value.completion.choices[0].message.tool_calls[0].function.arguments, full)


def test_length_mid_tool_openai_stream_helper_raises_length(oai):
    _, full = _cut()
    events = []
    with pytest.raises(openai.LengthFinishReasonError):
        oai_helper(oai("length-mid-tool"), events)
    deltas = [e for e in events if e.type == "tool_calls.function.arguments.delta"]
    _assert_cut(deltas[-1].arguments, full)


@pytest.mark.parametrize(
    "name, error",
    [
        ("length-mid-tool", "LengthFinishReasonError"),
        ("content-filter", "ContentFilterFinishReasonError"),
        ("reasoning-only", "LengthFinishReasonError"),
    ],
)
def test_stream_helper_without_strict_tools_streams_then_final_completion_raises(oai, name, error):
    """With plain (non-strict) tools the helper yields every event without raising; only
    get_final_completion() raises."""
    client = oai(name)
    with client.chat.completions.stream(model=OPENAI_MODEL, messages=MESSAGES, tools=OPENAI_TOOLS) as stream:
        events = [e.type for e in stream]
        assert events.count("chunk") > 2
        with pytest.raises(getattr(openai, error)):
            stream.get_final_completion()


def test_length_mid_tool_anthropic_create_gets_an_empty_input(ant):
    want, _ = _cut()
    msg = ant_create(ant("length-mid-tool"))
    (use,) = blocks(msg, "tool_use")
    assert msg.stop_reason == "max_tokens"
    assert use.name == want["name"] and use.input == {}


def test_length_mid_tool_anthropic_stream_keeps_the_complete_properties(ant):
    want, full = _cut()
    events, final, _ = ant_stream(ant("length-mid-tool"))
    assert final.stop_reason == "max_tokens"
    sent = partial_json(events)
    _assert_cut(sent, full)
    (use,) = blocks(final, "tool_use")
    # jiter's partial mode keeps the finished properties and drops the one cut in its string
    complete = json.loads(sent[: sent.rindex(",")] + "}")
    assert use.input == complete and use.input != want["arguments"]
    assert set(use.input) < set(want["arguments"])


# ---------------------------------------------------------------- empty_response


def _empty():
    st = the_step("empty-response", "empty_response")
    assert text_of(st), "the scenario should have text that is not sent"
    return st


def test_empty_response_openai_create(oai):
    _empty()
    resp = oai_create(oai("empty-response"))
    msg = resp.choices[0].message
    assert msg.content == "" and msg.tool_calls is None
    assert resp.choices[0].finish_reason == "stop"
    assert resp.usage.completion_tokens == 0


def test_empty_response_openai_stream(oai):
    _empty()
    chunks = oai_chunks(oai("empty-response"))
    reasoning, content, _ = collect_chat_stream(chunks)
    assert content == [] and reasoning == []
    assert finish_of(chunks) == ["stop"]
    assert usage_of(chunks).completion_tokens == 0


def test_empty_response_openai_parse_returns_empty(oai):
    _empty()
    resp = oai_parse(oai("empty-response"))
    msg = resp.choices[0].message
    assert msg.content == "" and msg.parsed is None and msg.tool_calls is None
    assert resp.choices[0].finish_reason == "stop"


def test_empty_response_openai_stream_helper_returns_empty(oai):
    _empty()
    events = []
    final = oai_helper(oai("empty-response"), events)
    assert final.choices[0].message.content == ""
    assert not [e for e in events if e.type == "content.done"], "no content.done for an empty answer"
    assert all(e.delta == "" for e in events if e.type == "content.delta")


def test_empty_response_anthropic_create(ant):
    _empty()
    msg = ant_create(ant("empty-response"))
    assert msg.content == [] and msg.stop_reason == "end_turn" and msg.usage.output_tokens == 0


def test_empty_response_anthropic_stream_get_final_text_raises(ant):
    _empty()
    events, final, stream = ant_stream(ant("empty-response"))
    assert [e.type for e in events] == ["message_start", "message_delta", "message_stop"]
    assert final.content == [] and final.stop_reason == "end_turn"
    with pytest.raises(RuntimeError, match="text` content block"):
        stream.get_final_text()


# ---------------------------------------------------------------- refusal

REFUSAL = "I'm sorry, but I can't help with that request."


class Recipe(pydantic.BaseModel):
    steps: list[str]


def _refused_text() -> str:
    st = the_step("refusal", "refusal")
    assert text_of(st) and text_of(st) != REFUSAL, "the scenario's own text is what gets refused"
    return text_of(st)


def test_refusal_openai_create(oai):
    _refused_text()
    resp = oai_create(oai("refusal"))
    msg = resp.choices[0].message
    assert msg.refusal == REFUSAL and msg.content is None and msg.tool_calls is None
    assert resp.choices[0].finish_reason == "stop"


def test_refusal_openai_stream_sends_refusal_deltas(oai):
    _refused_text()
    chunks = oai_chunks(oai("refusal"))
    pieces = [c.choices[0].delta.refusal for c in chunks if c.choices and c.choices[0].delta.refusal]
    assert len(pieces) > 1 and "".join(pieces) == REFUSAL
    assert not "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert finish_of(chunks) == ["stop"]


def test_refusal_openai_parse_returns_no_parsed_value(oai):
    _refused_text()
    resp = oai("refusal").chat.completions.parse(model=OPENAI_MODEL, messages=MESSAGES, response_format=Recipe)
    msg = resp.choices[0].message
    assert msg.parsed is None and msg.refusal == REFUSAL


def test_refusal_openai_stream_helper_emits_refusal_events(oai):
    _refused_text()
    events = []
    final = oai_helper(oai("refusal"), events)
    assert [e.type for e in events if e.type.startswith("refusal.")][-1] == "refusal.done"
    assert next(e for e in events if e.type == "refusal.done").refusal == REFUSAL
    assert final.choices[0].message.refusal == REFUSAL


def test_refusal_openai_responses_create_and_stream(oai):
    _refused_text()
    resp = oai("refusal").responses.create(model=OPENAI_MODEL, input="Misbehaviour interop test.")
    (item,) = resp.output
    assert [(p.type, p.refusal) for p in item.content] == [("refusal", REFUSAL)]
    assert resp.output_text == ""
    with oai("refusal").responses.stream(model=OPENAI_MODEL, input="Misbehaviour interop test.") as stream:
        events = list(stream)
        final = stream.get_final_response()
    deltas = [e.delta for e in events if e.type == "response.refusal.delta"]
    assert len(deltas) > 1 and "".join(deltas) == REFUSAL
    assert [e.refusal for e in events if e.type == "response.refusal.done"] == [REFUSAL]
    assert final.output[0].content[0].refusal == REFUSAL


def test_refusal_anthropic_create_and_stream_stop_with_refusal(ant):
    _refused_text()
    msg = ant_create(ant("refusal"))
    assert msg.stop_reason == "refusal" and [b.text for b in blocks(msg, "text")] == [REFUSAL]
    _, final, stream = ant_stream(ant("refusal"))
    assert final.stop_reason == "refusal" and stream.get_final_text() == REFUSAL


def test_refusal_on_legacy_completions_is_an_error_that_says_why(oai):
    with pytest.raises(openai.APIStatusError) as raised:
        oai("refusal").completions.create(model=OPENAI_MODEL, prompt="Misbehaviour interop test.")
    assert "a refusal, which the legacy /completions API cannot express" in raised.value.message


# ---------------------------------------------------------------- content_filter


def _half_text() -> str:
    st = the_step("content-filter", "content_filter")
    deltas = text_deltas(st)
    half = "".join(deltas[: len(deltas) // 2])
    assert half and half != text_of(st)
    return half


def test_content_filter_openai_create(oai):
    half = _half_text()
    resp = oai_create(oai("content-filter"))
    assert resp.choices[0].message.content == half
    assert resp.choices[0].finish_reason == "content_filter"
    assert resp.choices[0].message.tool_calls is None


def test_content_filter_openai_stream(oai):
    half = _half_text()
    chunks = oai_chunks(oai("content-filter"))
    _, content, _ = collect_chat_stream(chunks)
    assert "".join(content) == half
    assert finish_of(chunks) == ["content_filter"]


def test_content_filter_openai_parse_raises(oai):
    half = _half_text()
    with pytest.raises(openai.ContentFilterFinishReasonError) as raised:
        oai_parse(oai("content-filter"))
    assert not isinstance(raised.value, openai.APIError), "not an HTTP error: the request succeeded"
    assert raised.value.completion.choices[0].message.content == half


def test_content_filter_openai_stream_helper_raises_after_the_text(oai):
    half = _half_text()
    events = []
    with pytest.raises(openai.ContentFilterFinishReasonError):
        oai_helper(oai("content-filter"), events)
    deltas = [e for e in events if e.type == "content.delta"]
    assert deltas[-1].snapshot == half, "the user saw half the text before the error"


def test_content_filter_anthropic_create_stops_with_refusal(ant):
    half = _half_text()
    msg = ant_create(ant("content-filter"))
    assert msg.stop_reason == "refusal"
    assert [b.text for b in blocks(msg, "text")] == [half]


def test_content_filter_anthropic_stream_stops_with_refusal(ant):
    half = _half_text()
    _, final, stream = ant_stream(ant("content-filter"))
    assert final.stop_reason == "refusal"
    assert stream.get_final_text() == half


# ---------------------------------------------------------------- reasoning_only


def _reasoning() -> str:
    st = the_step("reasoning-only", "reasoning_only")
    assert text_of(st), "the scenario should have text that is not sent"
    return reasoning_text(st)


def test_reasoning_only_openai_create(oai):
    reasoning = _reasoning()
    resp = oai_create(oai("reasoning-only"))
    choice = resp.choices[0]
    assert choice.message.content == ""
    assert extra_field(choice.message, "reasoning") == reasoning
    assert choice.finish_reason == "length" and extra_field(choice, "native_finish_reason") == "max_tokens"
    assert resp.usage.completion_tokens_details.reasoning_tokens == resp.usage.completion_tokens > 0


def test_reasoning_only_openai_stream(oai):
    reasoning = _reasoning()
    chunks = oai_chunks(oai("reasoning-only"))
    pieces, content, _ = collect_chat_stream(chunks)
    assert "".join(pieces) == reasoning
    assert content == []
    assert finish_of(chunks) == ["length"]


def test_reasoning_only_openai_parse_raises_length(oai):
    reasoning = _reasoning()
    with pytest.raises(openai.LengthFinishReasonError) as raised:
        oai_parse(oai("reasoning-only"))
    assert extra_field(raised.value.completion.choices[0].message, "reasoning") == reasoning


def test_reasoning_only_openai_stream_helper_raises_length(oai):
    _reasoning()
    events = []
    with pytest.raises(openai.LengthFinishReasonError):
        oai_helper(oai("reasoning-only"), events)
    assert all(e.delta == "" for e in events if e.type == "content.delta")


def test_reasoning_only_anthropic_create(ant):
    reasoning = _reasoning()
    msg = ant_create(ant("reasoning-only"))
    assert [b.type for b in msg.content] == ["thinking"]
    assert msg.content[0].thinking == reasoning
    assert msg.stop_reason == "max_tokens"


def test_reasoning_only_anthropic_stream_get_final_text_raises(ant):
    reasoning = _reasoning()
    _, final, stream = ant_stream(ant("reasoning-only"))
    assert [b.type for b in final.content] == ["thinking"] and final.content[0].thinking == reasoning
    assert final.stop_reason == "max_tokens"
    with pytest.raises(RuntimeError, match="thinking"):
        stream.get_final_text()


# ---------------------------------------------------------------- duplicated_frame


def _dup():
    st = the_step("duplicated-frame", "duplicated_frame")
    assert st["misbehaviour"]["frame"] == 2, "frame 2 is the first word (frame 1 carries the role)"
    deltas = text_deltas(st)
    return text_of(st), [deltas[0]] + deltas


def test_duplicated_frame_openai_create_is_unchanged(oai):
    text, _ = _dup()  # a non-stream answer has no frames to repeat (documented)
    assert oai_create(oai("duplicated-frame"), tools=None).choices[0].message.content == text


def test_duplicated_frame_openai_stream_yields_the_first_word_twice(oai):
    text, doubled = _dup()
    chunks = oai_chunks(oai("duplicated-frame"), tools=None)
    _, content, _ = collect_chat_stream(chunks)
    assert content == doubled
    assert "".join(content) == doubled[0] + text
    assert finish_of(chunks) == ["stop"]


def test_duplicated_frame_openai_parse_is_unchanged(oai):
    text, _ = _dup()
    assert oai_parse(oai("duplicated-frame")).choices[0].message.content == text


def test_duplicated_frame_openai_stream_helper_doubles_the_word_in_its_snapshot(oai):
    text, doubled = _dup()
    events = []
    final = oai_helper(oai("duplicated-frame"), events)
    (done,) = [e for e in events if e.type == "content.done"]
    assert done.content == doubled[0] + text
    assert final.choices[0].message.content == doubled[0] + text


def test_duplicated_frame_anthropic_create_is_unchanged(ant):
    text, _ = _dup()
    assert [b.text for b in blocks(ant_create(ant("duplicated-frame")), "text")] == [text]


def test_duplicated_frame_anthropic_stream_repeats_content_block_start(ant):
    text, _ = _dup()
    events, final, stream = ant_stream(ant("duplicated-frame"))
    # data frame 2 on /messages is content_block_start: the helper appends a second, empty text block
    assert [e.type for e in events].count("content_block_start") == 2
    assert [b.text for b in blocks(final, "text")] == [text, ""]
    assert stream.get_final_text() == text


# ---------------------------------------------------------------- X-MockRouter-Fault on tool-call


def _fault(kind: str) -> dict:
    return {"X-MockRouter-Fault": kind}


@pytest.mark.parametrize(
    "kind, check",
    [
        ("tool_args_invalid_json", lambda m, f: f == "tool_calls" and m.tool_calls[0].function.arguments == '{"city":"Paris"'),
        ("tool_args_schema_violation", lambda m, f: json.loads(m.tool_calls[0].function.arguments) == {}),
        ("tool_unknown_name", lambda m, f: m.tool_calls[0].function.name == "get_weather_v2"),
        ("tool_call_id_duplicate", lambda m, f: len(m.tool_calls) == 2 and m.tool_calls[0].id == m.tool_calls[1].id),
        ("length_mid_tool", lambda m, f: f == "length" and m.tool_calls[0].function.arguments == '{"city":'),
        ("empty_response", lambda m, f: f == "stop" and m.content == "" and m.tool_calls is None),
        ("content_filter", lambda m, f: f == "content_filter" and not m.content and m.tool_calls is None),
        ("refusal", lambda m, f: f == "stop" and m.refusal and m.content is None and m.tool_calls is None),
        ("reasoning_only", lambda m, f: f == "length" and m.content == "" and extra_field(m, "reasoning")),
    ],
)
def test_fault_header_makes_the_tool_call_scenario_misbehave(oai, kind, check):
    (well,) = tool_calls(step(load_scenario("tool-call")))
    assert well["arguments"] == {"city": "Paris"}, "the checks below spell out the tool-call scenario's call"
    resp = oai_create(oai("tool-call"), extra_headers=_fault(kind))
    msg = resp.choices[0].message
    assert check(msg, resp.choices[0].finish_reason), resp.model_dump_json()


def test_fault_header_kind_wins_over_the_steps_own(oai):
    want, _ = _invalid_json()
    (call,) = oai_create(oai("tool-args-invalid-json"), extra_headers=_fault("tool_unknown_name")).choices[0].message.tool_calls
    assert call.function.name == want["name"] + "_v2"
    assert json.loads(call.function.arguments) == want["arguments"], "valid JSON: the step's own kind is replaced"


def test_fault_header_duplicated_frame_corrupts_streamed_tool_arguments(oai):
    """Frame 3 of the tool-call stream is the first arguments fragment: repeated, the accumulated
    arguments no longer parse."""
    calls, _, finish = collect_tool_calls(oai_chunks(oai("tool-call"), extra_headers=_fault("duplicated_frame; after=3")))
    first = split_deltas('{"city":"Paris"}', 8)[0]
    assert calls[0]["arguments"] == first + '{"city":"Paris"}'
    assert does_not_parse(calls[0]["arguments"])
    assert finish == ["tool_calls"]


def test_fault_header_duplicated_frame_on_messages_doubles_the_first_word(ant):
    client = ant("hello")
    text = text_of(step(load_scenario("hello")))
    with client.messages.stream(
        model=ANTHROPIC_MODEL, max_tokens=MAX_TOKENS, messages=MESSAGES,
        extra_headers=_fault("duplicated_frame; after=3"),  # message_start, content_block_start, first text_delta
    ) as stream:
        pieces = list(stream.text_stream)
    first = text_deltas(step(load_scenario("hello")))[0]
    assert pieces[:2] == [first, first]
    assert stream.get_final_text() == first + text
