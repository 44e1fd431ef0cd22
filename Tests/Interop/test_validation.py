"""Request validation (`mockrouter serve --validate off|warn|strict`, default warn) against the real
SDKs and the openrouter SDK's own request models.

- The cross-check sends every case of validation_corpus.crosscheck_cases() to a strict server with
  nothing to serve and compares its verdict (rejected: a 400 carrying violations) with the pinned
  openrouter SDK's (pydantic's model_validate). They must agree on at least 99 % of the cases, and
  where they do not, on exactly the listed, deliberate probes (validation_corpus.CROSSCHECK_PROBES).
  `pytest -s` prints the agreement figure.
- Behaviour: strict answers OpenRouter's 400 (Anthropic's envelope on /api/v1/messages) that the
  OpenAI, Anthropic and openrouter SDKs raise as a bad request naming the JSON path; warn answers as
  usual with an X-MockRouter-Warning header and journals the violations; off says nothing. Every bad
  request leaves the server answering GET /__admin/health.

The wire contract these tests hold the server to:
  strict  400 {"error": {"code": 400, "message": "Invalid request: PATH: WHAT (and N more)",
               "metadata": {"error_type": "invalid_request", "violations": [{"path", "rule", "message"}]}}}
          /api/v1/messages: {"type": "error", "error": {"type": "invalid_request_error", "message": ...,
               "error_type": "invalid_request", "violations": [...]}, "request_id": null}
  warn    the usual answer plus `X-MockRouter-Warning: invalid request: PATH: WHAT; PATH: WHAT`, and the
          journal entry (GET /__admin/requests) carries "violations": [...]
  off     nothing
"""

from __future__ import annotations

import json
import subprocess
import uuid

import pytest

from interop_support import journal, require_module
from proxy_support import BIN, REPO, Proc, start
from validation_corpus import crosscheck_cases

httpx = require_module("httpx")
openai = require_module("openai")
anthropic = require_module("anthropic")
openrouter = require_module("openrouter")
from openrouter import OpenRouter  # noqa: E402
from openrouter import errors as or_errors  # noqa: E402

MODEL = "openai/gpt-4o-mini"
CLAUDE = "anthropic/claude-sonnet-4.5"
USER = [{"role": "user", "content": "Hello"}]
HELLO_TEXT = "Hi there! How can I help you today?"  # scenarios/hello.yaml
WEATHER_TOOL = {"type": "function", "function": {
    "name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}
THINK_THEN_CALL = """name: think-then-call
model: anthropic/claude-sonnet-4.5
provider: Anthropic
steps:
  - when: { tool_result: { name: get_weather } }
    text: "It is 18 °C and sunny in Paris."
  - reasoning: { text: "The user wants the weather: call get_weather.", signature: "c2lnbmF0dXJl" }
    tool_calls:
      - name: get_weather
        arguments: { city: Paris }
"""
WARNING = "x-mockrouter-warning"
ALLOWED_MODES = ("off", "warn", "strict")


# ---------------------------------------------------------------------------------------------
# servers and small helpers


def _require_validate_flag() -> None:
    shown = subprocess.run([BIN, "serve", "--help"], capture_output=True, text=True, timeout=20, cwd=REPO)
    if "--validate" not in shown.stdout + shown.stderr:
        pytest.fail(f"{BIN} has no `serve --validate` (rebuild it: swift build)", pytrace=False)


def _serve(*args: str) -> Proc:
    _require_validate_flag()
    return start("serve", *args)


def _stop(proc: Proc) -> None:
    rc, stderr = proc.stop()
    assert rc == 0, f"mockrouter exited with {rc}\n{stderr[-3000:]}"


@pytest.fixture(scope="module")
def bare_strict():
    """Strict, with nothing to serve: a valid request gets the near-miss 404, an invalid one the 400."""
    proc = _serve("--validate", "strict", "--no-cassettes", "--no-scenarios")
    yield proc
    _stop(proc)


@pytest.fixture(scope="module")
def strict():
    """Strict, with the bundled cassettes and scenarios (a valid request is answered)."""
    proc = _serve("--validate", "strict")
    yield proc
    _stop(proc)


@pytest.fixture(scope="module")
def off():
    proc = _serve("--validate", "off")
    yield proc
    _stop(proc)


def healthy(url: str) -> bool:
    r = httpx.get(url + "/__admin/health", timeout=10)
    return r.status_code == 200 and r.json().get("status") == "ok"


def scenario_api(url: str, scenario: str = "hello", session: str | None = None, api: str = "/api/v1") -> str:
    """http://HOST:PORT[/session/ID]/scenario/NAME/api/v1 (api="/api" for the Anthropic SDK)."""
    return f"{url}{f'/session/{session}' if session else ''}/scenario/{scenario}{api}"


def violations_of(body) -> list | None:
    """The violations of a validation 400 body (OpenRouter's or Anthropic's envelope), else None."""
    if not isinstance(body, dict):
        return None
    error = body.get("error", body)  # some SDKs hand over the body's "error" object only
    if not isinstance(error, dict):
        return None
    found = (error.get("metadata") or {}).get("violations") if isinstance(error.get("metadata"), dict) else None
    if found is None:
        found = error.get("violations")
    return found if isinstance(found, list) else None


def paths(violations: list | None) -> list[str]:
    return [v.get("path") for v in violations or [] if isinstance(v, dict)]


def entries_for(url: str, marker: str) -> list[dict]:
    """Journal entries whose path contains `marker` (a session id or a path piece)."""
    return [e for e in journal(url) if marker in (e.get("path") or "")]


# ---------------------------------------------------------------------------------------------
# the cross-check against the openrouter SDK's request models


def _send_case(client, url: str, case: dict) -> tuple[bool, int, str]:
    """(rejected, status, what the server said: its first violation, or the body's start)."""
    r = client.post(f"{url}/api/v1/{case['endpoint']}", content=json.dumps(case["body"]).encode(),
                    headers={"Content-Type": "application/json"})
    try:
        body = r.json()
    except ValueError:
        body = None
    found = violations_of(body) if r.status_code == 400 else None
    if found:
        first = found[0] if isinstance(found[0], dict) else {}
        return True, r.status_code, f"{first.get('path')}: {first.get('message')} [{first.get('rule')}]"
    return False, r.status_code, r.text[:200]


def test_crosscheck_agrees_with_the_openrouter_sdk(bare_strict: Proc):
    corpus = crosscheck_cases()
    assert 400 <= len(corpus) <= 800, len(corpus)
    outcomes = []
    with httpx.Client(timeout=20) as client:
        for case in corpus:
            rejected, status, said = _send_case(client, bare_strict.url, case)
            outcomes.append((case, rejected, status, said))

    agree = sum(case["sdk_ok"] != rejected for case, rejected, _, _ in outcomes)
    share = 100.0 * agree / len(outcomes)
    print(f"\nvalidation cross-check: {agree}/{len(outcomes)} agree ({share:.1f} %)")

    def line(case: dict, rejected: bool, status: int, said: str) -> str:
        return (f"  {case['endpoint']} | {case['label']}\n"
                f"      sdk {'accepts' if case['sdk_ok'] else 'refuses'}, schema "
                f"{'accepts' if case['schema_ok'] else 'refuses'}, rules {case['rule_violations'] or 'none'}; "
                f"server {'rejects' if rejected else 'accepts'} ({status}): {said}\n"
                f"      reason: {case['expected_disagreement'] or 'none listed'}\n"
                f"      body: {json.dumps(case['body'])[:300]}")

    listed = {(c["endpoint"], c["label"]) for c in corpus if c["expected_disagreement"]}
    differing = {(case["endpoint"], case["label"]) for case, rejected, _, _ in outcomes if case["sdk_ok"] == rejected}
    for case, rejected, status, said in outcomes:
        if (case["endpoint"], case["label"]) in listed & differing:
            print("listed disagreement:\n" + line(case, rejected, status, said))
    unexpected = [o for o in outcomes if (o[0]["endpoint"], o[0]["label"]) in differing - listed]
    unmet = [o for o in outcomes if (o[0]["endpoint"], o[0]["label"]) in listed - differing]
    crashed = [o for o in outcomes if o[2] >= 500]
    report = (f"{agree}/{len(outcomes)} agree ({share:.1f} %)\n"
              f"disagreements not listed ({len(unexpected)}):\n" + "\n".join(line(*o) for o in unexpected) +
              f"\nlisted disagreements where the server agrees with the SDK ({len(unmet)}):\n" +
              "\n".join(line(*o) for o in unmet) +
              f"\nanswered 5xx ({len(crashed)}):\n" + "\n".join(line(*o) for o in crashed))
    assert share >= 99.0, report
    assert differing == listed, report
    assert not crashed, report
    assert healthy(bare_strict.url)


# ---------------------------------------------------------------------------------------------
# strict


def test_strict_gives_the_openai_sdk_a_bad_request_naming_the_path(strict: Proc):
    with openai.OpenAI(base_url=scenario_api(strict.url), api_key="sk-test", max_retries=0, timeout=20) as client:
        with pytest.raises(openai.BadRequestError) as raised:
            client.chat.completions.create(model=MODEL, messages=USER, temperature=5)
    assert raised.value.status_code == 400
    assert "$.temperature" in str(raised.value), str(raised.value)
    found = violations_of(raised.value.body)
    assert found and found[0]["path"] == "$.temperature", raised.value.body
    assert found[0]["rule"] == "maximum" and found[0]["message"] == "must be at most 2", found
    assert healthy(strict.url)


def test_strict_error_body_is_openrouters(strict: Proc):
    body = {"model": MODEL, "messages": USER, "temperature": 5, "top_p": 2, "top_logprobs": 21}
    r = httpx.post(scenario_api(strict.url) + "/chat/completions", json=body, timeout=20)
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert error["code"] == 400 and error["metadata"]["error_type"] == "invalid_request", error
    found = error["metadata"]["violations"]
    assert {"$.temperature", "$.top_p", "$.top_logprobs"} <= set(paths(found)), found
    for v in found:
        assert set(v) >= {"path", "rule", "message"} and v["path"].startswith("$"), v
    first = f"Invalid request: {found[0]['path']}: {found[0]['message']}"
    assert error["message"] == f"{first} (and {len(found) - 1} more)", error["message"]
    assert healthy(strict.url)


def test_strict_passes_valid_requests_of_every_sdk(strict: Proc):
    session = f"valid-{uuid.uuid4().hex[:8]}"
    with openai.OpenAI(base_url=scenario_api(strict.url, session=session), api_key="sk-test", max_retries=0,
                       timeout=20) as client:
        chat = client.chat.completions.create(model=MODEL, messages=USER, temperature=0.7, max_tokens=64)
        assert chat.choices[0].message.content == HELLO_TEXT
        response = client.responses.create(model=MODEL, input="Hello", max_output_tokens=64)
        assert response.output_text == HELLO_TEXT
    with anthropic.Anthropic(base_url=scenario_api(strict.url, session=session, api="/api"), api_key="sk-test",
                             max_retries=0, timeout=20) as client:
        message = client.messages.create(model=CLAUDE, max_tokens=64, messages=USER, system="Be terse.",
                                         stop_sequences=["END"])
        assert "".join(b.text for b in message.content if b.type == "text") == HELLO_TEXT
    with OpenRouter(api_key="sk-test", server_url=scenario_api(strict.url, session=session), retry_config=None,
                    timeout_ms=20_000) as client:
        sent = client.chat.send(model=MODEL, messages=USER, temperature=1.0)
        assert sent.choices[0].message.content == HELLO_TEXT
    entries = entries_for(strict.url, session)
    assert len(entries) == 4 and all(e["status"] == 200 and not e.get("violations") for e in entries), entries


def test_strict_answers_the_openrouter_sdk_what_its_models_let_through(strict: Proc):
    """The SDK's models have no ranges: temperature=5 goes out, and comes back a BadRequestResponseError."""
    with OpenRouter(api_key="sk-test", server_url=scenario_api(strict.url), retry_config=None,
                    timeout_ms=20_000) as client:
        with pytest.raises(or_errors.BadRequestResponseError) as raised:
            client.chat.send(model=MODEL, messages=USER, temperature=5)
    assert raised.value.data.error.code == 400
    assert "$.temperature" in raised.value.data.error.message
    assert paths(violations_of(raised.value.raw_response.json())) == ["$.temperature"]
    assert healthy(strict.url)


def test_messages_without_max_tokens_gets_anthropics_400(strict: Proc):
    r = httpx.post(scenario_api(strict.url) + "/messages", json={"model": CLAUDE, "messages": USER}, timeout=20)
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["type"] == "error" and "request_id" in body and body["request_id"] is None, body
    error = body["error"]
    assert error["type"] == "invalid_request_error" and error["error_type"] == "invalid_request", error
    assert "$.max_tokens" in paths(error["violations"]), error
    assert "$.max_tokens" in error["message"], error["message"]
    assert healthy(strict.url)


def test_a_tool_message_answering_no_call_is_named(strict: Proc):
    call = {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}
    messages = [
        {"role": "user", "content": "Weather in Paris?"},
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": "call_1", "content": "18C"},
        {"role": "tool", "tool_call_id": "call_404", "content": "21C"},
    ]
    with openai.OpenAI(base_url=scenario_api(strict.url), api_key="sk-test", max_retries=0, timeout=20) as client:
        with pytest.raises(openai.BadRequestError) as raised:
            client.chat.completions.create(model=MODEL, messages=messages, tools=[WEATHER_TOOL])
    found = violations_of(raised.value.body)
    assert "$.messages[3].tool_call_id" in paths(found), found
    assert healthy(strict.url)


def test_an_unanswered_tool_call_is_named(strict: Proc):
    call = {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}
    messages = [{"role": "user", "content": "Weather?"}, {"role": "assistant", "tool_calls": [call]},
                {"role": "user", "content": "Well?"}]
    r = httpx.post(scenario_api(strict.url) + "/chat/completions", json={"model": MODEL, "messages": messages},
                   timeout=20)
    assert r.status_code == 400, r.text
    assert any(p.startswith("$.messages[1]") for p in paths(violations_of(r.json()))), r.text
    assert healthy(strict.url)


def test_an_anthropic_tool_loop_that_drops_the_thinking_block_is_refused(strict: Proc):
    session = f"think-{uuid.uuid4().hex[:8]}"
    added = httpx.post(f"{strict.url}/__admin/scenarios?session={session}", content=THINK_THEN_CALL.encode(), timeout=10)
    assert added.status_code in (200, 201), added.text
    tools = [{"name": "get_weather", "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}}]
    thinking = {"type": "enabled", "budget_tokens": 1024}
    question = [{"role": "user", "content": "Weather in Paris?"}]
    with anthropic.Anthropic(base_url=scenario_api(strict.url, "think-then-call", session, api="/api"),
                             api_key="sk-test", max_retries=0, timeout=20) as client:
        first = client.messages.create(model=CLAUDE, max_tokens=2048, thinking=thinking, tools=tools, messages=question)
        assert [b.type for b in first.content] == ["thinking", "tool_use"], first.content
        use = first.content[1]
        answer = {"role": "user", "content": [{"type": "tool_result", "tool_use_id": use.id, "content": "18C"}]}
        blocks = [b.model_dump(exclude_none=True) for b in first.content]

        with pytest.raises(anthropic.BadRequestError) as raised:
            client.messages.create(model=CLAUDE, max_tokens=2048, thinking=thinking, tools=tools,
                                   messages=[*question, {"role": "assistant", "content": blocks[1:]}, answer])
        found = violations_of(raised.value.body)
        assert found and any(p.startswith("$.messages[1]") for p in paths(found)), raised.value.body
        assert raised.value.body["error"]["type"] == "invalid_request_error", raised.value.body

        kept = client.messages.create(model=CLAUDE, max_tokens=2048, thinking=thinking, tools=tools,
                                      messages=[*question, {"role": "assistant", "content": blocks}, answer])
        assert "".join(b.text for b in kept.content if b.type == "text") == "It is 18 °C and sunny in Paris."
    assert healthy(strict.url)


def test_responses_previous_response_id_is_refused(strict: Proc):
    with openai.OpenAI(base_url=scenario_api(strict.url), api_key="sk-test", max_retries=0, timeout=20) as client:
        with pytest.raises(openai.BadRequestError) as raised:
            client.responses.create(model=MODEL, input="And then?", previous_response_id="resp_123")
    assert "$.previous_response_id" in paths(violations_of(raised.value.body)), raised.value.body
    assert healthy(strict.url)


def test_a_function_call_output_answering_no_call_is_named(strict: Proc):
    body = {"model": MODEL, "input": [{"role": "user", "content": "Weather?"},
                                      {"type": "function_call_output", "call_id": "call_9", "output": "18C"}]}
    r = httpx.post(scenario_api(strict.url) + "/responses", json=body, timeout=20)
    assert r.status_code == 400, r.text
    assert "$.input[1].call_id" in paths(violations_of(r.json())), r.text
    assert healthy(strict.url)


# ---------------------------------------------------------------------------------------------
# warn (the default) and off


def test_warn_is_the_default_and_answers_with_a_warning(base_url: str):
    with openai.OpenAI(base_url=scenario_api(base_url), api_key="sk-test", max_retries=0, timeout=20) as client:
        raw = client.chat.completions.with_raw_response.create(model=MODEL, messages=USER, temperature=5, top_p=2)
    assert raw.status_code == 200
    assert raw.parse().choices[0].message.content == HELLO_TEXT
    warning = raw.headers.get(WARNING)
    assert warning and warning.startswith("invalid request: "), dict(raw.headers)
    assert "$.temperature: must be at most 2" in warning and "; " in warning and "$.top_p" in warning, warning
    [entry] = entries_for(base_url, "/chat/completions")
    assert entry["status"] == 200
    assert {"$.temperature", "$.top_p"} <= set(paths(entry.get("violations"))), entry
    assert healthy(base_url)


def test_warn_says_nothing_about_a_valid_request(base_url: str):
    with openai.OpenAI(base_url=scenario_api(base_url), api_key="sk-test", max_retries=0, timeout=20) as client:
        raw = client.chat.completions.with_raw_response.create(model=MODEL, messages=USER, temperature=1)
    assert raw.status_code == 200 and WARNING not in raw.headers, dict(raw.headers)
    [entry] = entries_for(base_url, "/chat/completions")
    assert not entry.get("violations"), entry


def test_warn_names_a_conversation_fault(base_url: str):
    body = {"model": CLAUDE, "max_tokens": 64, "messages": [
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_9", "content": "18C"}]}]}
    r = httpx.post(scenario_api(base_url) + "/messages", json=body, timeout=20)
    assert r.status_code == 200, r.text
    assert "$.messages[0].content[0].tool_use_id" in r.headers.get(WARNING, ""), dict(r.headers)


def test_off_says_nothing(off: Proc):
    session = f"off-{uuid.uuid4().hex[:8]}"
    with openai.OpenAI(base_url=scenario_api(off.url, session=session), api_key="sk-test", max_retries=0,
                       timeout=20) as client:
        raw = client.chat.completions.with_raw_response.create(model=MODEL, messages=USER, temperature=5)
    assert raw.status_code == 200 and WARNING not in raw.headers, dict(raw.headers)
    [entry] = entries_for(off.url, session)
    assert not entry.get("violations"), entry
    r = httpx.post(scenario_api(off.url) + "/messages", json={"model": CLAUDE, "messages": USER}, timeout=20)
    assert r.status_code == 200 and WARNING not in r.headers, r.text
    assert healthy(off.url)


# ---------------------------------------------------------------------------------------------
# the flag itself


def test_a_bad_validate_value_is_refused_naming_the_allowed_ones():
    result = subprocess.run([BIN, "serve", "--validate", "sometimes", "--port", "0"], capture_output=True, text=True,
                            timeout=20, cwd=REPO)
    said = result.stdout + result.stderr
    assert result.returncode != 0, said
    assert "listening" not in result.stdout, said
    assert "sometimes" in said and all(mode in said for mode in ALLOWED_MODES), said


def test_help_lists_the_validate_modes():
    shown = subprocess.run([BIN, "serve", "--help"], capture_output=True, text=True, timeout=20, cwd=REPO)
    assert shown.returncode == 0
    text = shown.stdout.split("--validate", 1)
    assert len(text) == 2, "serve --help does not mention --validate"
    after = text[1][:600]
    assert all(mode in after for mode in ALLOWED_MODES) and "warn" in after, after
