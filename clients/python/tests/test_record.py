"""Record modes: a second MockRouter stands in for OpenRouter as the upstream."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import openai
import pytest

from mockrouter import MockRouter

CASSETTE = Path("cassettes") / "test_recorded" / "test_ask.cassette.jsonl"
PROMPT = "Tell me something worth recording."
UNREACHABLE = "http://127.0.0.1:9"  # the discard port: nothing listens
UPSTREAM_KEY = "sk-or-v1-dummy0123456789abcdef"

TEST_FILE = """
import openai

def ask(mockrouter, prompt):
    client = openai.OpenAI(base_url=mockrouter.base_url, api_key="the-test-s-own-key", max_retries=0)
    reply = client.chat.completions.create(model="openai/gpt-4o-mini", messages=[{{"role": "user", "content": prompt}}])
    return reply.choices[0].message.content

def test_ask(mockrouter):
    answers = [ask(mockrouter, prompt) for prompt in {prompts!r}]
    assert answers == {answers!r}
    {journal_check}
"""


@contextmanager
def answering_upstream(binary: Path, text: str) -> Iterator[MockRouter]:
    """Stands in for OpenRouter: answers a chat request whose last user message says "worth recording"
    with ``text``, and only with ``UPSTREAM_KEY`` (the test's own key gets a 401)."""
    with MockRouter(binary=binary, require_key=UPSTREAM_KEY) as upstream:
        upstream.add_scenario({"name": "upstream-answer", "match": {"contains": "worth recording"}, "steps": [{"text": text}]})
        yield upstream


@pytest.fixture
def upstream(binary: Path) -> Iterator[MockRouter]:
    with answering_upstream(binary, "Recorded from upstream, take 1.") as server:
        yield server


@pytest.fixture
def with_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENROUTER_API_KEY", UPSTREAM_KEY)


def run(
    pytester: pytest.Pytester,
    mode: str,
    upstream_url: str,
    prompts: list[str],
    answers: list[str],
    sources: list[str] | None = None,
) -> pytest.RunResult:
    """Run the generated test in ``mode``; it checks the answers and, given ``sources``, its journal's sources."""
    check = "" if sources is None else f"assert [entry.source for entry in mockrouter.requests()] == {sources!r}"
    pytester.makepyfile(test_recorded=TEST_FILE.format(prompts=prompts, answers=answers, journal_check=check))
    return pytester.runpytest("-p", "no:cacheprovider", f"--record-mode={mode}", "--mockrouter-upstream", upstream_url)


def interactions(path: Path) -> list[dict]:
    """The interactions of a plain JSON Lines cassette (its first line is the header)."""
    lines = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return lines[1:]


def answer_text(interaction: dict) -> str:
    return interaction["response"]["body"]["json"]["choices"][0]["message"]["content"]


def prompts_seen(upstream: MockRouter) -> list[str]:
    """The last user message of each request that reached ``upstream``."""
    return [entry.json["messages"][-1]["content"] for entry in upstream.requests() if entry.json]


def test_once_records_then_none_replays_without_the_upstream(
    pytester: pytest.Pytester, upstream: MockRouter, with_key: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    take1 = "Recorded from upstream, take 1."
    run(pytester, "once", upstream.url, [PROMPT], [take1]).assert_outcomes(passed=1)
    assert prompts_seen(upstream) == [PROMPT]
    cassette = pytester.path / CASSETTE
    [recorded] = interactions(cassette)
    assert recorded["request"]["body"]["json"]["messages"][0]["content"] == PROMPT
    assert recorded["request"]["headers"].count(["authorization", "[REDACTED]"]) == 1
    assert answer_text(recorded) == take1

    upstream.stop()
    monkeypatch.delenv("OPENROUTER_API_KEY")
    run(pytester, "none", UNREACHABLE, [PROMPT], [take1], ["cassette"]).assert_outcomes(passed=1)
    run(pytester, "once", UNREACHABLE, [PROMPT], [take1], ["cassette"]).assert_outcomes(passed=1)
    assert len(interactions(cassette)) == 1


def test_new_episodes_replays_what_it_has_and_records_the_rest(
    pytester: pytest.Pytester, upstream: MockRouter, with_key: None
) -> None:
    take1 = "Recorded from upstream, take 1."
    run(pytester, "once", upstream.url, [PROMPT], [take1]).assert_outcomes(passed=1)
    second = "Also worth recording: this."
    run(pytester, "new_episodes", upstream.url, [PROMPT, second], [take1, take1]).assert_outcomes(passed=1)
    assert prompts_seen(upstream) == [PROMPT, second]
    recorded = interactions(pytester.path / CASSETTE)
    assert [item["request"]["body"]["json"]["messages"][0]["content"] for item in recorded] == [PROMPT, second]


def test_all_deletes_and_records_everything_again(
    pytester: pytest.Pytester, binary: Path, upstream: MockRouter, with_key: None
) -> None:
    run(pytester, "once", upstream.url, [PROMPT], ["Recorded from upstream, take 1."]).assert_outcomes(passed=1)
    upstream.stop()
    take2 = "Recorded from upstream, take 2."
    with answering_upstream(binary, take2) as second_upstream:
        run(pytester, "all", second_upstream.url, [PROMPT, PROMPT], [take2, take2]).assert_outcomes(passed=1)
        assert prompts_seen(second_upstream) == [PROMPT, PROMPT]
    recorded = interactions(pytester.path / CASSETTE)
    assert [answer_text(item) for item in recorded] == [take2, take2]
    run(pytester, "none", UNREACHABLE, [PROMPT], [take2], ["cassette"]).assert_outcomes(passed=1)


def test_recording_without_a_key_fails_saying_so(
    pytester: pytest.Pytester, upstream: MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENROUTER_API_KEY", raising=False)
    result = run(pytester, "once", upstream.url, [PROMPT], ["unused"])
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [f"*--record-mode=once would record {pytester.path / CASSETTE} from {upstream.url}, which needs OPENROUTER_API_KEY*"]
    )
    assert upstream.requests() == []


def test_none_without_a_cassette_never_reaches_the_network(
    pytester: pytest.Pytester, upstream: MockRouter, with_key: None
) -> None:
    result = run(pytester, "none", upstream.url, [PROMPT], ["unused"])
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*NotFoundError*", "*- mockrouter -*", "*no_match*", "*Closest:*"])
    assert upstream.requests() == []
    assert not (pytester.path / CASSETTE).exists()


def test_a_forwarded_request_is_journaled_before_its_client_has_the_answer(
    binary: Path, upstream: MockRouter, tmp_path: Path
) -> None:
    """docs/recording.md: "An interaction is written, journaled and (in hybrid mode) made replayable
    before the client sees the end of its response, so a client's next request already finds it"."""
    hybrid = MockRouter(
        binary=binary,
        no_cassettes=True,
        upstream=upstream.url,
        record_to=tmp_path / "hybrid.cassette.jsonl",
        upstream_key_from_env=True,
        env={"OPENROUTER_API_KEY": UPSTREAM_KEY},
    )
    with hybrid:
        for attempt in range(10):
            session = hybrid.session()
            client = openai.OpenAI(base_url=session.base_url, api_key="test-key", max_retries=0)
            prompt = f"Attempt {attempt}, worth recording."
            client.chat.completions.create(model="openai/gpt-4o-mini", messages=[{"role": "user", "content": prompt}])
            assert [entry.source for entry in session.requests()] == ["upstream"], f"attempt {attempt}"
