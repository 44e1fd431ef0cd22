"""The verdict on the client (`GET /__admin/verdict`, `mockrouter verdict`) against real clients.

Each test runs in its own session (a fresh id in the scenario URL
http://HOST:PORT/session/ID/scenario/NAME/api/v1) on the shared server, asks the verdict of that
session only, and asserts the exact set of codes found, nothing else:

- well-behaved clients (the OpenAI SDK with its default retries against `rate-limit`, a
  mid-stream error, a read timeout on `stall`, an agent loop over `weather-agent`, the Anthropic and
  OpenRouter SDKs on `hello`, the OpenAI and OpenRouter SDKs' own backoff against 503s without
  Retry-After) get no finding above info, and none at all when they name the app (`X-Title` /
  `X-OpenRouter-Title`);
- deliberately bad ones get exactly their codes: a retry loop that ignores `Retry-After`, a retry
  storm against a scenario that always answers 503, a raw socket that holds a stalled stream open,
  an invalid parameter, an API key in the body, the same request twice at once;
- the `mockrouter verdict` command's output and exit codes (0, 1 at `--fail-on`, 2 when the server
  cannot answer), and a bad threshold on the admin endpoint.

SDK facts this relies on (openai 3.54.0 over httpx2): `Retry-After: 1` is waited exactly (0 < value
<= 60); `Retry-After: 0` falls back to the SDK's own backoff (about 0.5 s); a read timeout
mid-stream raises `APITimeoutError` and the connection is closed.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from interop_support import REPO, require_module
from proxy_support import BIN
from scenario_support import RawClient, load_scenario, new_session, scenario_base, step, text_of, token_frame_count

httpx = require_module("httpx")
openai = require_module("openai")
anthropic = require_module("anthropic")
openrouter = require_module("openrouter")

MODEL = "openai/gpt-4o-mini"
MESSAGES = [{"role": "user", "content": "Verdict interop test."}]
APP = "mockrouter-interop"
TITLED = {"X-Title": APP}
SEVERITY = {
    "retry-after-ignored": "error",
    "retry-storm": "error",
    "no-retry-on-retryable": "info",
    "stalled-stream-not-abandoned": "warning",
    "invalid-request": "error",
    "secret-in-body": "error",
    "duplicate-request": "info",
    "missing-attribution": "info",
}
ABOVE_INFO = ("warning", "error")


# --------------------------------------------------------------------------
# the verdict


def verdict(base_url: str, session: str, **thresholds) -> dict:
    """GET /__admin/verdict?session=ID[&threshold=…], checked for its shape."""
    r = httpx.get(base_url + "/__admin/verdict", params={"session": session, **thresholds}, timeout=10)
    assert r.status_code == 200, f"GET /__admin/verdict -> {r.status_code}: {r.text[:1000]}"
    v = r.json()
    assert v["session"] == session, v
    assert set(v) >= {"session", "requests", "counts", "findings", "thresholds"}, v
    for finding in v["findings"]:
        assert finding["severity"] == SEVERITY[finding["code"]], finding
        assert finding["explanation"], finding
        for entry in finding["entries"]:
            assert entry["session"] == session, finding
            assert {"time", "method", "path", "status", "answered"} <= set(entry), entry
    counts = {level: sum(f["severity"] == level for f in v["findings"]) for level in ("info", "warning", "error")}
    assert v["counts"] == counts, v
    return v


def codes(v: dict) -> set[str]:
    return {f["code"] for f in v["findings"]}


def found(v: dict, code: str) -> list[dict]:
    return [f for f in v["findings"] if f["code"] == code]


def show(v: dict) -> str:
    return json.dumps(v, indent=1)


def assert_nothing_above_info(v: dict) -> None:
    bad = [f for f in v["findings"] if f["severity"] in ABOVE_INFO]
    assert not bad, f"a well-behaved client got findings above info:\n{show(v)}"


def chat_url(base_url: str, scenario: str, session: str) -> str:
    return scenario_base(base_url, scenario, session) + "/chat/completions"


def chat_body(**extra) -> dict:
    return {"model": MODEL, "messages": MESSAGES, **extra}


def journal(base_url: str, session: str) -> list[dict]:
    r = httpx.get(base_url + "/__admin/requests", params={"session": session}, timeout=10)
    assert r.status_code == 200, r.text[:500]
    return r.json()["requests"]


def post_scenario(base_url: str, session: str, scenario: dict) -> None:
    r = httpx.post(base_url + "/__admin/scenarios", params={"session": session}, json=scenario, timeout=10)
    assert r.status_code in (200, 201), f"POST /__admin/scenarios -> {r.status_code}: {r.text[:500]}"


@pytest.fixture
def openai_client(base_url: str):
    """openai_client(NAME, **kw) -> (client, session): the OpenAI SDK bound to scenario NAME in a
    fresh session, its default retries unless max_retries is given."""
    clients = []

    def make(name: str, **kw):
        session = new_session()
        kw.setdefault("timeout", 20)
        c = openai.OpenAI(base_url=scenario_base(base_url, name, session), api_key="sk-test", **kw)
        clients.append(c)
        return c, session

    yield make
    for c in clients:
        c.close()


# --------------------------------------------------------------------------
# (a) well-behaved clients


def test_openai_default_retries_honour_retry_after(base_url, openai_client):
    want = text_of(step(load_scenario("rate-limit"), 3))
    client, session = openai_client("rate-limit", default_headers=TITLED)
    r = client.chat.completions.create(model=MODEL, messages=MESSAGES)
    assert r.choices[0].message.content == want

    v = verdict(base_url, session)
    assert v["requests"] == 3, show(v)
    assert v["findings"] == [], show(v)
    assert v["counts"] == {"info": 0, "warning": 0, "error": 0}, show(v)


def test_openai_default_retries_without_attribution(base_url, openai_client):
    client, session = openai_client("rate-limit")
    client.chat.completions.create(model=MODEL, messages=MESSAGES)

    v = verdict(base_url, session)
    assert codes(v) == {"missing-attribution"}, show(v)
    assert_nothing_above_info(v)
    (finding,) = v["findings"]
    assert session in finding["explanation"], finding
    assert len(finding["entries"]) == 1 and finding["entries"][0]["status"] == 429, finding


def test_openai_midstream_error_stream(base_url, openai_client):
    client, session = openai_client("midstream-error", default_headers=TITLED)
    with pytest.raises(openai.APIError) as excinfo:
        with client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True) as stream:
            for _ in stream:
                pass
    assert not isinstance(excinfo.value, (openai.APIConnectionError, openai.APIStatusError)), repr(excinfo.value)

    v = verdict(base_url, session)
    assert v["requests"] == 1, show(v)
    assert_nothing_above_info(v)
    assert codes(v) == set(), show(v)


def test_openai_read_timeout_abandons_a_stall(base_url, openai_client):
    client, session = openai_client("stall", max_retries=0, default_headers=TITLED,
                                    timeout=openai.Timeout(20.0, read=1.5))
    collected = []
    t0 = time.monotonic()
    with pytest.raises(openai.APITimeoutError):
        with client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True) as stream:
            for chunk in stream:
                if chunk.choices and chunk.choices[0].delta.content:
                    collected.append(chunk.choices[0].delta.content)
    assert time.monotonic() - t0 < 10
    assert collected, "no text before the stall"

    v = verdict(base_url, session, stall_bound=5)
    assert v["thresholds"]["stall_bound"] == 5, show(v)
    assert v["findings"] == [], show(v)

    # The stall was watched, and the server saw the SDK close the connection: with a bound below
    # the 1.5 s read timeout it is a finding about a stream held open *before closing it*.
    deadline = time.monotonic() + 3
    while True:
        tight = verdict(base_url, session, stall_bound=1)
        stalls = found(tight, "stalled-stream-not-abandoned")
        assert len(stalls) == 1, show(tight)
        if "still" not in stalls[0]["explanation"] or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert "before closing" in stalls[0]["explanation"], show(tight)
    assert codes(tight) == {"stalled-stream-not-abandoned"}, show(tight)


def test_openai_weather_agent_loop(base_url, openai_client):
    """Every turn's first try gets a 429 with Retry-After: 0; the SDK's retry gets the turn's answer."""
    scenario = load_scenario("weather-agent")
    final = next(text_of(st) for st in scenario["steps"] if text_of(st).strip())
    client, session = openai_client("weather-agent", default_headers=TITLED)
    tools = [
        {"type": "function", "function": {"name": name, "parameters": {
            "type": "object", "properties": {arg: {"type": "string"}}, "required": [arg]}}}
        for name, arg in (("find_city", "query"), ("get_weather", "city"))
    ]
    results = {"find_city": lambda query: "Paris", "get_weather": lambda city: f"18 C, sunny in {city}"}
    messages = [{"role": "user", "content": "What is the weather in the capital of France?"}]
    for _ in range(5):
        r = client.chat.completions.create(model="openai/gpt-4.1", messages=messages, tools=tools)
        msg = r.choices[0].message
        if not msg.tool_calls:
            break
        messages.append({"role": "assistant", "content": msg.content, "tool_calls": [
            {"id": c.id, "type": "function", "function": {"name": c.function.name, "arguments": c.function.arguments}}
            for c in msg.tool_calls]})
        for c in msg.tool_calls:
            out = results[c.function.name](**json.loads(c.function.arguments))
            messages.append({"role": "tool", "tool_call_id": c.id, "content": out})
    assert msg.content == final, messages

    v = verdict(base_url, session)
    assert v["requests"] == 6, show(v)  # three turns, each a 429 and its retry
    assert v["findings"] == [], show(v)


def test_anthropic_sdk_hello(base_url):
    want = text_of(step(load_scenario("hello")))
    session = new_session()
    with anthropic.Anthropic(base_url=scenario_base(base_url, "hello", session, api="/api"), api_key="sk-test",
                             default_headers=TITLED, timeout=20) as client:
        r = client.messages.create(model="anthropic/claude-sonnet-4.5", max_tokens=64, messages=MESSAGES)
    assert "".join(b.text for b in r.content if b.type == "text") == want

    v = verdict(base_url, session)
    assert v["requests"] == 1, show(v)
    assert_nothing_above_info(v)
    assert v["findings"] == [], show(v)


def test_openrouter_sdk_hello(base_url):
    want = text_of(step(load_scenario("hello")))
    session = new_session()
    with openrouter.OpenRouter(server_url=scenario_base(base_url, "hello", session), api_key="sk-test",
                               x_open_router_title=APP, timeout_ms=20_000) as client:
        r = client.chat.send(model=MODEL, messages=MESSAGES)
    assert r.choices[0].message.content == want

    v = verdict(base_url, session)
    assert v["requests"] == 1, show(v)
    assert_nothing_above_info(v)
    assert v["findings"] == [], show(v)


def test_openai_no_retry_on_retryable(base_url, openai_client):
    """A client with retries off gives up on a 429 that a retry gets past: info, not an error."""
    client, session = openai_client("rate-limit", max_retries=0, default_headers=TITLED)
    with pytest.raises(openai.RateLimitError):
        client.chat.completions.create(model=MODEL, messages=MESSAGES)

    v = verdict(base_url, session)
    assert codes(v) == {"no-retry-on-retryable"}, show(v)
    assert_nothing_above_info(v)
    (finding,) = v["findings"]
    assert [e["status"] for e in finding["entries"]] == [429], finding
    assert finding["entries"][0]["retry_after"] == 1, finding


FLAKY_503 = {"name": "flaky-503", "description": "Three 503s with no Retry-After, then an answer.",
             "steps": [{"status": 503, "error": {"message": "down"}}] * 3 + [{"text": "Back up."}]}


def test_openai_exponential_backoff_is_no_storm(base_url, openai_client):
    """Three 503s without Retry-After: the SDK's own backoff (0.5 s, 1 s, 2 s, times 0.75-1 jitter)."""
    client, session = openai_client("flaky-503", max_retries=3, default_headers=TITLED)
    post_scenario(base_url, session, FLAKY_503)
    r = client.chat.completions.create(model=MODEL, messages=MESSAGES)
    assert r.choices[0].message.content == "Back up."

    v = verdict(base_url, session)
    assert v["requests"] == 4, show(v)
    assert v["findings"] == [], show(v)


def test_openrouter_sdk_default_backoff_is_no_storm(base_url):
    """The same with the OpenRouter SDK's default retries (5XX; backoff 0.5 s x 1.5^n plus up to 1 s of
    additive jitter, so one wait can be shorter than the one before): a well-behaved client, which
    must not be judged a retry storm. Six sessions at once, as the jitter decides each run."""

    def run(_: int) -> tuple[str, dict]:
        session = new_session()
        post_scenario(base_url, session, FLAKY_503)
        with openrouter.OpenRouter(server_url=scenario_base(base_url, "flaky-503", session), api_key="sk-test",
                                   x_open_router_title=APP, timeout_ms=20_000) as client:
            r = client.chat.send(model=MODEL, messages=MESSAGES)
        return r.choices[0].message.content, verdict(base_url, session)

    with ThreadPoolExecutor(max_workers=6) as pool:
        runs = list(pool.map(run, range(6)))
    for content, v in runs:
        assert content == "Back up."
        assert v["requests"] == 4, show(v)
    flagged = [v for _, v in runs if v["findings"]]
    assert not flagged, f"{len(flagged)} of {len(runs)} runs of the OpenRouter SDK judged:\n{show(flagged[0])}"


# --------------------------------------------------------------------------
# (b) deliberately bad clients


def ignore_retry_after(base_url: str, session: str) -> list[httpx.Response]:
    """A hand-written retry loop that retries at once, whatever Retry-After says."""
    answers = []
    with httpx.Client(timeout=10) as client:
        for _ in range(5):
            r = client.post(chat_url(base_url, "rate-limit", session), json=chat_body(),
                            headers={"Authorization": "Bearer sk-test"})
            answers.append(r)
            if r.status_code != 429:
                break
    return answers


def test_retry_loop_ignoring_retry_after(base_url):
    session = new_session()
    answers = ignore_retry_after(base_url, session)
    assert [r.status_code for r in answers] == [429, 429, 200]
    assert [r.headers.get("retry-after") for r in answers[:2]] == ["1", "1"]

    v = verdict(base_url, session)
    assert codes(v) == {"retry-after-ignored", "missing-attribution"}, show(v)
    ignored = found(v, "retry-after-ignored")
    assert len(ignored) == 2, show(v)  # each of the two retries came too soon
    for finding in ignored:
        earlier, retry = finding["entries"]
        assert earlier["status"] == 429 and earlier["retry_after"] == 1, finding
        assert earlier["time"] < retry["time"], finding
        assert "Retry-After: 1" in finding["explanation"], finding
    assert [f["entries"][1]["status"] for f in ignored] == [429, 200], show(v)
    assert v["counts"] == {"info": 1, "warning": 0, "error": 2}, show(v)


def hammer(base_url: str, session: str, scenario: str, retries: int, pause: float) -> list[int]:
    """One request and `retries` retries of it, `pause` seconds apart, never backing off."""
    statuses = []
    with httpx.Client(timeout=10) as client:
        for i in range(retries + 1):
            if i:
                time.sleep(pause)
            r = client.post(chat_url(base_url, scenario, session), json=chat_body(),
                            headers={"Authorization": "Bearer sk-test"})
            assert "retry-after" not in r.headers, dict(r.headers)
            statuses.append(r.status_code)
    return statuses


ALWAYS_503 = {"name": "always-503", "description": "Down, with no Retry-After.",
              "steps": [{"status": 503, "error": {"message": "down"}}]}


def test_retry_storm_without_backoff(base_url):
    """Eight retries 50 ms apart (equal waits, so no backoff) against an answer that is always 503
    without Retry-After: the retries in a row without growing waits are a storm."""
    session = new_session()
    post_scenario(base_url, session, ALWAYS_503)
    assert hammer(base_url, session, "always-503", retries=8, pause=0.05) == [503] * 9

    v = verdict(base_url, session)
    assert v["requests"] == 9, show(v)
    assert codes(v) == {"retry-storm", "missing-attribution"}, show(v)
    assert v["counts"] == {"info": 1, "warning": 0, "error": 1}, show(v)
    (storm,) = found(v, "retry-storm")
    m = re.match(r"(\d+) retries in a row with no backoff", storm["explanation"])
    assert m, storm
    # The chain: the first attempt and the retries that made the storm, each once, in order.
    attempts = [e["time"] for e in journal(base_url, session)]
    assert len(attempts) == 9
    assert [e["time"] for e in storm["entries"]] == attempts[: 1 + int(m.group(1))], show(storm)
    assert all(e["status"] == 503 and "retry_after" not in e for e in storm["entries"]), storm


def test_retry_storm_by_count(base_url):
    """With the no-backoff rule out of the way, more than max_retries (5) retries within
    retry_window (10 s) is the storm: the finding cites the attempts that prove it, each once, in order
    (the first attempt and the six retries)."""
    session = new_session()
    post_scenario(base_url, session, ALWAYS_503)
    assert hammer(base_url, session, "always-503", retries=8, pause=0) == [503] * 9

    v = verdict(base_url, session, backoff_chain=1_000_000)
    assert codes(v) == {"retry-storm", "missing-attribution"}, show(v)
    (storm,) = found(v, "retry-storm")
    assert storm["explanation"].startswith("6 retries of one request within 10"), storm
    assert "more than 5" in storm["explanation"], storm
    attempts = [e["time"] for e in journal(base_url, session)]
    assert [e["time"] for e in storm["entries"]] == attempts[:7], show(storm)

    # A wider allowance finds nothing but the attribution.
    loose = verdict(base_url, session, backoff_chain=1_000_000, max_retries=8)
    assert codes(loose) == {"missing-attribution"}, show(loose)


def test_retries_at_the_backoff_chain_are_no_storm(base_url):
    """Exactly backoff_chain (3) retries without backoff are not yet *more than* backoff_chain."""
    session = new_session()
    post_scenario(base_url, session, ALWAYS_503)
    assert hammer(base_url, session, "always-503", retries=3, pause=0.05) == [503] * 4

    v = verdict(base_url, session)
    assert codes(v) == {"missing-attribution"}, show(v)


def stalled_raw_request(base_url: str, session: str, fault_header: bool) -> RawClient:
    """A streaming request over a plain socket that never gives up; returns once the words before
    the stall have arrived."""
    client = RawClient(base_url, timeout=10)
    headers = {"X-Title": APP}
    if fault_header:
        path = f"/session/{session}/scenario/hello/api/v1/chat/completions"
        headers["X-MockRouter-Fault"] = "stall; after=2"  # two data frames: the role, then "Hi"
        arrived = lambda r: len(r.data_frames()) >= 2  # noqa: E731
    else:
        path = f"/session/{session}/scenario/stall/api/v1/chat/completions"
        words = int(step(load_scenario("stall"))["fault"]["after"])
        arrived = lambda r: token_frame_count(r) >= words  # noqa: E731
    resp = client.send("POST", path, chat_body(stream=True), headers=headers)
    assert resp.status == 200, resp.head
    client.read_until(arrived, timeout=10)
    return client


@pytest.mark.parametrize("fault_header", [False, True], ids=["stall-scenario", "fault-header"])
def test_stalled_stream_held_open(base_url, fault_header):
    session = new_session()
    client = stalled_raw_request(base_url, session, fault_header)
    try:
        time.sleep(2.5)
        v = verdict(base_url, session, stall_bound=1)
        assert codes(v) == {"stalled-stream-not-abandoned"}, show(v)
        (finding,) = v["findings"]
        assert finding["severity"] == "warning"
        assert "still" in finding["explanation"], finding
        assert [e["path"].endswith("/chat/completions") for e in finding["entries"]] == [True], finding
        assert v["counts"] == {"info": 0, "warning": 1, "error": 0}, show(v)
        # Under the default bound (30 s) it is not yet a finding.
        assert verdict(base_url, session)["findings"] == []
    finally:
        client.close()

    # Closed now: still a finding (it was held past the bound), told as held *before closing it*.
    deadline = time.monotonic() + 3
    while True:
        v = verdict(base_url, session, stall_bound=1)
        (finding,) = found(v, "stalled-stream-not-abandoned")
        if "before closing" in finding["explanation"] or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert "before closing" in finding["explanation"], show(v)


def test_invalid_parameter(base_url, openai_client):
    client, session = openai_client("hello", default_headers=TITLED)
    client.chat.completions.create(model=MODEL, messages=MESSAGES, temperature=9)

    v = verdict(base_url, session)
    assert codes(v) == {"invalid-request"}, show(v)
    (finding,) = v["findings"]
    assert "temperature" in finding["explanation"], finding
    assert len(finding["entries"]) == 1 and finding["entries"][0]["status"] == 200, finding


def test_api_key_in_body(base_url, openai_client):
    key = "sk-or-v1-" + "0123456789abcdef" * 4
    client, session = openai_client("hello", default_headers=TITLED)
    client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": f"my key is {key}"}])

    r = httpx.get(base_url + "/__admin/verdict", params={"session": session}, timeout=10)
    assert key not in r.text, "the verdict repeats the key"
    v = verdict(base_url, session)
    assert codes(v) == {"secret-in-body"}, show(v)
    assert len(v["findings"][0]["entries"]) == 1, show(v)


def test_same_request_twice_at_once(base_url, openai_client):
    client, session = openai_client("hello", max_retries=0, default_headers=TITLED)
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda _: client.chat.completions.create(model=MODEL, messages=MESSAGES), range(2)))
    assert all(a.choices[0].message.content for a in answers)

    v = verdict(base_url, session)
    assert codes(v) == {"duplicate-request"}, show(v)
    assert_nothing_above_info(v)
    (finding,) = v["findings"]
    assert [e["status"] for e in finding["entries"]] == [200, 200], finding

    # With a window shorter than the gap between them (a microsecond) it is no duplicate.
    assert codes(verdict(base_url, session, duplicate_window=0.000001)) == set()


# --------------------------------------------------------------------------
# (c) the command line


def run_verdict(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([BIN, "verdict", *args], capture_output=True, text=True, timeout=30, cwd=REPO)


def test_cli_fails_on_the_bad_retry_loop(base_url):
    session = new_session()
    ignore_retry_after(base_url, session)
    p = run_verdict("--url", base_url, "--session", session)
    assert p.returncode == 1, (p.returncode, p.stdout, p.stderr)
    lines = p.stdout.strip().splitlines()
    assert sum("retry-after-ignored" in ln for ln in lines) == 2, p.stdout
    assert sum("missing-attribution" in ln for ln in lines) == 1, p.stdout
    assert lines[-1] == f"3 findings over 3 requests of session {session}: 2 error, 0 warning, 1 info", p.stdout

    # The same with the base URL as the SDKs take it.
    p2 = run_verdict("--url", base_url + "/api/v1", "--session", session)
    assert p2.returncode == 1 and p2.stdout == p.stdout, (p2.returncode, p2.stdout, p2.stderr)


def test_cli_fail_on_levels(base_url, openai_client):
    client, session = openai_client("hello")
    client.chat.completions.create(model=MODEL, messages=MESSAGES)

    assert codes(verdict(base_url, session)) == {"missing-attribution"}
    for level, rc in (("warning", 0), ("error", 0), ("info", 1)):
        p = run_verdict("--url", base_url, "--session", session, "--fail-on", level)
        assert p.returncode == rc, (level, p.returncode, p.stdout, p.stderr)
        assert "missing-attribution" in p.stdout, p.stdout
    p = run_verdict("--url", base_url, "--session", session)
    assert p.returncode == 0, (p.returncode, p.stdout, p.stderr)


def test_cli_json(base_url):
    session = new_session()
    ignore_retry_after(base_url, session)
    p = run_verdict("--url", base_url, "--session", session, "--json", "--stall-bound", "7")
    assert p.returncode == 1, (p.returncode, p.stdout, p.stderr)
    printed = json.loads(p.stdout)
    assert printed["session"] == session
    assert printed["thresholds"]["stall_bound"] == 7, printed
    assert codes(printed) == {"retry-after-ignored", "missing-attribution"}, p.stdout
    assert printed["findings"] == verdict(base_url, session)["findings"]


def test_cli_unreachable_server():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    p = run_verdict("--url", f"http://127.0.0.1:{port}")
    assert p.returncode == 2, (p.returncode, p.stdout, p.stderr)
    assert p.stdout == "", p.stdout
    assert "no answer" in p.stderr, p.stderr


def test_cli_bad_threshold(base_url):
    p = run_verdict("--url", base_url, "--session", new_session(), "--stall-bound=-1")
    assert p.returncode == 2, (p.returncode, p.stdout, p.stderr)
    assert "400" in p.stderr and "stall_bound must be" in p.stderr, p.stderr


# --------------------------------------------------------------------------
# (d) bad input


@pytest.mark.parametrize("query", ["max_retries=abc", "max_retries=0", "max_retries=1.5", "stall_bound=-1",
                                   "retry_window=nan", "duplicate_window=0", "backoff_chain=1000001"])
def test_bad_threshold_is_a_400(base_url, query):
    name = query.split("=")[0]
    r = httpx.get(f"{base_url}/__admin/verdict?{query}", timeout=10)
    assert r.status_code == 400, (r.status_code, r.text)
    message = r.json()["error"]["message"]
    assert name in message, message

    assert httpx.get(base_url + "/__admin/health", timeout=10).json()["status"] == "ok"
    ok = httpx.get(base_url + "/__admin/verdict", timeout=10)
    assert ok.status_code == 200, ok.text
