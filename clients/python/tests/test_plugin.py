"""The pytest plugin, run on generated test files in a sub-pytest (pytester)."""

from __future__ import annotations

import pytest

HEADER = """
import openai
import pytest

QUESTION = [{"role": "user", "content": "hi"}]

def chat(base_url, **options):
    client = openai.OpenAI(base_url=base_url, api_key="test-key", **options)
    reply = client.chat.completions.create(model="openai/gpt-4o-mini", messages=QUESTION)
    return reply.choices[0].message.content
"""


def run(pytester: pytest.Pytester, body: str, *args: str) -> pytest.RunResult:
    pytester.makepyfile(test_generated=HEADER + body)
    return pytester.runpytest("-p", "no:cacheprovider", *args)


def test_the_fixture_is_a_session_that_the_openai_sdk_can_use(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
def test_hello(mockrouter):
    assert mockrouter.base_url == f"{mockrouter.server.url}/session/{mockrouter.id}/api/v1"
    assert chat(mockrouter.scenario_url("hello")) == "Hi there! How can I help you today?"
    [entry] = mockrouter.requests()
    assert (entry.source, entry.session) == ("scenario", mockrouter.id)

def test_each_test_has_its_own_session(mockrouter, mockrouter_server):
    assert mockrouter.server is mockrouter_server
    assert mockrouter.requests() == []
""",
    )
    result.assert_outcomes(passed=2)


def test_the_scenario_marker_points_base_urls_at_the_scenario(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
@pytest.mark.mockrouter(scenario="rate-limit")
def test_retries(mockrouter):
    assert mockrouter.base_url.endswith(f"/session/{mockrouter.id}/scenario/rate-limit/api/v1")
    assert mockrouter.anthropic_base_url.endswith(f"/session/{mockrouter.id}/scenario/rate-limit/api")
    assert chat(mockrouter.base_url, max_retries=2) == "Thanks for waiting! Here is your answer: yes, that works."
    assert [entry.status for entry in mockrouter.requests()] == [429, 429, 200]
""",
    )
    result.assert_outcomes(passed=1)


def test_a_wrong_assertion_fails_for_its_own_reason(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
def test_wrong(mockrouter):
    assert chat(mockrouter.scenario_url("hello")) == "Goodbye"
""",
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["E       AssertionError: assert *== 'Goodbye'", "E         - Goodbye", "E         + Hi there! How can I help you today?"]
    )
    result.stdout.no_fnmatch_line("*- mockrouter -*")


def test_a_request_that_matches_nothing_fails_a_passing_test_with_the_near_miss(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
def test_miss(mockrouter):
    client = openai.OpenAI(base_url=mockrouter.base_url, api_key="test-key", max_retries=0)
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(model="openai/gpt-4o-mini", messages=[{"role": "user", "content": "Say hello in six words."}])
""",
    )
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_miss*",
            "*mockrouter had no answer for 1 request:",
            "*POST /session/t-*/api/v1/chat/completions -> 404 error (no_match)",
            '*Closest: chat-completion.cassette.jsonl.gz #1 (messages?0?.content: recorded "Say hello in five words.", received "Say hello in six words.")',
            "*allow_misses=True*",
        ]
    )


def test_a_failing_test_shows_the_near_miss_in_a_mockrouter_section(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
def test_miss(mockrouter):
    client = openai.OpenAI(base_url=mockrouter.base_url, api_key="test-key", max_retries=0)
    client.chat.completions.create(model="openai/gpt-4o-mini", messages=[{"role": "user", "content": "Say hello in six words."}])
""",
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*NotFoundError*",
            "*- mockrouter -*",
            "mockrouter had no answer for 1 request:",
            '*Closest: *received "Say hello in six words."*',
        ]
    )


def test_allow_misses_lets_a_test_expect_them(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
@pytest.mark.mockrouter(allow_misses=True)
def test_unknown_scenario(mockrouter):
    with pytest.raises(openai.NotFoundError):
        chat(mockrouter.scenario_url("no-such-scenario"), max_retries=0)
    [miss] = mockrouter.misses()
    assert miss.reason == "unknown_scenario"
""",
    )
    result.assert_outcomes(passed=1)


def test_tests_adding_a_scenario_of_the_same_name_each_get_their_own(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
def add_and_use(mockrouter, text):
    mockrouter.add_scenario({"name": "greeting", "steps": [{"text": text}]})
    assert chat(mockrouter.scenario_url("greeting")) == text

def test_first(mockrouter):
    add_and_use(mockrouter, "First test's greeting.")

def test_second(mockrouter):
    add_and_use(mockrouter, "Second test's greeting.")

@pytest.mark.mockrouter(allow_misses=True)
def test_third_sees_neither(mockrouter):
    with pytest.raises(openai.NotFoundError):
        chat(mockrouter.scenario_url("greeting"), max_retries=0)
""",
    )
    result.assert_outcomes(passed=3)


def test_a_binary_that_is_not_there_names_the_paths_tried(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
def test_needs_server(mockrouter):
    pass
""",
        "--mockrouter-bin",
        "/nonexistent/mockrouter",
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*no usable mockrouter binary; paths tried:*", "*/nonexistent/mockrouter (binary argument): missing*"]
    )


def test_a_server_that_cannot_start_shows_its_stderr(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
def test_needs_server(mockrouter):
    pass
""",
        "--mockrouter-cassettes",
        "/nonexistent/cassettes",
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*mockrouter exited before printing its ready line*", "stderr:", "*/nonexistent/cassettes*"])


def test_unknown_marker_arguments_are_refused(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
@pytest.mark.mockrouter(scenarios="hello")
def test_typo(mockrouter):
    pass
""",
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*@pytest.mark.mockrouter takes only the keyword arguments scenario, allow_misses, cassette; got scenarios*"]
    )


def test_cassette_paths_follow_module_and_test_names(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
from pathlib import Path

HERE = Path(__file__).parent

@pytest.mark.parametrize("case", ["a/b", "c d"])
def test_param(mockrouter_cassette_path, case):
    expected = {"a/b": "test_param-a-b", "c d": "test_param-c-d"}[case]
    assert mockrouter_cassette_path == HERE / "cassettes" / "test_generated" / f"{expected}.cassette.jsonl"

class TestGroup:
    def test_method(self, mockrouter_cassette_path):
        assert mockrouter_cassette_path.name == "TestGroup.test_method.cassette.jsonl"

@pytest.mark.mockrouter(cassette="shared-name")
def test_named(mockrouter_cassette_path):
    assert mockrouter_cassette_path == HERE / "cassettes" / "test_generated" / "shared-name.cassette.jsonl"

@pytest.mark.mockrouter(cassette="recordings/mine.cassette.jsonl.gz")
def test_path(mockrouter_cassette_path):
    assert mockrouter_cassette_path == HERE / "recordings" / "mine.cassette.jsonl.gz"
""",
    )
    result.assert_outcomes(passed=5)
