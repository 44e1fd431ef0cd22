"""``MockRouter`` and ``Session`` against the real binary, over real HTTP, with the real SDKs."""

from __future__ import annotations

import re
from pathlib import Path

import anthropic
import openai
import pytest

from mockrouter import (
    MockRouter,
    MockRouterError,
    MockRouterStartError,
    ScenarioError,
    ScenarioStep,
)

HELLO = "Hi there! How can I help you today?"  # the embedded `hello` scenario's text
QUESTION = [{"role": "user", "content": "hi"}]


def chat(base_url: str, **options: object) -> str:
    """One non-stream chat completion through the OpenAI SDK; its text."""
    client = openai.OpenAI(base_url=base_url, api_key="test-key", **options)
    reply = client.chat.completions.create(model="openai/gpt-4o-mini", messages=QUESTION)
    return reply.choices[0].message.content


def test_start_reads_the_ready_line_and_stop_exits_cleanly(binary: Path) -> None:
    server = MockRouter(binary=binary).start()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", server.url)
    assert server.base_url == server.url + "/api/v1"
    assert server.anthropic_base_url == server.url + "/api"
    assert server.health()["status"] == "ok"
    assert server.stop() == 0
    assert not server.running
    with pytest.raises(MockRouterError, match="not running"):
        server.url


def test_scenario_url_serves_the_openai_sdk(server: MockRouter) -> None:
    assert server.scenario_url("hello") == server.url + "/scenario/hello/api/v1"
    assert chat(server.scenario_url("hello")) == HELLO


def test_base_url_replays_an_embedded_cassette(server: MockRouter) -> None:
    session = server.session()
    client = openai.OpenAI(base_url=session.base_url, api_key="test-key")
    reply = client.chat.completions.create(
        model="openai/gpt-4o-mini", messages=[{"role": "user", "content": "Say hello in five words."}]
    )
    assert reply.choices[0].message.content == "Hello there, how are you?"
    [entry] = session.requests()
    assert entry.source == "cassette"
    assert entry.interaction is not None and entry.interaction.cassette.endswith("chat-completion.cassette.jsonl.gz")
    assert entry.interaction.number == 1


def test_anthropic_sdk_on_a_session_scenario(server: MockRouter) -> None:
    session = server.session(scenario="hello")
    assert session.anthropic_base_url == f"{server.url}/session/{session.id}/scenario/hello/api"
    client = anthropic.Anthropic(base_url=session.anthropic_base_url, api_key="test-key")
    message = client.messages.create(model="anthropic/claude-sonnet-4.5", max_tokens=64, messages=QUESTION)
    assert message.content[0].text == HELLO
    [entry] = session.requests()
    assert entry.path == f"/session/{session.id}/scenario/hello/api/v1/messages"


def test_requests_show_method_path_headers_body_and_source(server: MockRouter) -> None:
    session = server.session()
    client = openai.OpenAI(base_url=session.scenario_url("hello"), api_key="test-key", default_headers={"X-Test-Case": "journal"})
    client.chat.completions.create(model="openai/gpt-4o-mini", messages=QUESTION, temperature=0.5)
    [entry] = session.requests()
    assert (entry.method, entry.path, entry.status) == (
        "POST",
        f"/session/{session.id}/scenario/hello/api/v1/chat/completions",
        200,
    )
    assert entry.session == session.id
    assert entry.source == "scenario" and entry.scenario == ScenarioStep("hello", 1) and entry.interaction is None
    assert entry.json == {"model": "openai/gpt-4o-mini", "messages": QUESTION, "temperature": 0.5}
    assert entry.headers["x-test-case"] == "journal"
    assert entry.headers["content-type"] == "application/json"
    assert entry.reason is None and not entry.is_miss


def test_add_scenario_from_a_dict_and_from_yaml_text(server: MockRouter) -> None:
    session = server.session()
    answer = session.add_scenario({"name": "py-from-dict", "steps": [{"text": "Made from a dict."}]})
    assert answer["name"] == "py-from-dict" and answer["steps"] == 1
    session.add_scenario("name: py-from-yaml\nsteps:\n  - text: Made from YAML.\n")
    assert chat(session.scenario_url("py-from-dict")) == "Made from a dict."
    assert chat(session.scenario_url("py-from-yaml")) == "Made from YAML."


def test_a_bad_scenario_raises_scenario_error_naming_line_and_key(server: MockRouter) -> None:
    with pytest.raises(ScenarioError) as raised:
        server.session().add_scenario("name: py-bad\nsteps:\n  - fault: { kind: explode }\n")
    message = str(raised.value)
    assert "steps[0].fault.kind" in message and "explode" in message
    assert ":3:" in message


def test_reset_rewinds_steps_and_clears_the_journal(server: MockRouter) -> None:
    session = server.session()
    rate_limited = session.scenario_url("rate-limit")
    with pytest.raises(openai.RateLimitError):
        chat(rate_limited, max_retries=0)
    assert [entry.scenario for entry in session.requests()] == [ScenarioStep("rate-limit", 1)]
    session.reset()
    assert session.requests() == []
    with pytest.raises(openai.RateLimitError):
        chat(rate_limited, max_retries=0)
    assert [entry.scenario for entry in session.requests()] == [ScenarioStep("rate-limit", 1)]


def test_sessions_have_their_own_journals_and_steps(server: MockRouter) -> None:
    first, second = server.session(), server.session()
    assert first.id != second.id
    for _ in range(2):
        with pytest.raises(openai.RateLimitError):
            chat(first.scenario_url("rate-limit"), max_retries=0)
    with pytest.raises(openai.RateLimitError):
        chat(second.scenario_url("rate-limit"), max_retries=0)
    assert [entry.scenario for entry in first.requests()] == [ScenarioStep("rate-limit", 1), ScenarioStep("rate-limit", 2)]
    assert [entry.scenario for entry in second.requests()] == [ScenarioStep("rate-limit", 1)]
    everyone = {entry.session for entry in server.requests()}
    assert {first.id, second.id} <= everyone


def test_a_scenario_added_to_a_session_is_that_sessions_own(server: MockRouter) -> None:
    first, second, third = server.session(), server.session(), server.session()
    first.add_scenario({"name": "py-greeting", "steps": [{"text": "First session's greeting."}]})
    second.add_scenario({"name": "py-greeting", "steps": [{"text": "Second session's greeting."}]})
    assert chat(first.scenario_url("py-greeting")) == "First session's greeting."
    assert chat(second.scenario_url("py-greeting")) == "Second session's greeting."
    with pytest.raises(openai.NotFoundError):
        chat(third.scenario_url("py-greeting"), max_retries=0)
    [miss] = third.misses()
    assert miss.reason == "unknown_scenario"


def test_misses_carry_the_near_miss_report(server: MockRouter) -> None:
    session = server.session()
    client = openai.OpenAI(base_url=session.base_url, api_key="test-key", max_retries=0)
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(
            model="openai/gpt-4o-mini", messages=[{"role": "user", "content": "Say hello in six words."}]
        )
    [miss] = session.misses()
    assert miss.reason == "no_match" and miss.status == 404
    assert "Closest" in miss.message and "Say hello in five words." in miss.message
    with pytest.raises(AssertionError, match="(?s)had no answer for 1 request.*Closest"):
        session.assert_no_misses()


def test_a_missing_binary_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "mockrouter"
    with pytest.raises(MockRouterError) as raised:
        MockRouter(binary=missing)
    assert f"{missing} (binary argument): missing" in str(raised.value)


def test_a_binary_that_is_not_executable_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = tmp_path / "mockrouter"
    plain.write_bytes(b"\x7fELF")
    plain.chmod(0o644)
    monkeypatch.setenv("MOCKROUTER_BIN", str(plain))
    with pytest.raises(MockRouterError) as raised:
        MockRouter()
    assert f"{plain} ($MOCKROUTER_BIN): not executable" in str(raised.value)


def test_a_server_that_cannot_start_reports_command_and_stderr(binary: Path) -> None:
    server = MockRouter(binary=binary, cassettes=["/nonexistent/cassettes"])
    with pytest.raises(MockRouterStartError) as raised:
        server.start()
    error = raised.value
    assert error.returncode not in (None, 0)
    assert "/nonexistent/cassettes" in error.stderr
    assert error.stderr.strip() in str(error)
    assert f"{binary} serve --host 127.0.0.1 --port 0" in str(error)
    assert not server.running


def test_a_file_that_is_not_a_program_reports_why_it_cannot_run(tmp_path: Path) -> None:
    garbage = tmp_path / "mockrouter"
    garbage.write_bytes(b"\x00\x01 not a program")
    garbage.chmod(0o755)
    with pytest.raises(MockRouterStartError) as raised:
        MockRouter(binary=garbage).start()
    assert raised.value.returncode is None
    assert "cannot run mockrouter: [Errno 8] Exec format error" in str(raised.value)
    assert "the process did not start" in str(raised.value)


def test_verdict_names_what_a_bad_client_did(server: MockRouter) -> None:
    """A hand-written loop that retries a 429 at once, with a parameter out of range: the session's
    verdict names both, and a well-behaved session of the same server has nothing above info."""
    import httpx

    bad = server.session(scenario="rate-limit")
    for _ in range(3):
        httpx.post(bad.base_url + "/chat/completions", json={"model": "m", "messages": QUESTION, "top_p": 3})
    verdict = bad.verdict()
    codes = sorted({finding["code"] for finding in verdict["findings"]})
    assert codes == ["invalid-request", "missing-attribution", "retry-after-ignored"], verdict
    assert verdict["counts"]["error"] == 5 and verdict["requests"] == 3
    ignored = next(f for f in verdict["findings"] if f["code"] == "retry-after-ignored")
    assert [e["status"] for e in ignored["entries"]] == [429, 429] and ignored["entries"][0]["retry_after"] == 1

    good = server.session(scenario="rate-limit")
    assert chat(good.base_url, max_retries=2, default_headers={"X-Title": "tests"}) == (
        "Thanks for waiting! Here is your answer: yes, that works.")
    assert good.verdict()["findings"] == []
    assert server.verdict(session=good.id, stall_bound=5)["thresholds"]["stall_bound"] == 5
