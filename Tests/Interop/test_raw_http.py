"""Plain HTTP (httpx, no SDK) against the real binary: replay is faithful to the bytes on disk."""

from __future__ import annotations

import json

import pytest

from interop_support import (
    GENERATION_ID,
    cassette_files,
    read_cassette,
    require_module,
    served_generation_id,
    with_served_identity,
)
from proxy_support import start

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


@pytest.fixture(scope="module")
def recorded_ids_url():
    """A server with `--replay-ids recorded`: replays are the recorded bytes exactly."""
    proc = start("serve", "--replay-ids", "recorded")
    yield proc.url
    proc.stop()


@pytest.mark.parametrize("path,number,interaction", _recorded("sse"))
def test_sse_replay_is_byte_exact(recorded_ids_url, path, number, interaction):
    expected = "".join(f["text"] for f in interaction["response"]["body"]["sse"]).encode()
    r = _send(recorded_ids_url, interaction["request"])
    assert r.status_code == interaction["response"]["status"]
    assert r.headers["content-type"].startswith("text/event-stream")
    assert r.content == expected


@pytest.mark.parametrize("path,number,interaction", _recorded("sse"))
def test_sse_replay_with_fresh_ids_differs_only_in_the_id_and_created(base_url, path, number, interaction):
    recorded = "".join(f["text"] for f in interaction["response"]["body"]["sse"]).encode()
    first, second = (_send(base_url, interaction["request"]) for _ in range(2))
    for r in (first, second):
        assert r.status_code == interaction["response"]["status"]
        assert r.content != recorded, "a fresh id by default"
        assert r.content == with_served_identity(recorded, r.content)
        assert r.headers.get("x-generation-id", served_generation_id(r.content)) == served_generation_id(r.content)
    assert served_generation_id(first.content) != served_generation_id(second.content)


@pytest.mark.parametrize("path,number,interaction", _recorded("json"))
def test_json_replay_is_faithful(base_url, path, number, interaction):
    r = _send(base_url, interaction["request"])
    assert r.status_code == interaction["response"]["status"]
    assert r.headers["content-type"].startswith("application/json")
    recorded = json.dumps(interaction["response"]["body"]["json"]).encode()
    assert r.json() == json.loads(with_served_identity(recorded, json.dumps(r.json()).encode()))
    if "content-length" in r.headers:
        assert int(r.headers["content-length"]) == len(r.content)


def test_a_thousand_replays_carry_unique_ids_each_answered_by_generation(base_url):
    """Replays of every bundled chat recording, 1,000 in all: every answer has its own generation id
    (header, body and every frame agree), and /generation answers each with the recorded usage."""
    chats = [p.values[2] for p in _recorded("sse") + _recorded("json") if "chat/completions" in p.values[2]["request"]["path"]]
    assert len(chats) >= 4
    ids: dict[str, dict] = {}
    with httpx.Client(base_url=base_url, timeout=20) as http:
        for n in range(1000):
            interaction = chats[n % len(chats)]
            req = interaction["request"]
            r = http.post(req["path"], content=json.dumps(req["body"]["json"]), headers={"content-type": "application/json"})
            assert r.status_code == 200
            served = served_generation_id(r.content)
            assert set(m.group(0).decode() for m in GENERATION_ID.finditer(r.content)) == {served}
            assert r.headers.get("x-generation-id", served) == served
            assert served not in ids, f"request {n} repeated {served}"
            ids[served] = interaction
        for served, interaction in list(ids.items())[::50]:
            body = interaction["response"]["body"]
            objects = [body["json"]] if "json" in body else [
                json.loads(f["text"].split("data: ", 1)[1]) for f in body["sse"] if "data: {" in f["text"]]
            usage = next((o["usage"] for o in reversed(objects) if o.get("usage")), None)
            record = http.get("/api/v1/generation", params={"id": served}).json()["data"]
            assert record["id"] == served
            if usage is None:  # a stream cut before its usage chunk
                assert (record["tokens_prompt"], record["tokens_completion"], record["total_cost"]) == (0, 0, 0)
                continue
            assert (record["tokens_prompt"], record["tokens_completion"]) == (usage["prompt_tokens"], usage["completion_tokens"])
            assert record["total_cost"] == usage["cost"]
