"""Quotas and X-MockRouter-Fault with the real OpenAI SDK (openai==3.54.0).

- A scenario's quota answers OpenRouter's 429 with `Retry-After` computed from its window; the
  SDK, which honours `Retry-After`, waits and succeeds.
- `X-MockRouter-Fault` on a bundled cassette's request: the SDK sees the fault exactly as it would
  see it from a scenario (a rate-limit error, a cut stream, an in-band error).
"""

from __future__ import annotations

import time
import uuid

import httpx
import pytest

from interop_support import cassette_files, journal, read_cassette, require_module

openai = require_module("openai")

QUOTA_SCENARIO = """
name: one-per-second
quota: { requests_per_minute: 1, per: session, window_seconds: 1 }
steps:
  - text: admitted
"""


def test_the_sdk_honours_the_quota_retry_after_and_gets_through(base_url: str):
    assert httpx.post(base_url + "/__admin/scenarios", content=QUOTA_SCENARIO).status_code in (200, 201)
    session = f"quota-{uuid.uuid4().hex[:8]}"
    client = openai.OpenAI(
        base_url=f"{base_url}/session/{session}/scenario/one-per-second/api/v1", api_key="sk-test", max_retries=2)
    messages = [{"role": "user", "content": "hi"}]
    first = client.chat.completions.create(model="openai/gpt-4o-mini", messages=messages)
    began = time.monotonic()
    second = client.chat.completions.create(model="openai/gpt-4o-mini", messages=messages)
    waited = time.monotonic() - began
    assert first.choices[0].message.content == second.choices[0].message.content == "admitted"
    entries = [e for e in journal(base_url) if e["session"] == session]
    assert [e["status"] for e in entries] == [200, 429, 200]
    assert entries[1]["reason"] == "quota_exceeded"
    assert 0.5 <= waited < 5, f"the SDK waited {waited:.2f} s for Retry-After: 1"


def test_without_retries_the_sdk_raises_rate_limit_error_with_the_window_headers(base_url: str):
    assert httpx.post(base_url + "/__admin/scenarios", content=QUOTA_SCENARIO).status_code in (200, 201)
    session = f"quota-{uuid.uuid4().hex[:8]}"
    client = openai.OpenAI(
        base_url=f"{base_url}/session/{session}/scenario/one-per-second/api/v1", api_key="sk-test", max_retries=0)
    messages = [{"role": "user", "content": "hi"}]
    client.chat.completions.create(model="openai/gpt-4o-mini", messages=messages)
    with pytest.raises(openai.RateLimitError) as raised:
        client.chat.completions.create(model="openai/gpt-4o-mini", messages=messages)
    headers = raised.value.response.headers
    assert headers["retry-after"] == "1"
    assert headers["x-ratelimit-limit"] == "1" and headers["x-ratelimit-remaining"] == "0"
    assert int(headers["x-ratelimit-reset"]) > time.time() * 1000 - 1000
    assert raised.value.body["metadata"]["error_type"] == "rate_limit_exceeded"


@pytest.fixture
def streamed_recording():
    """The bundled streamed-text recording's request body (a cassette replay answers it)."""
    for path in cassette_files():
        _, interactions = read_cassette(path)
        for interaction in interactions:
            body = interaction["request"].get("body", {}).get("json")
            if path.name.startswith("stream-text") and body and body.get("stream"):
                return body
    pytest.fail("no streamed recording among the bundled cassettes")


def test_fault_header_turns_a_cassette_replay_into_a_rate_limit_error(base_url: str, streamed_recording: dict):
    client = openai.OpenAI(
        base_url=base_url + "/api/v1", api_key="sk-test", max_retries=0,
        default_headers={"X-MockRouter-Fault": "error; status=429; retry_after=7"})
    with pytest.raises(openai.RateLimitError) as raised:
        client.chat.completions.create(**streamed_recording)
    assert raised.value.response.headers["retry-after"] == "7"
    assert journal(base_url)[-1]["source"] == "cassette"


def test_fault_header_cuts_a_replayed_stream_and_the_sdk_raises(base_url: str, streamed_recording: dict):
    client = openai.OpenAI(
        base_url=base_url + "/api/v1", api_key="sk-test", max_retries=0,
        default_headers={"X-MockRouter-Fault": "disconnect; after=2"})
    received = []
    with pytest.raises(openai.APIConnectionError):
        for chunk in client.chat.completions.create(**streamed_recording):
            received += [c.delta.content for c in chunk.choices if c.delta.content]
    assert len(received) <= 2


def test_fault_header_midstream_error_on_a_replayed_stream(base_url: str, streamed_recording: dict):
    client = openai.OpenAI(
        base_url=base_url + "/api/v1", api_key="sk-test", max_retries=0,
        default_headers={"X-MockRouter-Fault": "midstream_error; after=1; status=502"})
    finish = []
    errors = []
    try:
        for chunk in client.chat.completions.create(**streamed_recording):
            finish += [c.finish_reason for c in chunk.choices if c.finish_reason]
            if getattr(chunk, "error", None) or (chunk.model_extra or {}).get("error"):
                errors.append((chunk.model_extra or {}).get("error"))
    except openai.APIError as error:  # the SDK may raise on the in-band error event
        errors.append(error.body)
    assert errors, "the in-band error reached the client"
    assert finish in ([], ["error"])


def test_serve_quota_flags_over_a_real_socket_and_their_bad_values():
    """`serve --quota-rpm N --quota-per session --quota-window S`, as a user types them."""
    import subprocess

    from proxy_support import BIN, start

    server = start("serve", "--no-cassettes", "--quota-rpm", "1", "--quota-per", "session", "--quota-window", "30")
    try:
        url = f"http://127.0.0.1:{server.port}"
        body = {"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}
        first = httpx.post(url + "/session/a/scenario/hello/api/v1/chat/completions", json=body)
        second = httpx.post(url + "/session/a/scenario/hello/api/v1/chat/completions", json=body)
        other = httpx.post(url + "/session/b/scenario/hello/api/v1/chat/completions", json=body)
        assert (first.status_code, second.status_code, other.status_code) == (200, 429, 200)
        assert second.json()["error"]["message"] == "Rate limit exceeded: 1 requests per minute"
        assert 1 <= int(second.headers["retry-after"]) <= 30
        assert httpx.get(url + "/api/v1/models").status_code == 200, "GET endpoints are not counted"
    finally:
        server.stop()
    for flags, message in [
        (["--quota-rpm", "0"], "--quota-rpm must be from 1 to 1000000000; got 0"),
        (["--quota-tpm=-5"], "--quota-tpm must be from 1 to 1000000000; got -5"),
        (["--quota-rpm", "1", "--quota-window", "nan"], "--quota-window must be from 0.1 to 3600 seconds"),
        (["--quota-rpm", "1", "--quota-per", "user"], "--quota-per must be key or session; got user"),
    ]:
        result = subprocess.run([BIN, "serve", "--port", "0", *flags], capture_output=True, text=True, timeout=30)
        assert result.returncode != 0 and message in result.stderr, (flags, result.stderr)
