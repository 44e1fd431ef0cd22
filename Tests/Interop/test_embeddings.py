"""POST /embeddings without a recording, through the real OpenAI SDK (openai==3.54.0), which asks
for base64 by default and decodes it itself."""

from __future__ import annotations

import math

from interop_support import journal, require_module

openai = require_module("openai")


def test_the_sdk_gets_deterministic_unit_vectors_of_the_dimensions_it_asks_for(base_url: str):
    client = openai.OpenAI(base_url=base_url + "/api/v1", api_key="sk-test", max_retries=0)
    first = client.embeddings.create(model="openai/text-embedding-3-small", input=["hello", "world"], dimensions=32)
    again = client.embeddings.create(model="openai/text-embedding-3-small", input="hello", dimensions=32)
    assert [item.index for item in first.data] == [0, 1]
    assert all(len(item.embedding) == 32 for item in first.data)
    assert first.data[0].embedding == again.data[0].embedding
    assert first.data[0].embedding != first.data[1].embedding
    assert abs(math.fsum(x * x for x in first.data[0].embedding) - 1) < 1e-5
    assert first.usage.prompt_tokens == 4 and first.model == "openai/text-embedding-3-small"
    floats = client.embeddings.create(model="m", input="hello", dimensions=32, encoding_format="float")
    assert all(abs(a - b) < 1e-6 for a, b in zip(floats.data[0].embedding, again.data[0].embedding))
    assert [e["source"] for e in journal(base_url)] == ["catalogue"] * 3


def test_a_scenario_rate_limit_on_embeddings_raises_rate_limit_error(base_url: str):
    client = openai.OpenAI(base_url=base_url + "/scenario/rate-limit/api/v1", api_key="sk-test", max_retries=0)
    try:
        client.embeddings.create(model="m", input="hello")
    except openai.RateLimitError as error:
        assert error.response.headers["retry-after"] == "1"
    else:
        raise AssertionError("expected the scenario's 429")
