"""The real `openrouter` Python SDK (Speakeasy-generated) against the real mockrouter binary.

SDK facts this relies on (openrouter==1.3.84):
- `OpenRouter(api_key=..., server_url="http://HOST:PORT/api/v1", retry_config=None)`;
  `server_url` replaces the default "https://openrouter.ai/api/v1"; retry_config=None disables
  the default 5XX backoff retries.
- `client.chat.send(model=..., messages=[...])` POSTs /chat/completions and always serialises
  `"stream": false|true`, so a non-stream call's body is NOT the OpenAI SDK's body (cassette
  `openrouter-sdk-chat`, not `chat-completion`). Stream bodies equal the OpenAI SDK's.
- `client.models.list()` sends `GET /models?offset=0&limit=500` by default; `offset=None,
  limit=None` sends a bare `GET /models` (the models cassette records both). It returns `GetModelsResponse` whose `.result` is a strictly
  validated `ModelsListResponse` (`data`, `links`, `total_count` required).
"""

from __future__ import annotations

import http.server
import json
import threading

import pytest

from interop_support import CHAT_PATH, canonical, find_recorded, journal, require_module

openrouter = require_module("openrouter")
from openrouter import OpenRouter  # noqa: E402
from openrouter import errors as or_errors  # noqa: E402

HELLO = [{"role": "user", "content": "Say hello in five words."}]
HAIKU = [{"role": "user", "content": "Write a haiku about the sea."}]
STORY = [{"role": "user", "content": "Tell me a long story."}]

# Exactly what openrouter==1.3.84 sends for chat.send(model=..., messages=HELLO)
# (captured with a stdlib server; re-checked by test_sdk_chat_body_is_known).
SDK_CHAT_BODY = {
    "messages": [{"content": "Say hello in five words.", "role": "user"}],
    "model": "openai/gpt-4o-mini",
    "stream": False,
}


@pytest.fixture
def client(base_url: str):
    with OpenRouter(api_key="sk-test", server_url=base_url + "/api/v1", retry_config=None, timeout_ms=20_000) as c:
        yield c


def _capture_one_request(call) -> tuple[str, str, bytes]:
    """Run `call(server_url)` against a throwaway stdlib server; return (method, path, body)."""
    seen: list[tuple[str, str, bytes]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def _any(self):
            n = int(self.headers.get("content-length") or 0)
            seen.append((self.command, self.path, self.rfile.read(n) if n else b""))
            out = b'{"error":{"code":418,"message":"capture only"}}'
            self.send_response(418)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        do_GET = do_POST = _any

        def log_message(self, *args):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        with pytest.raises(or_errors.OpenRouterError):
            call(f"http://127.0.0.1:{srv.server_port}/api/v1")
    finally:
        srv.shutdown()
        srv.server_close()
    assert len(seen) == 1, seen
    return seen[0]


def test_sdk_chat_body_is_known():
    """Guards the cassette lookup below: if an SDK upgrade changes the body, this says so."""

    def call(url):
        with OpenRouter(api_key="sk-test", server_url=url, retry_config=None) as c:
            c.chat.send(model="openai/gpt-4o-mini", messages=HELLO)

    method, path, body = _capture_one_request(call)
    assert (method, path) == ("POST", CHAT_PATH)
    assert canonical(json.loads(body)) == canonical(SDK_CHAT_BODY), body.decode()


def test_non_stream_chat(client, base_url):
    rec = find_recorded("POST", CHAT_PATH, SDK_CHAT_BODY)
    recorded = rec.response_json()

    res = client.chat.send(model="openai/gpt-4o-mini", messages=HELLO)

    assert res.choices[0].message.content == recorded["choices"][0]["message"]["content"]
    assert res.choices[0].message.content == "Hello there, how are you?"
    assert res.id != recorded["id"] and res.id.startswith("gen-"), "each replay carries a fresh generation id"
    assert res.model == recorded["model"]
    assert res.choices[0].finish_reason == "stop"
    assert res.usage is not None and res.usage.total_tokens == recorded["usage"]["total_tokens"]

    hits = [e for e in journal(base_url) if str(e.get("path", "")).endswith("/chat/completions")]
    assert hits and hits[-1].get("interaction"), hits
    assert rec.name in json.dumps(hits[-1]["interaction"]), hits[-1]


def test_stream_text(client):
    rec = find_recorded("POST", CHAT_PATH, {"messages": HAIKU, "model": "openai/gpt-4o-mini", "stream": True})
    rec_chunks = rec.sse_chunks()
    expected = "".join(c["choices"][0]["delta"].get("content") or "" for c in rec_chunks if c.get("choices"))

    with client.chat.send(model="openai/gpt-4o-mini", messages=HAIKU, stream=True) as stream:
        chunks = list(stream)

    assert len(chunks) == len(rec_chunks)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == expected and text.strip()
    assert [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason] == ["stop"]
    last = chunks[-1]
    assert last.choices == []
    assert last.usage is not None
    assert last.usage.cost == pytest.approx(rec_chunks[-1]["usage"]["cost"])


def test_stream_midstream_error_chunk_is_yielded(client):
    """The Speakeasy SDK does not raise on an in-band error: it yields a chunk with `.error`."""
    rec = find_recorded("POST", CHAT_PATH, {"messages": STORY, "model": "openai/gpt-4o", "stream": True})
    rec_error = next(c for c in rec.sse_chunks() if c.get("error"))

    with client.chat.send(model="openai/gpt-4o", messages=STORY, stream=True) as stream:
        chunks = list(stream)

    errored = [c for c in chunks if c.error is not None]
    assert len(errored) == 1 and errored[0] is chunks[-1]
    assert errored[0].error.code == rec_error["error"]["code"] == 502
    assert errored[0].error.message == "Provider disconnected unexpectedly"
    assert errored[0].choices[0].finish_reason == "error"
    text = "".join(c.choices[0].delta.content or "" for c in chunks[:-1] if c.choices)
    assert text.startswith("Once upon a time")


def _assert_models_page(page, rec):
    recorded = rec.response_json()
    recorded_ids = [m["id"] for m in recorded["data"]]
    assert recorded_ids
    assert page is not None
    assert [m.id for m in page.result.data] == recorded_ids
    assert page.result.total_count == recorded["total_count"]
    first, rec_first = page.result.data[0], recorded["data"][0]
    assert first.name == rec_first["name"]
    assert first.context_length == rec_first["context_length"]
    assert first.pricing.prompt == rec_first["pricing"]["prompt"]
    assert page.next() is None  # fewer than `limit` models: the SDK stops paging


def test_models_list_bare(client):
    """offset=None, limit=None -> a bare GET /api/v1/models."""
    rec = find_recorded("GET", "/api/v1/models")
    page = client.models.list(offset=None, limit=None)
    _assert_models_page(page, rec)
    assert "openai/gpt-4o-mini" in [m.id for m in page.result.data]


def test_models_list_default_query(client, base_url):
    """The SDK default sends ?offset=0&limit=500; the bundled cassette records that too
    (query parameters are part of matching, order-insensitive)."""
    rec = find_recorded("GET", "/api/v1/models", query="limit=500&offset=0")
    _assert_models_page(client.models.list(), rec)
    entries = [e for e in journal(base_url) if str(e.get("path", "")).startswith("/api/v1/models")]
    assert entries and entries[-1].get("interaction"), entries
