#!/usr/bin/env python3
"""Starts a Python LLM mock from PyPI as the benchmark's "Python peer".

The peer serves the same shape of answer as the MockRouter benchmark fixture:

  POST /v1/chat/completions  {"model":"bench-json","messages":[...]}                 -> JSON, ~941 bytes
  POST /v1/chat/completions  {"model":"bench-stream","messages":[...],"stream":true} -> SSE stream

The stream has exactly --chunks `data:` frames counting the closing `data: [DONE]` (the fixture's
bench.sse has 200: 199 content frames + [DONE]). Both peers frame an OpenAI stream as
role frame + one frame per word + finish frame + [DONE], so the answer is --chunks - 3 words
(" tok0" ... " tokN", as in bench.sse). The request bodies are in benchmarks/wrk/post_json.lua and
benchmarks/wrk/post_stream.lua. The frame count matches bench.sse; the bytes do not: the peers'
chunk JSON is leaner than OpenRouter's (no provider/reasoning fields), so a stream is ~41 KB
(fakellm) or ~48 KB (llmock) against bench.sse's 66 KB.

Peers (installed in .venv-bench by `pip install fakellm==0.3.5 llmock==0.2.2`):
  fakellm  (default: the faster of the two by ~5x on both requests) -- the answer comes from two
           rules in a generated fakellm.yaml, matched on the model. fakellm 0.3.5 sleeps 10 ms after
           every streamed word (hard-coded in fakellm/streaming.py), which caps a 200-frame stream
           at >= 2 s whatever the server's speed; since the fixture's frames are all at offset 0
           that sleep is replaced here by a bare yield to the event loop (asyncio.sleep(0)), so each
           frame is still written separately. --keep-delays keeps the stock 10 ms.
  llmock   -- the answer is scripted with a permanent `reply` behaviour per stream flag, exactly
           what `POST /_llmock/scenario` would queue (its default per-chunk delay is already 0).

Usage: .venv-bench/bin/python benchmarks/python_peer.py --port 8091 [--chunks 200]
       [--peer fakellm|llmock] [--json-bytes 941] [--keep-delays]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile

import uvicorn

JSON_MODEL = "bench-json"
STREAM_MODEL = "bench-stream"


def stream_text(chunks: int) -> str:
    words = chunks - 3  # role frame + finish frame + [DONE]
    if words < 1:
        sys.exit("--chunks must be at least 4")
    return "".join((" " if i else "") + f"tok{i}" for i in range(words))


def padded_text(size_of, target: int) -> str:
    """'Hello there! ' repeated, cut so that size_of(text) (the body's bytes) is target or close."""
    def cut(n: int) -> str:
        n = max(1, n)
        return ("Hello there! " * (n // 13 + 1))[:n]

    n = target - size_of("")
    for _ in range(4):  # token counts in the body grow with the text: settle them
        delta = target - size_of(cut(n))
        if delta == 0:
            break
        n += delta
    return cut(n)


class _Server(uvicorn.Server):
    async def startup(self, sockets=None):  # type: ignore[override]
        await super().startup(sockets=sockets)
        if not self.should_exit:
            print("ready", flush=True)


def _run(app, port: int) -> None:
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                            access_log=False, lifespan="on")
    _Server(config).run()


# -- llmock -------------------------------------------------------------------

def llmock_app(chunks: int, json_bytes: int):
    os.environ.setdefault("LLMOCK_RESPONSE_STYLE", "static")
    from fastapi.encoders import jsonable_encoder
    from llmock.main import create_app
    from llmock.routers.openai import (AssistantMessage, ChatCompletionChoice,
                                       ChatCompletionResponse, Usage)
    from llmock.scenarios import Match, Reply

    def body_size(text: str) -> int:
        resp = ChatCompletionResponse(
            model=JSON_MODEL,
            choices=[ChatCompletionChoice(index=0, message=AssistantMessage(content=text))],
            usage=Usage(prompt_tokens=0, completion_tokens=len(text) // 4,
                        total_tokens=len(text) // 4))
        return len(json.dumps(jsonable_encoder(resp), separators=(",", ":")).encode())

    text = padded_text(body_size, json_bytes)
    app = create_app()
    # times=None: permanent, never consumed. One per stream flag.
    app.state.llmock.scenarios.add(
        Reply(text=stream_text(chunks), times=None, match=Match(stream=True)),
        Reply(text=text, times=None, match=Match(stream=False)),
    )
    return app


# -- fakellm ------------------------------------------------------------------

def fakellm_app(chunks: int, json_bytes: int, keep_delays: bool):
    import yaml

    rules = [
        {"name": "bench-stream", "when": {"model_matches": STREAM_MODEL},
         "respond": {"content": stream_text(chunks)}},
        {"name": "bench-json", "when": {"model_matches": JSON_MODEL},
         "respond": {"content": "PLACEHOLDER"}},
    ]
    from fakellm.config import _build_rule
    from fakellm.responder import build_response

    probe = {"model": JSON_MODEL, "messages": [{"role": "user", "content": "hi"}]}

    def body_size(text: str) -> int:
        _, payload = build_response(_build_rule({"respond": {"content": text}}, 0), probe, "openai")
        return len(json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode())

    rules[1]["respond"]["content"] = padded_text(body_size, json_bytes)

    fd, path = tempfile.mkstemp(prefix="fakellm-bench-", suffix=".yaml")
    with os.fdopen(fd, "w") as f:
        yaml.safe_dump({"version": 1, "rules": rules}, f)
    os.environ["FAKELLM_CONFIG"] = path  # read by fakellm.server at import time
    import fakellm.server as server
    import fakellm.streaming as streaming

    os.unlink(path)
    if not keep_delays:
        import asyncio
        import types

        async def _yield(_seconds: float) -> None:
            await asyncio.sleep(0)

        streaming.asyncio = types.SimpleNamespace(sleep=_yield)
    return server.app


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--chunks", type=int, default=200,
                    help="SSE data: frames in the stream, [DONE] included (default 200)")
    ap.add_argument("--json-bytes", type=int, default=941,
                    help="target size of the non-stream JSON body (default 941, as bench.json)")
    ap.add_argument("--peer", choices=("fakellm", "llmock"), default="fakellm")
    ap.add_argument("--keep-delays", action="store_true",
                    help="fakellm only: keep its hard-coded 10 ms sleep after every streamed word")
    args = ap.parse_args()
    if args.peer == "llmock":
        app = llmock_app(args.chunks, args.json_bytes)
    else:
        app = fakellm_app(args.chunks, args.json_bytes, args.keep_delays)
    _run(app, args.port)


if __name__ == "__main__":
    main()
