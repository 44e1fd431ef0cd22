#!/usr/bin/env python3
"""One fixed OpenAI-SDK session, recorded by VCR.py and counted on the wire.

The session is 10 chat completions against MockRouter's bundled scenarios, each with its own user
message, sent with the official OpenAI Python SDK (openai 3.54, which speaks HTTP through httpx2):

  mockrouter/hello      non-stream x3
  mockrouter/hello      stream     x3
  mockrouter/reasoning  stream     x2
  mockrouter/tool-call  stream     x2   (offering a get_weather tool)

Two passes, both with the SDK's own client (no http_client override):

1. VCR pass: against --base-url (a `mockrouter serve --no-cassettes`), inside
   vcr.use_cassette(--vcr-cassette, record_mode="all"), i.e. every request goes to the server and
   is written to the YAML cassette. vcrpy >= 9.4 patches httpx2 itself, so no adapter is needed;
   the script checks that the cassette holds all 10 interactions.
2. Wire pass: against --proxy-url if given (a `mockrouter record --upstream <base>` in front of the
   same server), else --base-url again, without VCR. Every request goes through a counting
   transport (a subclass of httpx2.HTTPTransport) that adds up:
     request bytes  = request line + headers + CRLFs + body, as HTTP/1.1 puts them on the socket
                      (the SDK sends a Content-Length body, no chunked framing)
     response bytes = the response body as it came off the socket, de-chunked, before any
                      content decoding (MockRouter sends identity bodies, so that is the payload)
   wire_bytes is their sum; response headers are not counted.

Prints one JSON line:
  {"vcr_yaml_bytes": N, "wire_bytes": N, "request_bytes": N, "response_body_bytes": N,
   "requests": 10}

Usage: .venv-bench/bin/python benchmarks/vcr_session.py --base-url http://127.0.0.1:UP
           --vcr-cassette /tmp/session.yaml [--proxy-url http://127.0.0.1:P]
(URLs are origins; the SDK is pointed at ORIGIN/api/v1.)
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import httpx2
import openai
import vcr

TOOLS = [{
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                       "required": ["city"]},
    },
}]

# (scenario, stream, user message, offers tools)
SESSION = [
    ("hello", False, "Hello! Who are you?", False),
    ("hello", False, "Say hi to the team.", False),
    ("hello", False, "Greet me in one short sentence.", False),
    ("hello", True, "Stream me a greeting.", False),
    ("hello", True, "Another streamed hello, please.", False),
    ("hello", True, "One more friendly hello.", False),
    ("reasoning", True, "What is 17 x 24? Think it through.", False),
    ("reasoning", True, "Multiply 17 by 24 and check your work.", False),
    ("tool-call", True, "What's the weather in Paris?", True),
    ("tool-call", True, "Is it raining in Paris right now?", True),
]


class CountingTransport(httpx2.HTTPTransport):
    """Counts the bytes of every request sent and every response body received."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.request_bytes = 0
        self.response_body_bytes = 0
        self.requests = 0

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        body = request.read()
        target = request.url.raw_path.decode("ascii")
        head = f"{request.method} {target} HTTP/1.1\r\n".encode("ascii")
        head += b"".join(k + b": " + v + b"\r\n" for k, v in request.headers.raw) + b"\r\n"
        self.request_bytes += len(head) + len(body)
        self.requests += 1
        response = super().handle_request(request)
        response.stream = _CountingStream(response.stream, self)
        return response


class _CountingStream(httpx2.SyncByteStream):
    def __init__(self, inner, counter: CountingTransport):
        self._inner = inner
        self._counter = counter

    def __iter__(self):
        for part in self._inner:
            self._counter.response_body_bytes += len(part)
            yield part

    def close(self) -> None:
        close = getattr(self._inner, "close", None)
        if close is not None:
            close()


def run_session(origin: str, http_client: httpx2.Client | None = None) -> None:
    client = openai.OpenAI(base_url=origin.rstrip("/") + "/api/v1", api_key="sk-or-v1-bench",
                           max_retries=0, timeout=30, http_client=http_client)
    for scenario, stream, message, tools in SESSION:
        kwargs = {"model": f"mockrouter/{scenario}",
                  "messages": [{"role": "user", "content": message}]}
        if tools:
            kwargs["tools"] = TOOLS
        if stream:
            chunks = list(client.chat.completions.create(stream=True, **kwargs))
            if not chunks:
                sys.exit(f"{scenario}: empty stream")
        else:
            reply = client.chat.completions.create(**kwargs)
            if not reply.choices:
                sys.exit(f"{scenario}: no choices")
    client.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base-url", required=True,
                    help="origin of a `mockrouter serve --no-cassettes`, e.g. http://127.0.0.1:8090")
    ap.add_argument("--vcr-cassette", required=True, help="YAML cassette VCR.py writes (replaced)")
    ap.add_argument("--proxy-url", help="origin of a `mockrouter record` proxy for the wire pass")
    args = ap.parse_args()

    if os.path.exists(args.vcr_cassette):
        os.unlink(args.vcr_cassette)
    with vcr.use_cassette(args.vcr_cassette, record_mode="all") as cassette:
        run_session(args.base_url)
    if len(cassette) != len(SESSION):
        sys.exit(f"VCR recorded {len(cassette)} interactions, expected {len(SESSION)}")
    yaml_bytes = os.path.getsize(args.vcr_cassette)

    transport = CountingTransport()
    with httpx2.Client(transport=transport, timeout=30) as http_client:
        run_session(args.proxy_url or args.base_url, http_client)
    if transport.requests != len(SESSION):
        sys.exit(f"counted {transport.requests} requests, expected {len(SESSION)}")

    print(json.dumps({
        "vcr_yaml_bytes": yaml_bytes,
        "wire_bytes": transport.request_bytes + transport.response_body_bytes,
        "request_bytes": transport.request_bytes,
        "response_body_bytes": transport.response_body_bytes,
        "requests": transport.requests,
    }))


if __name__ == "__main__":
    main()
