"""Whole agent loops against the bundled `tool-call` scenario: user -> tool call -> tool result ->
final answer, driven by real clients and real agent frameworks, 20 runs at a time.

The scenario answers by what the request carries (docs/scenarios.md, section 5.1): a request
without get_weather's result gets the get_weather call, one with it gets the final text. So the
loops need no session header: every run below shares the `default` session, in parallel, and
each must still end with the final text in exactly two requests. The expected call, arguments
and text come from scenarios/tool-call.yaml; what the server saw comes from its request journal
(GET /__admin/requests), each run told apart by a run number in its user prompt. The OpenAI
chat loop also runs `parallel-tool-calls` (two calls in one answer, both results in one request).

Clients: the OpenAI SDK (chat.completions and responses), the Anthropic SDK (/messages), and
the agent frameworks openai-agents (Runner, both of its OpenAI model classes) and pydantic-ai
(Agent with OpenAIChatModel / OpenAIResponsesModel). Each test shares one SDK client among its
runs, as an application does, with retries off (max_retries=0), so a failed request fails the run
instead of hiding behind a retry. At --speed 0 the file takes about 20 s.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

import pytest

from interop_support import journal, require_module
from scenario_support import load_scenario, text_of, tool_calls

openai = require_module("openai")
anthropic = require_module("anthropic")

SCENARIO = "tool-call"
RUNS = 20
MAX_TURNS = 5  # a loop that has not ended by then is a failure
MODEL = "openai/gpt-4.1"
SYSTEM = "You are a weather assistant. Use the tools."
PROMPT = "What is the weather in Paris? [run {n}]"
RUN_MARK = re.compile(r"\[run (\d+)\]")
CALL_ID = re.compile(r"^call_[A-Za-z0-9]{24}$")  # scenario provider OpenAI (section 5.2)


def _expected(name: str) -> tuple[list[dict], str]:
    """(the calls the positional step makes, the text of the `when` step that ends the loop)."""
    scenario = load_scenario(name)
    positional = [st for st in scenario["steps"] if "when" not in st]
    answers = [st for st in scenario["steps"] if "tool_result" in (st.get("when") or {}) and text_of(st).strip()]
    assert positional and answers, f"scenario {name} lost its call step or its answer step: {scenario['steps']}"
    calls = tool_calls(positional[0])
    assert calls, f"scenario {name}: the positional step makes no call"
    return calls, text_of(answers[0])


WANT_CALLS, FINAL_TEXT = _expected(SCENARIO)
assert [c["name"] for c in WANT_CALLS] == ["get_weather"], WANT_CALLS
WANT_CALL = WANT_CALLS[0]


def weather(city: str) -> str:
    """What every loop's get_weather tool returns: it must come back in the second request."""
    return f"18 C, sunny in {city} (tool output)"


def clock(timezone: str) -> str:
    return f"21:30 in {timezone} (tool output)"


TOOLS = {"get_weather": weather, "get_time": clock}


def run_tool(name: str, arguments: dict | str) -> str:
    return TOOLS[name](**(json.loads(arguments) if isinstance(arguments, str) else arguments))


def _url(base_url: str, api: str = "/api/v1", scenario: str = SCENARIO) -> str:
    """The scenario chosen by the base URL, no session: http://HOST:PORT/scenario/tool-call/api/v1."""
    return f"{base_url}/scenario/{scenario}{api}"


def _openai_client(base_url: str, scenario: str):
    """One client for all the runs of a test, as an application shares one (the SDK clients are
    thread-safe; each run in flight still has its own connection)."""
    return openai.OpenAI(base_url=_url(base_url, scenario=scenario), api_key="sk-test", max_retries=0, timeout=20)


def _parallel(fn: Callable[[int], Any]) -> list[Any]:
    """fn(0..RUNS-1) on RUNS threads at once; results in run order (the first error is raised)."""
    with ThreadPoolExecutor(max_workers=RUNS) as pool:
        return list(pool.map(fn, range(RUNS)))


# --------------------------------------------------------------------------
# what the server saw: the journal, read as turns in any dialect


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(p.get("text", "") for p in content if isinstance(p, dict) and "text" in p)
    return ""


def history(body: dict) -> list[tuple]:
    """A request's conversation as ("user", text) / ("call", id, name, args) / ("result", id, text) /
    ("assistant", text) items, whatever the dialect; system prompts and instructions left out."""
    out: list[tuple] = []
    if "input" in body:  # Responses
        items = body["input"]
        if isinstance(items, str):
            return [("user", items)]
        for it in items:
            kind = it.get("type", "message")
            if kind == "function_call":
                out.append(("call", it["call_id"], it["name"], json.loads(it["arguments"])))
            elif kind == "function_call_output":
                out.append(("result", it["call_id"], _text(it["output"])))
            elif kind == "message" and it.get("role") in ("user", "assistant"):
                out.append((it["role"], _text(it.get("content"))))
        return out
    for m in body["messages"]:
        role, content = m["role"], m.get("content")
        if role in ("system", "developer"):
            continue
        if role == "tool":  # Chat Completions
            out.append(("result", m["tool_call_id"], _text(content)))
            continue
        if isinstance(content, list) and any(b.get("type") in ("tool_use", "tool_result") for b in content):  # Anthropic
            for b in content:
                if b.get("type") == "tool_use":
                    out.append(("call", b["id"], b["name"], b["input"]))
                elif b.get("type") == "tool_result":
                    out.append(("result", b["tool_use_id"], _text(b.get("content"))))
                elif b.get("type") == "text":
                    out.append((role, b["text"]))
            continue
        if content:
            out.append((role, _text(content)))
        for tc in m.get("tool_calls") or []:
            out.append(("call", tc["id"], tc["function"]["name"], json.loads(tc["function"]["arguments"])))
    return out


def journal_by_run(base_url: str, scenario: str = SCENARIO) -> dict[int, list[dict]]:
    """The journal's entries grouped by the run number in their first user message, in request order.
    Every entry must belong to a run of this test, through the scenario URL, in session `default`."""
    runs: dict[int, list[dict]] = defaultdict(list)
    for e in journal(base_url):
        assert e["path"].startswith(f"/scenario/{scenario}/"), f"unexpected request {e['method']} {e['path']}"
        assert e["session"] == "default", f"request in session {e['session']!r}: {e['path']}"
        h = history(e["body"])
        assert h and h[0][0] == "user", f"request without a user message first: {e['body']}"
        m = RUN_MARK.search(h[0][1])
        assert m, f"first user message carries no run number: {h[0][1]!r}"
        runs[int(m.group(1))].append(e)
    return runs


def check_journal(
    base_url: str, path: str, ids_sent: dict[int, list[str]], scenario: str = SCENARIO, want_calls: list[dict] = WANT_CALLS
) -> None:
    """Each run made exactly two requests to PATH: the first with the user's question alone (got
    step 1, the calls), the second with the question, the calls and their results (got the `when`
    step). The call ids in the second request are the ones the first answer gave (ids_sent), and
    no id appears in two runs."""
    runs = journal_by_run(base_url, scenario)
    assert sorted(runs) == list(range(RUNS)), f"runs seen by the server: {sorted(runs)}"
    all_ids = []
    for n, entries in sorted(runs.items()):
        summary = [(e["status"], e["scenario"]) for e in entries]
        assert len(entries) == 2, f"run {n} made {len(entries)} requests: {summary}"
        first, second = entries
        for e in entries:
            assert e["path"].endswith(path), e["path"]
            assert e["status"] == 200 and e["source"] == "scenario", e
        assert first["scenario"] == {"name": scenario, "step": 1}, first["scenario"]
        assert second["scenario"]["name"] == scenario and second["scenario"]["step"] != 1, second["scenario"]

        prompt = PROMPT.format(n=n)
        assert history(first["body"]) == [("user", prompt)], first["body"]
        h2 = history(second["body"])
        assert h2[0] == ("user", prompt), h2
        calls = [x for x in h2 if x[0] == "call"]
        results = [x for x in h2 if x[0] == "result"]
        assert len(h2) == 1 + len(calls) + len(results), f"run {n}: second request's history {h2}"
        assert [(c[2], c[3]) for c in calls] == [(w["name"], w["arguments"]) for w in want_calls], calls
        ids = [c[1] for c in calls]
        assert ids == ids_sent[n], f"run {n} sent back {ids}, the answer gave {ids_sent[n]}"
        assert all(CALL_ID.match(i) for i in ids), ids
        assert sorted(results) == sorted(("result", c[1], run_tool(c[2], c[3])) for c in calls), results
        all_ids += ids
    assert len(set(all_ids)) == len(all_ids) == RUNS * len(want_calls), f"tool-call ids repeat: {all_ids}"


# --------------------------------------------------------------------------
# 1. OpenAI SDK, chat.completions: a hand-written loop


def _tool_param(name: str) -> dict:
    props = {"get_weather": "city", "get_time": "timezone"}[name]
    return {
        "type": "object",
        "properties": {props: {"type": "string"}},
        "required": [props],
        "additionalProperties": False,
    }


def _chat_turn(client, messages: list[dict], tool_names: list[str], stream: bool) -> dict:
    """One request: {content, calls: [{id, name, arguments}], finish, id (the generation id)}."""
    tools = [{"type": "function", "function": {"name": t, "parameters": _tool_param(t)}} for t in tool_names]
    if not stream:
        r = client.chat.completions.create(model=MODEL, messages=messages, tools=tools)
        msg = r.choices[0].message
        calls = [{"id": c.id, "name": c.function.name, "arguments": c.function.arguments} for c in msg.tool_calls or []]
        return {"content": msg.content, "calls": calls, "finish": r.choices[0].finish_reason, "id": r.id}
    content, calls, finish, gen_ids = [], {}, [], set()
    for chunk in client.chat.completions.create(model=MODEL, messages=messages, tools=tools, stream=True):
        gen_ids.add(chunk.id)
        if not chunk.choices:
            continue
        choice = chunk.choices[0]
        if choice.finish_reason:
            finish.append(choice.finish_reason)
        if choice.delta.content:
            content.append(choice.delta.content)
        for tc in choice.delta.tool_calls or []:
            call = calls.setdefault(tc.index, {"id": None, "name": None, "arguments": ""})
            call["id"] = tc.id or call["id"]
            if tc.function is not None:
                call["name"] = tc.function.name or call["name"]
                call["arguments"] += tc.function.arguments or ""
    assert len(finish) == 1 and len(gen_ids) == 1, (finish, gen_ids)
    calls_list = [calls[i] for i in sorted(calls)]
    return {"content": "".join(content) or None, "calls": calls_list, "finish": finish[0], "id": gen_ids.pop()}


def _openai_chat_loop(client, n: int, stream: bool, tool_names: list[str]) -> dict:
    messages: list[dict] = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": PROMPT.format(n=n)}]
    sizes, turns = [], []
    for _ in range(MAX_TURNS):
        sizes.append(len(messages))
        turn = _chat_turn(client, messages, tool_names, stream)
        turns.append(turn)
        if not turn["calls"]:
            break
        messages.append({
            "role": "assistant",
            "content": turn["content"],
            "tool_calls": [
                {"id": c["id"], "type": "function", "function": {"name": c["name"], "arguments": c["arguments"]}}
                for c in turn["calls"]
            ],
        })
        for c in turn["calls"]:
            messages.append({"role": "tool", "tool_call_id": c["id"], "content": run_tool(c["name"], c["arguments"])})
    return {"sizes": sizes, "turns": turns}


def _check_chat_runs(base_url: str, runs: list[dict], stream: bool, scenario: str, want_calls: list[dict], final: str) -> None:
    for n, run in enumerate(runs):
        turns = run["turns"]
        assert len(turns) == 2, f"run {n} did not end in 2 requests: {turns}"
        call_turn, answer = turns
        assert call_turn["content"] is None and call_turn["finish"] == "tool_calls", call_turn
        got = [(c["name"], json.loads(c["arguments"])) for c in call_turn["calls"]]
        assert got == [(w["name"], w["arguments"]) for w in want_calls], call_turn
        assert all(CALL_ID.match(c["id"]) for c in call_turn["calls"]), call_turn
        assert answer == {"content": final, "calls": [], "finish": "stop", "id": answer["id"]}, answer
        # the history as the client sent it: system + user, then + assistant's calls + one result per call
        assert run["sizes"] == [2, 3 + len(want_calls)], f"run {n}: messages sent per request {run['sizes']}"

    gen_ids = [t["id"] for run in runs for t in run["turns"]]
    assert len(set(gen_ids)) == 2 * RUNS, f"generation ids repeat: {gen_ids}"
    ids_sent = {n: [c["id"] for c in run["turns"][0]["calls"]] for n, run in enumerate(runs)}
    check_journal(base_url, "/chat/completions", ids_sent, scenario, want_calls)
    for entries in journal_by_run(base_url, scenario).values():
        assert [len(e["body"]["messages"]) for e in entries] == [2, 3 + len(want_calls)]
        assert [bool(e["body"].get("stream")) for e in entries] == [stream, stream]


@pytest.mark.parametrize("stream", [False, True], ids=["non-stream", "stream"])
def test_openai_chat_agent_loop(base_url, stream):
    with _openai_client(base_url, SCENARIO) as client:
        runs = _parallel(lambda n: _openai_chat_loop(client, n, stream, ["get_weather"]))
    _check_chat_runs(base_url, runs, stream, SCENARIO, WANT_CALLS, FINAL_TEXT)


@pytest.mark.parametrize("stream", [False, True], ids=["non-stream", "stream"])
def test_openai_chat_parallel_tool_calls_loop(base_url, stream):
    """parallel-tool-calls: two calls in one answer, both results back in one request, then the text."""
    want_calls, final = _expected("parallel-tool-calls")
    assert len(want_calls) == 2, want_calls
    names = [w["name"] for w in want_calls]
    with _openai_client(base_url, "parallel-tool-calls") as client:
        runs = _parallel(lambda n: _openai_chat_loop(client, n, stream, names))
    _check_chat_runs(base_url, runs, stream, "parallel-tool-calls", want_calls, final)


# --------------------------------------------------------------------------
# 2. Anthropic SDK, /messages


def _anthropic_loop(client, n: int, stream: bool) -> dict:
    tools = [{"name": "get_weather", "description": "Current weather", "input_schema": _tool_param("get_weather")}]
    messages: list[dict] = [{"role": "user", "content": PROMPT.format(n=n)}]
    sizes, finals, deltas = [], [], []
    for _ in range(MAX_TURNS):
        sizes.append(len(messages))
        kw = dict(model=MODEL, max_tokens=1024, system=SYSTEM, messages=messages, tools=tools)
        if stream:
            with client.messages.stream(**kw) as s:
                deltas.append(list(s.text_stream))
                final = s.get_final_message()
        else:
            final = client.messages.create(**kw)
        finals.append(final)
        uses = [b for b in final.content if b.type == "tool_use"]
        if not uses:
            break
        messages.append({"role": "assistant", "content": [b.model_dump(exclude_none=True) for b in final.content]})
        messages.append({
            "role": "user",
            "content": [{"type": "tool_result", "tool_use_id": u.id, "content": run_tool(u.name, u.input)} for u in uses],
        })
    return {"sizes": sizes, "finals": finals, "deltas": deltas}


@pytest.mark.parametrize("stream", [False, True], ids=["non-stream", "stream"])
def test_anthropic_messages_agent_loop(base_url, stream):
    with anthropic.Anthropic(base_url=_url(base_url, "/api"), api_key="sk-test", max_retries=0, timeout=20) as client:
        runs = _parallel(lambda n: _anthropic_loop(client, n, stream))

    ids = []
    for n, run in enumerate(runs):
        finals = run["finals"]
        assert len(finals) == 2, f"run {n} did not end in 2 requests: {[f.content for f in finals]}"
        call_msg, answer = finals
        assert call_msg.stop_reason == "tool_use", call_msg
        assert [(b.type, b.name, b.input) for b in call_msg.content] == [
            ("tool_use", WANT_CALL["name"], WANT_CALL["arguments"])
        ], call_msg.content
        ids.append(call_msg.content[0].id)
        assert answer.stop_reason == "end_turn", answer
        assert [(b.type, b.text) for b in answer.content] == [("text", FINAL_TEXT)], answer.content
        assert run["sizes"] == [1, 3], f"run {n}: messages sent per request {run['sizes']}"
        if stream:  # no text while it calls the tool, then the answer in pieces
            assert run["deltas"][0] == [] and "".join(run["deltas"][1]) == FINAL_TEXT, run["deltas"]
            assert len(run["deltas"][1]) > 1, f"the answer was not streamed in pieces: {run['deltas'][1]}"

    assert len(set(ids)) == RUNS, f"tool_use ids repeat across runs: {ids}"
    check_journal(base_url, "/messages", {n: [i] for n, i in enumerate(ids)})


# --------------------------------------------------------------------------
# 3. OpenAI SDK, Responses API: function_call / function_call_output items


def _responses_turn(client, items: list[dict], stream: bool):
    tools = [{"type": "function", "name": "get_weather", "parameters": _tool_param("get_weather"), "strict": True}]
    kw = dict(model=MODEL, instructions=SYSTEM, input=items, tools=tools)
    if not stream:
        return client.responses.create(**kw), None
    deltas, args, completed = [], defaultdict(str), []
    for event in client.responses.create(stream=True, **kw):
        if event.type == "response.output_text.delta":
            deltas.append(event.delta)
        elif event.type == "response.function_call_arguments.delta":
            args[event.item_id] += event.delta
        elif event.type == "response.completed":
            completed.append(event.response)
    assert len(completed) == 1, f"{len(completed)} response.completed events"
    final = completed[0]
    for item in final.output:  # what was streamed adds up to the completed response
        if item.type == "function_call":
            assert args[item.id] == item.arguments, (dict(args), item)
    assert "".join(deltas) == final.output_text, (deltas, final.output_text)
    return final, deltas


def _responses_loop(client, n: int, stream: bool) -> dict:
    items: list[dict] = [{"role": "user", "content": PROMPT.format(n=n)}]
    sizes, finals, deltas = [], [], []
    for _ in range(MAX_TURNS):
        sizes.append(len(items))
        final, d = _responses_turn(client, items, stream)
        finals.append(final)
        deltas.append(d)
        fcs = [it for it in final.output if it.type == "function_call"]
        if not fcs:
            break
        for fc in fcs:
            items.append({"type": "function_call", "call_id": fc.call_id, "name": fc.name, "arguments": fc.arguments})
            items.append({"type": "function_call_output", "call_id": fc.call_id, "output": run_tool(fc.name, fc.arguments)})
    return {"sizes": sizes, "finals": finals, "deltas": deltas}


@pytest.mark.parametrize("stream", [False, True], ids=["non-stream", "stream"])
def test_openai_responses_agent_loop(base_url, stream):
    with _openai_client(base_url, SCENARIO) as client:
        runs = _parallel(lambda n: _responses_loop(client, n, stream))

    ids = []
    for n, run in enumerate(runs):
        finals = run["finals"]
        assert len(finals) == 2, f"run {n} did not end in 2 requests: {[f.output for f in finals]}"
        call_resp, answer = finals
        assert call_resp.status == "completed" and answer.status == "completed"
        assert [(it.type, it.name, json.loads(it.arguments)) for it in call_resp.output] == [
            ("function_call", WANT_CALL["name"], WANT_CALL["arguments"])
        ], call_resp.output
        ids.append(call_resp.output[0].call_id)
        assert [it.type for it in answer.output] == ["message"], answer.output
        assert answer.output_text == FINAL_TEXT
        assert run["sizes"] == [1, 3], f"run {n}: input items sent per request {run['sizes']}"
        if stream:
            assert len(run["deltas"][1]) > 1, f"the answer was not streamed in pieces: {run['deltas'][1]}"

    assert len(set(ids)) == RUNS, f"call ids repeat across runs: {ids}"
    check_journal(base_url, "/responses", {n: [i] for n, i in enumerate(ids)})


# --------------------------------------------------------------------------
# 4. Agent frameworks (pinned in requirements.txt): openai-agents and pydantic-ai


def _gather(base_url: str, make_run: Callable[[Any, int], Any]) -> list[Any]:
    """make_run(client, 0..RUNS-1): RUNS framework runs at once in one event loop (the frameworks are
    asyncio-native), sharing one AsyncOpenAI client bound to the scenario."""

    async def all_runs():
        async with openai.AsyncOpenAI(base_url=_url(base_url), api_key="sk-test", max_retries=0, timeout=20) as client:
            return await asyncio.gather(*(make_run(client, n) for n in range(RUNS)))

    return asyncio.run(all_runs())


@pytest.fixture(scope="module")
def openai_agents():
    agents = require_module("agents")
    agents.set_tracing_disabled(True)  # no trace export (it would go to api.openai.com)
    return agents


@pytest.mark.parametrize("api", ["responses", "chat_completions"])
@pytest.mark.parametrize("stream", [False, True], ids=["non-stream", "stream"])
def test_openai_agents_runner(base_url, openai_agents, api, stream):
    agents = openai_agents
    tool_calls_made: list[str] = []

    @agents.function_tool
    def get_weather(city: str) -> str:
        """Current weather for a city."""
        tool_calls_made.append(city)
        return weather(city)

    async def one_run(client, n: int):
        model_class = agents.OpenAIResponsesModel if api == "responses" else agents.OpenAIChatCompletionsModel
        agent = agents.Agent(
            name="weather", instructions=SYSTEM, tools=[get_weather], model=model_class(model=MODEL, openai_client=client)
        )
        deltas = []
        if stream:
            result = agents.Runner.run_streamed(agent, PROMPT.format(n=n), max_turns=MAX_TURNS)
            async for event in result.stream_events():
                if event.type == "raw_response_event" and event.data.type == "response.output_text.delta":
                    deltas.append(event.data.delta)
        else:
            result = await agents.Runner.run(agent, PROMPT.format(n=n), max_turns=MAX_TURNS)
        return result, deltas

    results = _gather(base_url, one_run)

    path = "/responses" if api == "responses" else "/chat/completions"
    ids_sent = {}
    for n, (result, deltas) in enumerate(results):
        assert result.final_output == FINAL_TEXT, f"run {n}: {result.final_output!r}"
        assert len(result.raw_responses) == 2, f"run {n}: {len(result.raw_responses)} model responses"
        calls = [it for it in result.new_items if it.type == "tool_call_item"]
        outputs = [it for it in result.new_items if it.type == "tool_call_output_item"]
        assert len(calls) == 1 and len(outputs) == 1, [it.type for it in result.new_items]
        assert outputs[0].output == weather(WANT_CALL["arguments"]["city"])
        ids_sent[n] = [calls[0].raw_item.call_id]
        if stream:
            assert "".join(deltas) == FINAL_TEXT and len(deltas) > 1, deltas
    assert sorted(tool_calls_made) == [WANT_CALL["arguments"]["city"]] * RUNS, tool_calls_made
    check_journal(base_url, path, ids_sent)
    for entries in journal_by_run(base_url).values():
        assert [bool(e["body"].get("stream")) for e in entries] == [stream, stream]


@pytest.fixture(scope="module")
def pydantic_ai():
    return require_module("pydantic_ai")


@pytest.mark.parametrize("api", ["chat", "responses"])
@pytest.mark.parametrize("stream", [False, True], ids=["non-stream", "stream"])
def test_pydantic_ai_agent(base_url, pydantic_ai, api, stream):
    from pydantic_ai.messages import ToolCallPart, ToolReturnPart
    from pydantic_ai.models.openai import OpenAIChatModel, OpenAIResponsesModel
    from pydantic_ai.providers.openai import OpenAIProvider
    from pydantic_ai.usage import UsageLimits

    tool_calls_made: list[str] = []
    limits = UsageLimits(request_limit=MAX_TURNS)

    async def one_run(client, n: int):
        model_class = OpenAIChatModel if api == "chat" else OpenAIResponsesModel
        agent = pydantic_ai.Agent(model_class(MODEL, provider=OpenAIProvider(openai_client=client)), instructions=SYSTEM)

        @agent.tool_plain
        def get_weather(city: str) -> str:
            """Current weather for a city."""
            tool_calls_made.append(city)
            return weather(city)

        deltas = []
        if stream:
            async with agent.run_stream(PROMPT.format(n=n), usage_limits=limits) as result:
                async for piece in result.stream_text(delta=True, debounce_by=None):
                    deltas.append(piece)
                output = await result.get_output()
        else:
            result = await agent.run(PROMPT.format(n=n), usage_limits=limits)
            output = result.output
        return output, result.all_messages(), result.usage, deltas

    results = _gather(base_url, one_run)

    path = "/chat/completions" if api == "chat" else "/responses"
    ids_sent = {}
    for n, (output, messages, usage, deltas) in enumerate(results):
        assert output == FINAL_TEXT, f"run {n}: {output!r}"
        assert usage.requests == 2 and usage.tool_calls == 1, f"run {n}: {usage}"
        assert [m.kind for m in messages] == ["request", "response", "request", "response"], messages
        calls = [p for p in messages[1].parts if isinstance(p, ToolCallPart)]
        returns = [p for p in messages[2].parts if isinstance(p, ToolReturnPart)]
        assert len(calls) == 1 and calls[0].tool_name == "get_weather" and calls[0].args_as_dict() == WANT_CALL["arguments"]
        assert len(returns) == 1 and returns[0].tool_call_id == calls[0].tool_call_id
        ids_sent[n] = [calls[0].tool_call_id]
        if stream:
            assert "".join(deltas) == FINAL_TEXT and len(deltas) > 1, deltas
    assert sorted(tool_calls_made) == [WANT_CALL["arguments"]["city"]] * RUNS, tool_calls_made
    check_journal(base_url, path, ids_sent)
    for entries in journal_by_run(base_url).values():
        assert [bool(e["body"].get("stream")) for e in entries] == [stream, stream]
