"""Plain HTTP (httpx, no SDK) against the real binary: replay is faithful to the bytes on disk."""

from __future__ import annotations

import json

import pytest

from interop_support import cassette_files, read_cassette, require_module

httpx = require_module("httpx")


def _recorded(kind: str) -> list:
    out = []
    for path in cassette_files():
        _, interactions = read_cassette(path)
        for number, it in enumerate(interactions, start=1):
            body = it["response"].get("body") or {}
            if kind in body:
                out.append(pytest.param(path, number, it, id=f"{path.name.split('.cassette')[0]}#{number}"))
    return out


def _send(base_url: str, req: dict) -> httpx.Response:
    url = base_url + req["path"] + (("?" + req["query"]) if req.get("query") else "")
    body = req.get("body")
    content = None
    if body is not None:
        if "json" in body:
            content = json.dumps(body["json"], separators=(",", ":"), ensure_ascii=False).encode()
        elif "text" in body:
            content = body["text"].encode()
        else:
            pytest.fail(f"unsupported request body kind {list(body)}")
    headers = {"authorization": "Bearer sk-test"}
    if content is not None:
        headers["content-type"] = "application/json"
    return httpx.request(req["method"], url, content=content, headers=headers, timeout=20)


def test_bundled_cassettes_exist():
    assert cassette_files(), "no bundled cassettes found"


def test_health(base_url):
    r = httpx.get(base_url + "/__admin/health", timeout=10)
    assert r.status_code == 200


@pytest.mark.parametrize("path,number,interaction", _recorded("sse"))
def test_sse_replay_is_byte_exact(base_url, path, number, interaction):
    expected = "".join(f["text"] for f in interaction["response"]["body"]["sse"]).encode()
    r = _send(base_url, interaction["request"])
    assert r.status_code == interaction["response"]["status"]
    assert r.headers["content-type"].startswith("text/event-stream")
    assert r.content == expected


@pytest.mark.parametrize("path,number,interaction", _recorded("json"))
def test_json_replay_is_faithful(base_url, path, number, interaction):
    r = _send(base_url, interaction["request"])
    assert r.status_code == interaction["response"]["status"]
    assert r.headers["content-type"].startswith("application/json")
    assert r.json() == interaction["response"]["body"]["json"]
    if "content-length" in r.headers:
        assert int(r.headers["content-length"]) == len(r.content)
