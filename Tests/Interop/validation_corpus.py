"""Request bodies for checking a request validator against OpenRouter's request models, as the pinned
openrouter Python SDK (Tests/Interop/requirements.txt) has them.

    from validation_corpus import cases
    for case in cases():
        case["endpoint"], case["body"], case["label"], case["sdk_ok"], case["schema_ok"], case["sdk_leniency"]

    .venv/bin/python Tests/Interop/validation_corpus.py           counts per endpoint and kind
    .venv/bin/python Tests/Interop/validation_corpus.py --json    every case, one JSON array
    .venv/bin/python Tests/Interop/validation_corpus.py --diff    the cases where sdk_ok != schema_ok
    .venv/bin/python Tests/Interop/validation_corpus.py --crosscheck   crosscheck_cases(): counts, listed disagreements

crosscheck_cases() is the fixed selection Tests/Interop/test_validation.py sends to `mockrouter serve
--validate strict`: each case also has `rule_violations` (openrouter_rules(): OpenRouter's rules beyond
the schema: ranges, closed reasoning.effort, conversation coherence) and `expected_disagreement` (why
the SDK's verdict and mockrouter's differ there, else None).

endpoint: "chat/completions", "responses", "messages" or "embeddings" (the path after /api/v1/).
body:     the JSON request body (a dict, except for the few `bad-body` cases).
sdk_ok:   the SDK's request model for the endpoint (ChatRequest, ResponsesRequest, MessagesRequest,
          CreateEmbeddingsRequestBody) accepts the body: `Model.model_validate(body)` raises nothing.
          That is pydantic's lax mode, the one the SDK validates in: it converts some wrong JSON types
          ("0.5" to 0.5, "yes" to true, 2.0 to 2), takes any JSON object where a property is typed
          OptionalNullable (the SDK's Unset sentinel), any object that has the tag property in an
          open union, and any string for an open enum. A body that makes the SDK raise something
          other than ValidationError (a tagged union item without its tag raises ValueError) counts
          as not accepted.
schema_ok: schemas/openrouter-requests.json (scripts/update-schemas) accepts the body: Draft 2020-12,
          python-jsonschema, `format` not asserted. None when jsonschema is not importable.
sdk_leniency: why the SDK accepted a body that does not fit its own declared types (empty when it
          fits, or when the SDK refused it): "unset-fallback" (a JSON object taken as the Unset
          sentinel of an OptionalNullable property), "open-union-fallback" (an object taken as the
          Unknown* member of an open union), "open-enum-null" (null taken for an open enum), or,
          when the schema refuses the body and none of those shows, "coercion" (lax conversion of a
          scalar: "0.5" → 0.5, "yes" → true, 1 → true).
label:    "<kind>: <where> <what>", unique per endpoint. The kind says what the case was made as,
          not what the SDK says of it:
            valid          a realistic request, as an application or SDK sends it
            unknown-field  a property the SDK models do not know (they ignore such keys)
            edge           valid by the schema but odd (messages [], explicit nulls)
            minimal        the smallest instance of one variant of a union, made from the schema
            wrong-type     a JSON type the schema does not allow there
            coercible      a wrong JSON type that lax pydantic may convert ("0.5", "true", 1, 2.0)
            null           null where the schema does not allow it
            missing        a required property left out
            bad-enum       a string outside an enum (most of the SDK's enums are open)
            bad-tag        an unknown value of a tagged union's tag (role, type, id)
            bad-body       a body that is not a JSON object
            invalid        hand-written requests that are wrong in a way a client gets wrong
Generated from the schema without randomness: the same schema file gives the same cases, in order.
"""

from __future__ import annotations

import copy
import functools
import json
import sys
import types
import typing
import warnings
from collections import Counter
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = REPO / "schemas" / "openrouter-requests.json"
ENDPOINTS = ("chat/completions", "responses", "messages", "embeddings")
ALL_TYPES = frozenset({"string", "number", "integer", "boolean", "array", "object", "null"})

CHAT_MODEL = "openai/gpt-4o-mini"
CLAUDE = "anthropic/claude-sonnet-4"
EMBEDDER = "openai/text-embedding-3-small"
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
PDF = "JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PC9UeXBlL0NhdGFsb2c+PgplbmRvYmoKdHJhaWxlcgo8PC9Sb290IDEgMCBSPj4KJSVFT0YK"
WEATHER_PARAMS = {
    "type": "object",
    "properties": {"city": {"type": "string"}, "unit": {"type": "string", "enum": ["c", "f"]}},
    "required": ["city"],
    "additionalProperties": False,
}
WEATHER_SCHEMA = {
    "type": "object",
    "properties": {"city": {"type": "string"}, "temperature": {"type": "number"}},
    "required": ["city", "temperature"],
    "additionalProperties": False,
}

BASE = {
    "chat/completions": {"model": CHAT_MODEL, "messages": [{"role": "user", "content": "Hello"}]},
    "responses": {"model": CHAT_MODEL, "input": "Hello"},
    "messages": {"model": CLAUDE, "max_tokens": 256, "messages": [{"role": "user", "content": "Hello"}]},
    "embeddings": {"model": EMBEDDER, "input": "hello"},
}


# ---------------------------------------------------------------------------------------------
# The SDK and the schema


@functools.cache
def sdk_models() -> dict[str, Any]:
    from openrouter import components
    from openrouter.operations import createembeddings

    return {
        "chat/completions": components.ChatRequest,
        "responses": components.ResponsesRequest,
        "messages": components.MessagesRequest,
        "embeddings": createembeddings.CreateEmbeddingsRequestBody,
    }


def sdk_validate(endpoint: str, body: Any) -> Any:
    """The SDK model instance, or None when the SDK refuses the body."""
    try:
        with warnings.catch_warnings():  # validating deprecated fields warns
            warnings.simplefilter("ignore")
            return sdk_models()[endpoint].model_validate(body)
    except (ValueError, TypeError):  # pydantic's ValidationError is a ValueError
        return None


def sdk_accepts(endpoint: str, body: Any) -> bool:
    return sdk_validate(endpoint, body) is not None


def _allows_none(annotation: Any) -> bool:
    if annotation is type(None) or annotation is Any:
        return True
    value = getattr(annotation, "__value__", None)  # a TypeAliasType (Nullable, OptionalNullable)
    if value is not None:
        return _allows_none(value)
    origin = typing.get_origin(annotation)
    if origin is not None and hasattr(origin, "__value__"):  # Nullable[float]
        return _allows_none(origin.__value__)
    if origin is typing.Annotated:
        return _allows_none(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return any(_allows_none(arg) for arg in typing.get_args(annotation))
    return False


def sdk_fallbacks(instance: Any) -> list[str]:
    """How the SDK took values that do not fit their declared type, seen in the validated instance:
    unset-fallback   a JSON object became the Unset sentinel (a property typed OptionalNullable)
    open-union-fallback  an object became an Unknown* member of an open union
    open-enum-null   null was taken for an open enum (Union[Literal[...], UnrecognizedStr])."""
    import pydantic

    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, pydantic.BaseModel):
            if type(value).__name__.startswith("Unknown") and hasattr(value, "raw"):
                found.add("open-union-fallback")
                return
            for name, field in type(value).model_fields.items():
                item = getattr(value, name)
                if name in value.model_fields_set:
                    if type(item).__name__ == "Unset":
                        found.add("unset-fallback")
                    elif item is None and not _allows_none(field.annotation):
                        found.add("open-enum-null")
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)

    with warnings.catch_warnings():  # reading deprecated fields warns
        warnings.simplefilter("ignore")
        walk(instance)
    return sorted(found)


@functools.cache
def schemas() -> dict[str, dict]:
    return json.loads(SCHEMAS.read_text())["endpoints"]


@functools.cache
def _validators() -> dict[str, Any] | None:
    try:
        import jsonschema
    except ImportError:
        return None
    return {endpoint: jsonschema.Draft202012Validator(schema) for endpoint, schema in schemas().items()}


def schema_accepts(endpoint: str, body: Any) -> bool | None:
    validators = _validators()
    if validators is None:
        return None
    return validators[endpoint].is_valid(body)


class Schema:
    """Reading one endpoint's schema: references, union branches, JSON types, minimal instances."""

    def __init__(self, root: dict):
        self.root = root
        self.defs = root.get("$defs", {})

    def resolve(self, node: dict) -> dict:
        while isinstance(node, dict) and "$ref" in node:
            node = self.defs[node["$ref"].rsplit("/", 1)[-1]]
        return node

    def branches(self, node: dict) -> list[dict]:
        """The alternatives of a schema, unions flattened, references resolved."""
        node = self.resolve(node)
        for key in ("anyOf", "oneOf"):
            if key in node:
                return [b for branch in node[key] for b in self.branches(branch)]
        return [node]

    def types(self, node: dict) -> set[str]:
        found: set[str] = set()
        for branch in self.branches(node):
            if "type" in branch:
                kinds = branch["type"] if isinstance(branch["type"], list) else [branch["type"]]
                found.update(kinds)
            elif "const" in branch:
                found.add(_json_type(branch["const"]))
            else:
                found.update(ALL_TYPES)
        if "integer" in found or "number" in found:
            found.add("integer")
        return found

    def tag(self, node: dict) -> str | None:
        """The tag property of a tagged union (oneOf with a discriminator)."""
        node = self.resolve(node)
        if "discriminator" in node:
            return node["discriminator"]["propertyName"]
        for key in ("anyOf", "oneOf"):
            for branch in node.get(key, []):
                found = self.tag(branch)
                if found:
                    return found
        return None

    def variants(self, node: dict) -> list[tuple[str, dict]]:
        """(name, object schema) for each object alternative that has properties."""
        out = []
        name = node.get("$ref", "").rsplit("/", 1)[-1]
        node = self.resolve(node)
        if not ({"anyOf", "oneOf"} & set(node)):
            return [(name or "object", node)] if node.get("type") == "object" and node.get("properties") else []
        raw = node.get("anyOf", node.get("oneOf"))
        for branch in raw:
            name = branch.get("$ref", "").rsplit("/", 1)[-1]
            resolved = self.resolve(branch)
            if {"anyOf", "oneOf"} & set(resolved):
                out.extend(self.variants(resolved))
            elif resolved.get("type") == "object" and resolved.get("properties"):
                out.append((name or "object", resolved))
        return out

    def item_schemas(self, node: dict) -> list[dict]:
        return [b["items"] for b in self.branches(node) if b.get("type") == "array" and "items" in b]

    def enum_values(self, node: dict) -> list:
        values = []
        for branch in self.branches(node):
            values.extend(branch.get("enum", []))
            if "const" in branch and isinstance(branch["const"], str):
                values.append(branch["const"])
        return values

    def minimal(self, node: dict, depth: int = 0) -> Any:
        node = self.resolve(node)
        if depth > 12:
            return None
        if "const" in node:
            return node["const"]
        if "enum" in node:
            return node["enum"][0]
        for key in ("oneOf", "anyOf"):
            if key in node:
                for branch in node[key]:
                    if self.resolve(branch).get("type") != "null":
                        return self.minimal(branch, depth + 1)
                return None
        kind = node.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "null")
        if kind == "object":
            props = node.get("properties", {})
            return {name: self.minimal(props[name], depth + 1) if name in props else "x"
                    for name in node.get("required", [])}
        if kind == "array":
            return []
        if kind == "string":
            return "2025-01-01" if node.get("format") == "date" else "x"
        if kind == "integer":
            return 1
        if kind == "number":
            return 0.5
        if kind == "boolean":
            return True
        if kind == "null":
            return None
        return "x"


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def wrong_values(types: set[str], full: bool) -> list[tuple[str, Any]]:
    """(kind, value) pairs of JSON types outside `types`. full: all of them, else one structural."""
    out: list[tuple[str, Any]] = []
    numeric = bool(types & {"number", "integer"})
    if "string" not in types:
        out.append(("wrong-type", "zzz"))
    elif not numeric:
        out.append(("wrong-type", 12345))
    if "object" not in types:
        out.append(("wrong-type", {"unexpected": 1}))
    if "array" not in types:
        out.append(("wrong-type", ["x"]))
    if not full:
        out = out[:1]
    if "null" not in types:
        out.append(("null", None))
    if "string" not in types:
        if numeric:
            out.append(("coercible", "1"))
        if "boolean" in types:
            out.append(("coercible", "true"))
    if full:
        if "boolean" in types and not numeric:
            out.append(("coercible", 1))
        if numeric and "boolean" not in types:
            out.append(("coercible", True))
        if "integer" in types and "number" not in types:
            out.append(("coercible", 2.0))
            out.append(("wrong-type", 1.5))
        if "boolean" not in types and not numeric and "string" in types and full:
            out.append(("wrong-type", True))
    return out


# ---------------------------------------------------------------------------------------------
# Building the cases


class Builder:
    def __init__(self):
        self.cases: list[dict] = []
        self.seen_labels: set[tuple[str, str]] = set()
        self.seen_bodies: set[tuple[str, str]] = set()

    def add(self, endpoint: str, body: Any, label: str) -> None:
        key = json.dumps(body, sort_keys=True)
        if (endpoint, label) in self.seen_labels or (endpoint, key) in self.seen_bodies:
            return
        self.seen_labels.add((endpoint, label))
        self.seen_bodies.add((endpoint, key))
        self.cases.append({"endpoint": endpoint, "body": body, "label": label})


def _show(value: Any) -> str:
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _with(body: dict, path: list, value: Any, delete: bool = False) -> dict:
    out = copy.deepcopy(body)
    node = out
    for key in path[:-1]:
        node = node[key]
    if delete:
        node.pop(path[-1], None)
    else:
        node[path[-1]] = value
    return out


def probe_object(b: Builder, endpoint: str, s: Schema, body: dict, path: list, where: str,
                 variant: dict, full: bool) -> None:
    """Cases inside one object variant placed at `path` of `body` (which holds a valid instance)."""
    tag = None
    for name, prop in sorted(variant.get("properties", {}).items()):
        const = s.resolve(prop).get("const")
        if isinstance(const, str) and name in variant.get("required", []):
            tag = name
            b.add(endpoint, _with(body, path + [name], "bogus-tag"), f"bad-tag: {where}.{name} = \"bogus-tag\"")
            continue
        types = s.types(prop)
        for kind, value in wrong_values(types, full):
            b.add(endpoint, _with(body, path + [name], value), f"{kind}: {where}.{name} = {_show(value)}")
        enums = s.enum_values(prop)
        if enums and "extreme" not in enums:
            b.add(endpoint, _with(body, path + [name], "extreme"), f"bad-enum: {where}.{name} = \"extreme\"")
    for name in variant.get("required", []):
        if name != tag:
            b.add(endpoint, _with(body, path + [name], None, delete=True), f"missing: {where}.{name}")
    if tag:
        b.add(endpoint, _with(body, path + [tag], None, delete=True), f"missing: {where}.{tag} (the tag)")
    b.add(endpoint, _with(body, path + ["x_unknown_field"], 1), f"unknown-field: {where}.x_unknown_field")


def probe_slot(b: Builder, endpoint: str, s: Schema, body: dict, path: list, where: str,
               node: dict, depth: int) -> None:
    """Cases for one property: wrong JSON types for it, then inside each object variant of it (or of
    its array items), down to `depth` more levels."""
    if path:
        for kind, value in wrong_values(s.types(node), full=depth > 0):
            b.add(endpoint, _with(body, path, value), f"{kind}: {where} = {_show(value)}")
        enums = s.enum_values(node)
        if enums and "extreme" not in enums and not s.variants(node):
            b.add(endpoint, _with(body, path, "extreme"), f"bad-enum: {where} = \"extreme\"")
    if depth <= 0:
        return
    for name, variant in s.variants(node):
        instance = s.minimal(variant)
        placed = _with(body, path, instance)
        label_where = f"{where}<{name}>"
        b.add(endpoint, placed, f"minimal: {label_where} = {_show(instance)}")
        if sdk_accepts(endpoint, placed) and schema_accepts(endpoint, placed) is not False:
            probe_object(b, endpoint, s, placed, path, label_where, variant, full=depth > 1)
    for items in s.item_schemas(node):
        for name, variant in s.variants(items):
            instance = s.minimal(variant)
            placed = _with(body, path, [instance])
            label_where = f"{where}[0]<{name}>"
            b.add(endpoint, placed, f"minimal: {label_where} = {_show(instance)}")
            if sdk_accepts(endpoint, placed) and schema_accepts(endpoint, placed) is not False:
                probe_object(b, endpoint, s, placed, path + [0], label_where, variant, full=depth > 1)


def generated(b: Builder) -> None:
    for endpoint in ENDPOINTS:
        s = Schema(schemas()[endpoint])
        base = BASE[endpoint]
        for name, prop in sorted(s.root["properties"].items()):
            probe_slot(b, endpoint, s, base, [name], name, prop, depth=1)
        for name in s.root.get("required", []):
            b.add(endpoint, _with(base, [name], None, delete=True), f"missing: {name}")
        b.add(endpoint, _with(base, ["x_unknown_field"], {"a": 1}), "unknown-field: x_unknown_field")
        for value in ([], "hello", None, 5):
            b.add(endpoint, value, f"bad-body: {_show(value)}")
    # Two levels down where requests carry their structure: the content parts of a message.
    parts = {
        "chat/completions": (["messages", 0, "content"], {"model": CHAT_MODEL, "messages": [{"role": "user", "content": []}]},
                             "ChatUserMessage", "content"),
        "responses": (["input", 0, "content"], {"model": CHAT_MODEL, "input": [{"role": "user", "content": []}]},
                      "EasyInputMessage", "content"),
        "messages": (["messages", 0, "content"], {"model": CLAUDE, "max_tokens": 256, "messages": [{"role": "user", "content": []}]},
                     "MessagesMessageParam", "content"),
        "embeddings": (["input", 0, "content"], {"model": EMBEDDER, "input": [{"content": []}]}, "Input", "content"),
    }
    for endpoint, (path, body, holder, prop) in parts.items():
        s = Schema(schemas()[endpoint])
        node = s.defs[holder]["properties"][prop]
        where = ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in path).replace(".[", "[")
        for items in s.item_schemas(node):
            for name, variant in s.variants(items):
                instance = s.minimal(variant)
                placed = _with(body, path, [instance])
                label_where = f"{where}[0]<{name}>"
                b.add(endpoint, placed, f"minimal: {label_where} = {_show(instance)}")
                if sdk_accepts(endpoint, placed) and schema_accepts(endpoint, placed) is not False:
                    probe_object(b, endpoint, s, placed, path + [0], label_where, variant, full=False)
            bogus = _with(body, path, [{"type": "bogus-part", "text": "hi"}])
            b.add(endpoint, bogus, f"bad-tag: {where}[0].type = \"bogus-part\"")
            b.add(endpoint, _with(body, path, [{"text": "hi"}]), f"missing: {where}[0].type (the tag)")
            b.add(endpoint, _with(body, path, ["hi"]), f"wrong-type: {where}[0] = \"hi\"")


# ---------------------------------------------------------------------------------------------
# Hand-written requests


def chat(**extra) -> dict:
    return {"model": CHAT_MODEL, "messages": [{"role": "user", "content": "Hello"}], **extra}


def chat_messages(*messages: dict, **extra) -> dict:
    return {"model": CHAT_MODEL, "messages": list(messages), **extra}


WEATHER_TOOL = {"type": "function", "function": {"name": "get_weather", "description": "Weather in a city",
                                                 "parameters": WEATHER_PARAMS}}
TOOL_CALL = {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\": \"Paris\"}"}}
USER = {"role": "user", "content": "What is the weather in Paris?"}
SYSTEM = {"role": "system", "content": "You are terse."}


def chat_cases() -> list[tuple[str, Any]]:
    round_trip = [SYSTEM, USER, {"role": "assistant", "content": None, "tool_calls": [TOOL_CALL]},
                  {"role": "tool", "tool_call_id": "call_1", "content": "{\"temp_c\": 21}"}]
    image = {"role": "user", "content": [
        {"type": "text", "text": "What is in this image?"},
        {"type": "image_url", "image_url": {"url": "https://example.com/cat.png", "detail": "high"}}]}
    return [
        ("valid: minimal request", chat()),
        ("valid: system and user", chat_messages(SYSTEM, USER)),
        ("valid: multi-turn", chat_messages(SYSTEM, {"role": "user", "content": "Hi"},
                                            {"role": "assistant", "content": "Hello! How can I help?"}, USER)),
        ("valid: sampling parameters", chat(temperature=0.7, top_p=0.9, max_tokens=256, seed=42,
                                            frequency_penalty=0.5, presence_penalty=-0.5, top_k=40,
                                            repetition_penalty=1.1, min_p=0.05, top_a=0.1)),
        ("valid: max_completion_tokens", chat(max_completion_tokens=1024)),
        ("valid: stream with usage", chat(stream=True, stream_options={"include_usage": True})),
        ("valid: stream false", chat(stream=False)),
        ("valid: tools with tool_choice auto", chat_messages(USER, tools=[WEATHER_TOOL], tool_choice="auto")),
        ("valid: tool_choice required", chat_messages(USER, tools=[WEATHER_TOOL], tool_choice="required")),
        ("valid: tool_choice none", chat_messages(USER, tools=[WEATHER_TOOL], tool_choice="none")),
        ("valid: named tool_choice", chat_messages(USER, tools=[WEATHER_TOOL],
                                                  tool_choice={"type": "function", "function": {"name": "get_weather"}})),
        ("valid: strict function tool", chat_messages(USER, tools=[{"type": "function", "function": {
            "name": "get_weather", "parameters": WEATHER_PARAMS, "strict": True}}], parallel_tool_calls=False)),
        ("valid: tool call round trip", chat_messages(*round_trip, tools=[WEATHER_TOOL])),
        ("valid: two parallel tool calls answered", chat_messages(
            USER, {"role": "assistant", "content": "", "tool_calls": [
                TOOL_CALL, {**TOOL_CALL, "id": "call_2", "function": {"name": "get_weather", "arguments": "{\"city\": \"Rome\"}"}}]},
            {"role": "tool", "tool_call_id": "call_1", "content": "21"},
            {"role": "tool", "tool_call_id": "call_2", "content": [{"type": "text", "text": "25"}]},
            tools=[WEATHER_TOOL])),
        ("valid: reasoning effort", chat(reasoning={"effort": "high"})),
        ("valid: reasoning summary", chat(reasoning={"effort": "low", "summary": "auto"})),
        ("valid: reasoning max_tokens (not in the SDK model)", chat(reasoning={"max_tokens": 2000, "exclude": False})),
        ("valid: reasoning_effort shorthand", chat(reasoning_effort="minimal")),
        ("valid: assistant reasoning replayed", chat_messages(
            USER, {"role": "assistant", "content": "Sunny.", "reasoning": "It is July.",
                   "reasoning_details": [{"type": "reasoning.text", "text": "It is July.", "signature": "sig"}]},
            {"role": "user", "content": "Thanks"})),
        ("valid: provider preferences", chat(provider={
            "order": ["anthropic", "openai"], "allow_fallbacks": False, "require_parameters": True,
            "data_collection": "deny", "sort": "price", "only": ["openai", "azure"], "ignore": ["deepinfra"],
            "quantizations": ["fp8", "bf16"], "max_price": {"prompt": "1", "completion": "2"}, "zdr": True})),
        ("valid: provider sort throughput", chat(provider={"sort": "throughput"})),
        ("valid: models fallback list", {"models": ["anthropic/claude-3.5-sonnet", "openai/gpt-4o"],
                                         "messages": [USER]}),
        ("valid: model and models with route", chat(models=["openai/gpt-4o"], route="fallback")),
        ("valid: response_format json_schema", chat(response_format={
            "type": "json_schema", "json_schema": {"name": "weather", "strict": True, "schema": WEATHER_SCHEMA}})),
        ("valid: response_format json_object", chat(response_format={"type": "json_object"})),
        ("valid: response_format text", chat(response_format={"type": "text"})),
        ("valid: image url part", chat_messages(image)),
        ("valid: image data url part", chat_messages({"role": "user", "content": [
            {"type": "image_url", "image_url": {"url": "data:image/png;base64," + PNG}}]})),
        ("valid: audio part", chat_messages({"role": "user", "content": [
            {"type": "text", "text": "Transcribe"}, {"type": "input_audio", "input_audio": {"data": "UklGRg==", "format": "wav"}}]})),
        ("valid: pdf file part", chat_messages({"role": "user", "content": [
            {"type": "file", "file": {"filename": "a.pdf", "file_data": "data:application/pdf;base64," + PDF}},
            {"type": "text", "text": "Summarise"}]}, plugins=[{"id": "file-parser", "pdf": {"engine": "pdf-text"}}])),
        ("valid: web plugin", chat(plugins=[{"id": "web", "max_results": 3}])),
        ("valid: model :online suffix", {"model": "openai/gpt-4o:online", "messages": [USER]}),
        ("valid: stop list", chat(stop=["\n\n", "END"])),
        ("valid: stop string", chat(stop="END")),
        ("valid: logprobs", chat(logprobs=True, top_logprobs=5, logit_bias={"50256": -100})),
        ("valid: metadata, user, session", chat(metadata={"run": "42"}, user="user-1", session_id="sess-1",
                                                trace={"trace_id": "t1", "span_name": "s"})),
        ("valid: image output modalities", chat(modalities=["image", "text"])),
        ("valid: prediction", chat(prediction={"type": "content", "content": "def hello():"})),
        ("valid: cache_control on a text part", chat_messages({"role": "system", "content": [
            {"type": "text", "text": "long context", "cache_control": {"type": "ephemeral"}}]}, USER)),
        ("valid: top-level cache_control", chat(cache_control={"type": "ephemeral", "ttl": "1h"})),
        ("valid: developer message", chat_messages({"role": "developer", "content": "Be brief."}, USER)),
        ("valid: named user and assistant prefill", chat_messages(
            {"role": "user", "content": "Hi", "name": "alice"}, {"role": "assistant", "content": "Hello,"})),
        ("valid: service_tier flex", chat(service_tier="flex")),
        ("valid: every OpenAI SDK default null", chat(temperature=None, top_p=None, max_tokens=None, stop=None,
                                                      seed=None, tools=None, tool_choice=None, stream=None)),
        ("edge: messages []", {"model": CHAT_MODEL, "messages": []}),
        ("edge: no model", {"messages": [USER]}),
        ("edge: assistant with only role", chat_messages(USER, {"role": "assistant"})),
        ("edge: max_tokens 0", chat(max_tokens=0)),
        ("edge: temperature 5 (out of the documented 0-2)", chat(temperature=5)),
        ("edge: top_p -1", chat(top_p=-1)),
        ("edge: max_tokens -5", chat(max_tokens=-5)),
        ("edge: empty content string", chat_messages({"role": "user", "content": ""})),
        ("edge: empty content list", chat_messages({"role": "user", "content": []})),
        ("invalid: no messages", {"model": CHAT_MODEL}),
        ("invalid: empty body", {}),
        ("invalid: messages is a string", {"model": CHAT_MODEL, "messages": "Hello"}),
        ("invalid: messages is an object", {"model": CHAT_MODEL, "messages": {"role": "user", "content": "Hello"}}),
        ("invalid: message is a string", chat_messages("Hello")),
        ("invalid: role wizard", chat_messages({"role": "wizard", "content": "Hello"})),
        ("invalid: role function (legacy)", chat_messages({"role": "function", "name": "f", "content": "1"})),
        ("invalid: role missing", chat_messages({"content": "Hello"})),
        ("invalid: role upper case", chat_messages({"role": "USER", "content": "Hello"})),
        ("invalid: user content missing", chat_messages({"role": "user"})),
        ("invalid: user content number", chat_messages({"role": "user", "content": 42})),
        ("invalid: user content null", chat_messages({"role": "user", "content": None})),
        ("invalid: tool message without tool_call_id", chat_messages(USER, {"role": "assistant", "tool_calls": [TOOL_CALL]},
                                                                     {"role": "tool", "content": "21"})),
        ("invalid: tool message content object", chat_messages(USER, {"role": "assistant", "tool_calls": [TOOL_CALL]},
                                                               {"role": "tool", "tool_call_id": "call_1", "content": {"temp": 21}})),
        ("invalid: tool message tool_call_id number", chat_messages(USER, {"role": "tool", "tool_call_id": 1, "content": "21"})),
        ("invalid: tool_calls not a list", chat_messages(USER, {"role": "assistant", "tool_calls": TOOL_CALL})),
        ("invalid: tool call without id", chat_messages(USER, {"role": "assistant", "tool_calls": [
            {"type": "function", "function": {"name": "f", "arguments": "{}"}}]})),
        ("invalid: tool call arguments as an object", chat_messages(USER, {"role": "assistant", "tool_calls": [
            {"id": "c", "type": "function", "function": {"name": "f", "arguments": {"city": "Paris"}}}]})),
        ("invalid: tool without function", chat(tools=[{"type": "function"}])),
        ("invalid: tool function without name", chat(tools=[{"type": "function", "function": {"parameters": WEATHER_PARAMS}}])),
        ("invalid: tool type bogus (a dynamic server tool to the SDK)", chat(tools=[{"type": "bogus", "function": {"name": "f"}}])),
        ("invalid: tools is an object", chat(tools=WEATHER_TOOL)),
        ("invalid: tool_choice sometimes", chat(tools=[WEATHER_TOOL], tool_choice="sometimes")),
        ("invalid: named tool_choice without function", chat(tools=[WEATHER_TOOL], tool_choice={"type": "function"})),
        ("invalid: reasoning.effort extreme", chat(reasoning={"effort": "extreme"})),
        ("invalid: reasoning_effort extreme", chat(reasoning_effort="extreme")),
        ("invalid: reasoning is a string", chat(reasoning="high")),
        ("invalid: response_format json_schema without json_schema", chat(response_format={"type": "json_schema"})),
        ("invalid: response_format json_schema without name", chat(response_format={
            "type": "json_schema", "json_schema": {"schema": WEATHER_SCHEMA}})),
        ("invalid: response_format type bogus", chat(response_format={"type": "yaml"})),
        ("invalid: response_format a string", chat(response_format="json")),
        ("invalid: image part without image_url", chat_messages({"role": "user", "content": [{"type": "image_url"}]})),
        ("invalid: image_url a string (old shape)", chat_messages({"role": "user", "content": [
            {"type": "image_url", "image_url": "https://example.com/cat.png"}]})),
        ("invalid: text part text number", chat_messages({"role": "user", "content": [{"type": "text", "text": 5}]})),
        ("invalid: text part type bogus", chat_messages({"role": "user", "content": [{"type": "txt", "text": "hi"}]})),
        ("invalid: stop number", chat(stop=5)),
        ("invalid: stop list of numbers", chat(stop=[1, 2])),
        ("invalid: model number", {"model": 4, "messages": [USER]}),
        ("invalid: models a string", chat(models="openai/gpt-4o")),
        ("invalid: provider order a string", chat(provider={"order": "openai"})),
        ("invalid: provider allow_fallbacks a string", chat(provider={"allow_fallbacks": "no"})),
        ("invalid: provider max_price a number", chat(provider={"max_price": 1})),
        ("invalid: provider a list", chat(provider=["openai"])),
        ("invalid: stream_options a bool", chat(stream=True, stream_options=True)),
        ("invalid: metadata value a number", chat(metadata={"run": 42})),
        ("invalid: logit_bias value a string", chat(logit_bias={"50256": "ban"})),
        ("invalid: plugin without id", chat(plugins=[{"max_results": 3}])),
        ("invalid: plugin id bogus", chat(plugins=[{"id": "telepathy"}])),
        ("invalid: temperature a word", chat(temperature="hot")),
        ("invalid: temperature an object", chat(temperature={"value": 0.5})),
        ("invalid: max_tokens a list", chat(max_tokens=[100])),
        ("invalid: modalities a string", chat(modalities="image")),
        ("invalid: prediction type bogus", chat(prediction={"type": "guess", "content": "x"})),
        ("invalid: session_id a number", chat(session_id=7)),
    ]


def chat_coercions() -> list[tuple[str, Any]]:
    probes = [
        ("temperature", "0.5"), ("temperature", " 0.5 "), ("temperature", "1e-1"), ("temperature", "abc"),
        ("temperature", True), ("temperature", 1), ("temperature", "inf"), ("temperature", "NaN"),
        ("temperature", {}), ("temperature", []),
        ("stream", "true"), ("stream", "True"), ("stream", "yes"), ("stream", "on"), ("stream", "1"),
        ("stream", "false"), ("stream", "off"), ("stream", "no"), ("stream", "0"), ("stream", "t"), ("stream", "y"),
        ("stream", 1), ("stream", 0), ("stream", 2), ("stream", 1.0), ("stream", 0.0), ("stream", 0.5),
        ("stream", "maybe"),
        ("max_tokens", 1.0), ("max_tokens", 1.5), ("max_tokens", "10"), ("max_tokens", "10.0"),
        ("max_tokens", " 10 "), ("max_tokens", "1e3"), ("max_tokens", "10.5"), ("max_tokens", True),
        ("max_tokens", 1e20),
        ("seed", "7"), ("top_k", "40"), ("logprobs", "false"), ("logprobs", 0),
        ("model", 5), ("model", True), ("user", 5), ("session_id", 1.5), ("stop", 5),
        ("models", "openai/gpt-4o"), ("models", [5]), ("metadata", {"k": 1}), ("logit_bias", {"1": "2"}),
        ("logit_bias", {"1": "x"}), ("parallel_tool_calls", "false"),
    ]
    return [(f"coercible: {name} = {_show(value)}", chat(**{name: value})) for name, value in probes] + [
        ("coercible: messages[0].content = 5", chat_messages({"role": "user", "content": 5})),
        ("coercible: messages[0].role = \"user \"", chat_messages({"role": "user ", "content": "hi"})),
        ("coercible: messages[0].name = 5", chat_messages({"role": "user", "content": "hi", "name": 5})),
    ]


def responses_cases() -> list[tuple[str, Any]]:
    fn_tool = {"type": "function", "name": "get_weather", "description": "Weather in a city",
               "parameters": WEATHER_PARAMS, "strict": True}
    call = {"type": "function_call", "call_id": "call_1", "name": "get_weather", "arguments": "{\"city\": \"Paris\"}"}
    output = {"type": "function_call_output", "call_id": "call_1", "output": "{\"temp_c\": 21}"}
    user = {"role": "user", "content": "What is the weather in Paris?"}

    def r(**extra):
        return {"model": CHAT_MODEL, "input": "Hello", **extra}

    return [
        ("valid: input string", r()),
        ("valid: input message list", r(input=[user])),
        ("valid: typed message with parts", r(input=[{"type": "message", "role": "user", "content": [
            {"type": "input_text", "text": "What is in this image?"},
            {"type": "input_image", "image_url": "https://example.com/cat.png", "detail": "auto"}]}])),
        ("valid: image data url", r(input=[{"role": "user", "content": [
            {"type": "input_image", "image_url": "data:image/png;base64," + PNG, "detail": "low"}]}])),
        ("valid: input file", r(input=[{"role": "user", "content": [
            {"type": "input_file", "filename": "a.pdf", "file_data": "data:application/pdf;base64," + PDF},
            {"type": "input_text", "text": "Summarise"}]}])),
        ("valid: instructions and limits", r(instructions="Be terse.", max_output_tokens=512, temperature=0.2, top_p=0.9)),
        ("valid: system and developer messages", r(input=[{"role": "system", "content": "Be terse."},
                                                         {"role": "developer", "content": "No emoji."}, user])),
        ("valid: multi-turn with assistant output", r(input=[
            {"role": "user", "content": "Hi"},
            {"type": "message", "role": "assistant", "id": "msg_1", "status": "completed",
             "content": [{"type": "output_text", "text": "Hello!", "annotations": []}]},
            {"role": "user", "content": "Bye"}])),
        ("valid: function tool", r(input=[user], tools=[fn_tool], tool_choice="auto")),
        ("valid: tool_choice required", r(input=[user], tools=[fn_tool], tool_choice="required")),
        ("valid: named tool_choice", r(input=[user], tools=[fn_tool], tool_choice={"type": "function", "name": "get_weather"})),
        ("valid: function call round trip", r(input=[user, call, output], tools=[fn_tool])),
        ("valid: parallel_tool_calls and max_tool_calls", r(tools=[fn_tool], parallel_tool_calls=True, max_tool_calls=3)),
        ("valid: reasoning", r(reasoning={"effort": "high", "summary": "auto"})),
        ("valid: reasoning max_tokens", r(reasoning={"max_tokens": 1000, "enabled": True})),
        ("valid: include encrypted reasoning", r(include=["reasoning.encrypted_content"], store=False)),
        ("valid: text json_schema format", r(text={"format": {"type": "json_schema", "name": "weather",
                                                              "schema": WEATHER_SCHEMA, "strict": True}})),
        ("valid: text json_object format", r(text={"format": {"type": "json_object"}, "verbosity": "low"})),
        ("valid: stream", r(stream=True)),
        ("valid: previous_response_id", r(previous_response_id="resp_123")),
        ("valid: provider, models, plugins", r(provider={"order": ["openai"], "allow_fallbacks": True},
                                               models=["openai/gpt-4o", "anthropic/claude-sonnet-4"],
                                               plugins=[{"id": "web", "max_results": 2}])),
        ("valid: web search tool", r(tools=[{"type": "web_search_preview"}])),
        ("valid: openrouter web search server tool", r(tools=[{"type": "openrouter:web_search"}])),
        ("valid: metadata, user, session, truncation", r(metadata={"run": "1"}, user="u", session_id="s",
                                                         truncation="auto", service_tier="auto")),
        ("valid: reasoning item replayed", r(input=[user, {"type": "reasoning", "id": "rs_1", "summary": [
            {"type": "summary_text", "text": "Thinking"}], "encrypted_content": "gAAAA"}, call, output])),
        ("valid: OpenAI SDK nulls", r(temperature=None, top_p=None, max_output_tokens=None, tools=None,
                                      instructions=None, previous_response_id=None)),
        ("edge: no model", {"input": "Hello"}),
        ("edge: no input", {"model": CHAT_MODEL}),
        ("edge: input []", r(input=[])),
        ("edge: empty body", {}),
        ("invalid: input a number", r(input=5)),
        ("invalid: input an object", r(input={"role": "user", "content": "Hello"})),
        ("invalid: role wizard", r(input=[{"role": "wizard", "content": "Hello"}])),
        ("invalid: message without role", r(input=[{"type": "message", "content": "Hello"}])),
        ("invalid: content part type bogus", r(input=[{"role": "user", "content": [{"type": "text", "text": "Hello"}]}])),
        ("invalid: input_image without detail", r(input=[{"role": "user", "content": [
            {"type": "input_image", "image_url": "https://example.com/cat.png"}]}])),
        ("invalid: function_call without call_id", r(input=[user, {"type": "function_call", "name": "f", "arguments": "{}"}])),
        ("invalid: function_call arguments object", r(input=[user, {**call, "arguments": {"city": "Paris"}}])),
        ("invalid: function_call_output without output", r(input=[user, call, {"type": "function_call_output", "call_id": "call_1"}])),
        ("invalid: item type bogus", r(input=[{"type": "bogus_item", "id": "x"}])),
        ("invalid: function tool without name", r(tools=[{"type": "function", "parameters": WEATHER_PARAMS}])),
        ("invalid: chat-style function tool", r(tools=[{"type": "function", "function": {"name": "f", "parameters": WEATHER_PARAMS}}])),
        ("invalid: tool type bogus", r(tools=[{"type": "telepathy"}])),
        ("invalid: tool_choice sometimes", r(tool_choice="sometimes")),
        ("invalid: reasoning.effort extreme", r(reasoning={"effort": "extreme"})),
        ("invalid: reasoning a string", r(reasoning="high")),
        ("invalid: text.format json_schema without schema", r(text={"format": {"type": "json_schema", "name": "w"}})),
        ("invalid: text.format type bogus", r(text={"format": {"type": "yaml"}})),
        ("invalid: store true", r(store=True)),
        ("invalid: temperature a word", r(temperature="hot")),
        ("invalid: max_output_tokens 1.5", r(max_output_tokens=1.5)),
        ("invalid: include a string", r(include="reasoning.encrypted_content")),
        ("invalid: instructions a list", r(instructions=["Be terse."])),
        ("invalid: metadata value a number", r(metadata={"run": 1})),
        ("invalid: stream yes", r(stream="yes")),
    ]


def messages_cases() -> list[tuple[str, Any]]:
    tool = {"name": "get_weather", "description": "Weather in a city", "input_schema": WEATHER_PARAMS}
    use = {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Paris"}}
    user = {"role": "user", "content": "What is the weather in Paris?"}

    def m(*messages, **extra):
        return {"model": CLAUDE, "max_tokens": 1024, "messages": list(messages) or [user], **extra}

    round_trip = [user, {"role": "assistant", "content": [{"type": "text", "text": "Checking."}, use]},
                  {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "21C"}]}]
    return [
        ("valid: minimal request", m()),
        ("valid: system string", m(system="You are terse.")),
        ("valid: system blocks with cache_control", m(system=[
            {"type": "text", "text": "Long context", "cache_control": {"type": "ephemeral"}}])),
        ("valid: multi-turn", m({"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}, user)),
        ("valid: text blocks", m({"role": "user", "content": [{"type": "text", "text": "Hello"}]})),
        ("valid: base64 image", m({"role": "user", "content": [
            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG}},
            {"type": "text", "text": "What is this?"}]})),
        ("valid: url image", m({"role": "user", "content": [
            {"type": "image", "source": {"type": "url", "url": "https://example.com/cat.png"}}]})),
        ("valid: pdf document", m({"role": "user", "content": [
            {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": PDF}},
            {"type": "text", "text": "Summarise"}]})),
        ("valid: tools with tool_choice auto", m(tools=[tool], tool_choice={"type": "auto"})),
        ("valid: tool_choice any", m(tools=[tool], tool_choice={"type": "any", "disable_parallel_tool_use": True})),
        ("valid: tool_choice tool", m(tools=[tool], tool_choice={"type": "tool", "name": "get_weather"})),
        ("valid: tool_choice none", m(tools=[tool], tool_choice={"type": "none"})),
        ("valid: tool round trip", m(*round_trip, tools=[tool])),
        ("valid: tool_result with blocks and is_error", m(user, {"role": "assistant", "content": [use]},
                                                          {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1",
                                                                                        "is_error": True, "content": [{"type": "text", "text": "timeout"}]}]},
                                                          tools=[tool])),
        ("valid: thinking enabled", m(thinking={"type": "enabled", "budget_tokens": 2048}, max_tokens=4096)),
        ("valid: thinking disabled", m(thinking={"type": "disabled"})),
        ("valid: thinking adaptive", m(thinking={"type": "adaptive"})),
        ("valid: thinking blocks replayed", m(user, {"role": "assistant", "content": [
            {"type": "thinking", "thinking": "Paris in July", "signature": "sig"}, use]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "21C"}]},
            tools=[tool], thinking={"type": "enabled", "budget_tokens": 1024})),
        ("valid: redacted thinking replayed", m(user, {"role": "assistant", "content": [
            {"type": "redacted_thinking", "data": "abc"}, {"type": "text", "text": "Sunny"}]}, {"role": "user", "content": "ok"})),
        ("valid: stream and sampling", m(stream=True, temperature=0.5, top_p=0.9, top_k=40, stop_sequences=["END"])),
        ("valid: metadata user_id", m(metadata={"user_id": "user-1"})),
        ("valid: provider, models, plugins", m(provider={"order": ["anthropic"], "allow_fallbacks": False},
                                               models=[CLAUDE, "anthropic/claude-3.5-haiku"],
                                               plugins=[{"id": "web"}])),
        ("valid: output_config effort", m(output_config={"effort": "low"})),
        ("valid: assistant prefill", m(user, {"role": "assistant", "content": "The weather is"})),
        ("valid: service_tier", m(service_tier="auto")),
        ("valid: Anthropic SDK web search tool", m(tools=[{"type": "web_search_20250305", "name": "web_search", "max_uses": 3}])),
        ("edge: no max_tokens (Anthropic requires it)", {"model": CLAUDE, "messages": [user]}),
        ("edge: messages []", m(messages=[])),
        ("edge: messages null", {"model": CLAUDE, "max_tokens": 10, "messages": None}),
        ("edge: role system in messages", m({"role": "system", "content": "Be terse."}, user)),
        ("invalid: no model", {"max_tokens": 10, "messages": [user]}),
        ("invalid: no messages", {"model": CLAUDE, "max_tokens": 10}),
        ("invalid: messages a string", m(messages="Hello")),
        ("invalid: role wizard", m({"role": "wizard", "content": "Hello"})),
        ("invalid: role missing", m({"content": "Hello"})),
        ("invalid: content missing", m({"role": "user"})),
        ("invalid: content number", m({"role": "user", "content": 5})),
        ("invalid: block type bogus", m({"role": "user", "content": [{"type": "txt", "text": "hi"}]})),
        ("invalid: text block without text", m({"role": "user", "content": [{"type": "text"}]})),
        ("invalid: image without source", m({"role": "user", "content": [{"type": "image"}]})),
        ("invalid: image source type bogus", m({"role": "user", "content": [{"type": "image", "source": {"type": "ftp", "url": "x"}}]})),
        ("invalid: base64 image without data", m({"role": "user", "content": [
            {"type": "image", "source": {"type": "base64", "media_type": "image/png"}}]})),
        ("invalid: tool_use without id", m(user, {"role": "assistant", "content": [{"type": "tool_use", "name": "f", "input": {}}]})),
        ("invalid: tool_result without tool_use_id", m(user, {"role": "assistant", "content": [use]},
                                                       {"role": "user", "content": [{"type": "tool_result", "content": "21C"}]})),
        ("invalid: tool_result content a number", m(user, {"role": "assistant", "content": [use]},
                                                    {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": 21}]})),
        ("invalid: tool without input_schema", m(tools=[{"name": "f", "description": "d"}])),
        ("invalid: tool without name", m(tools=[{"input_schema": WEATHER_PARAMS}])),
        ("invalid: OpenAI-style tool", m(tools=[{"type": "function", "function": {"name": "f", "parameters": WEATHER_PARAMS}}])),
        ("invalid: tool_choice a string", m(tools=[tool], tool_choice="auto")),
        ("invalid: tool_choice tool without name", m(tools=[tool], tool_choice={"type": "tool"})),
        ("invalid: tool_choice type bogus", m(tools=[tool], tool_choice={"type": "sometimes"})),
        ("invalid: thinking enabled without budget_tokens", m(thinking={"type": "enabled"})),
        ("invalid: thinking type bogus", m(thinking={"type": "extreme"})),
        ("invalid: thinking a bool", m(thinking=True)),
        ("invalid: max_tokens a string word", m(max_tokens="many")),
        ("invalid: max_tokens 1.5", m(max_tokens=1.5)),
        ("invalid: stop_sequences a string", m(stop_sequences="END")),
        ("invalid: system a number", m(system=5)),
        ("invalid: system block without text", m(system=[{"type": "text"}])),
        ("invalid: metadata a string", m(metadata="user-1")),
        ("invalid: temperature a word", m(temperature="hot")),
        ("invalid: stream yes", m(stream="yes")),
    ]


def embeddings_cases() -> list[tuple[str, Any]]:
    def e(**extra):
        return {"model": EMBEDDER, "input": "hello", **extra}

    return [
        ("valid: input string", e()),
        ("valid: input strings", e(input=["hello", "world"])),
        ("valid: token ids", e(input=[15339, 1917])),
        ("valid: token id lists", e(input=[[15339], [1917, 0]])),
        ("valid: dimensions and float", e(dimensions=256, encoding_format="float")),
        ("valid: base64 (the OpenAI SDK default)", e(input=["hello"], encoding_format="base64")),
        ("valid: user and input_type", e(user="user-1", input_type="search_query")),
        ("valid: multimodal input", e(input=[{"content": [
            {"type": "text", "text": "a cat"}, {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}]}])),
        ("valid: provider", e(provider={"order": ["openai"], "allow_fallbacks": False})),
        ("valid: session and trace", e(session_id="s", trace={"trace_id": "t"})),
        ("edge: input []", e(input=[])),
        ("edge: input empty string", e(input="")),
        ("edge: dimensions 0", e(dimensions=0)),
        ("invalid: no input", {"model": EMBEDDER}),
        ("invalid: no model", {"input": "hello"}),
        ("invalid: input a number", e(input=5)),
        ("invalid: input an object", e(input={"text": "hello"})),
        ("invalid: input null", e(input=None)),
        ("invalid: mixed strings and numbers", e(input=["hello", 1])),
        ("invalid: list of lists of strings", e(input=[["hello"]])),
        ("invalid: nested too deep", e(input=[[[1]]])),
        ("invalid: multimodal part type bogus", e(input=[{"content": [{"type": "audio", "data": "x"}]}])),
        ("invalid: multimodal without content", e(input=[{"type": "text", "text": "hi"}])),
        ("invalid: dimensions a word", e(dimensions="many")),
        ("invalid: dimensions 1.5", e(dimensions=1.5)),
        ("invalid: encoding_format hex", e(encoding_format="hex")),
        ("invalid: encoding_format a number", e(encoding_format=1)),
        ("invalid: model a number", e(model=1)),
        ("invalid: user a number", e(user=1)),
    ]


def handwritten(b: Builder) -> None:
    for endpoint, made in (("chat/completions", chat_cases), ("chat/completions", chat_coercions),
                           ("responses", responses_cases), ("messages", messages_cases),
                           ("embeddings", embeddings_cases)):
        for label, body in made():
            b.add(endpoint, body, label)


@functools.cache
def _cases() -> tuple[str, ...]:
    b = Builder()
    handwritten(b)
    generated(b)
    for case in b.cases:
        instance = sdk_validate(case["endpoint"], case["body"])
        case["sdk_ok"] = instance is not None
        case["schema_ok"] = schema_accepts(case["endpoint"], case["body"])
        leniency = sdk_fallbacks(instance) if instance is not None else []
        if case["sdk_ok"] and case["schema_ok"] is False and not leniency:
            leniency = ["coercion"]
        case["sdk_leniency"] = leniency
    return tuple(json.dumps(case) for case in b.cases)


def cases() -> list[dict]:
    """Every case, in a fixed order: {endpoint, body, label, sdk_ok, schema_ok, sdk_leniency} (fresh
    copies)."""
    return [json.loads(text) for text in _cases()]


def kind(label: str) -> str:
    return label.split(":", 1)[0]


# ---------------------------------------------------------------------------------------------
# OpenRouter's own rules: what `mockrouter serve --validate` checks besides the schema


NUMERIC_RANGES = {
    # property: (endpoints, minimum, maximum); None: unbounded on that side
    "temperature": (("chat/completions", "responses"), 0, 2),
    "top_p": (("chat/completions", "responses", "messages"), 0, 1),
    "top_k": (("chat/completions", "responses", "messages"), 0, None),
    "frequency_penalty": (("chat/completions", "responses"), -2, 2),
    "presence_penalty": (("chat/completions", "responses"), -2, 2),
    "repetition_penalty": (("chat/completions", "responses"), 0, 2),
    "min_p": (("chat/completions", "responses"), 0, 1),
    "top_a": (("chat/completions", "responses"), 0, 1),
    "max_tokens": (("chat/completions", "messages"), 1, None),
    "max_completion_tokens": (("chat/completions",), 1, None),
    "max_output_tokens": (("responses",), 1, None),
    "top_logprobs": (("chat/completions", "responses"), 0, 20),
    "dimensions": (("embeddings",), 1, None),
}
MESSAGES_TEMPERATURE = (0, 1)


@functools.cache
def reasoning_efforts(endpoint: str) -> tuple[str, ...]:
    """The values the schema lists for reasoning.effort (an open enum to the SDK, closed to OpenRouter)."""
    s = Schema(schemas()[endpoint])
    return tuple(value for branch in s.branches(s.root["properties"]["reasoning"]) if branch.get("type") == "object"
                 for value in s.enum_values(branch["properties"]["effort"]))


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class RuleCheck:
    """The outcome of OpenRouter's rules on one body: `violations` ("$.path: what"), and `unsure`
    (why the rules as specified do not settle the body: such a case is left out of the cross-check)."""

    def __init__(self) -> None:
        self.violations: list[str] = []
        self.unsure: list[str] = []

    def bad(self, path: str, what: str) -> None:
        self.violations.append(f"{path}: {what}")


def openrouter_rules(endpoint: str, body: Any) -> RuleCheck:
    """OpenRouter's rules beyond the SDK models, as the validator's brief states them: numeric ranges,
    a closed reasoning.effort (and chat's reasoning_effort), reasoning effort xor max_tokens,
    transforms, Responses without server-side state, and the coherence of a conversation (tool calls
    answered, answers to calls made, thinking kept in a /messages tool loop). Only bodies that are
    JSON objects are judged."""
    check = RuleCheck()
    if not isinstance(body, dict):
        return check
    for name, (endpoints, low, high) in NUMERIC_RANGES.items():
        value = body.get(name)
        if endpoint not in endpoints or not _number(value):
            continue
        if low is not None and value < low:
            check.bad(f"$.{name}", f"must be at least {low}")
        if high is not None and value > high:
            check.bad(f"$.{name}", f"must be at most {high}")
    if endpoint == "messages" and _number(body.get("temperature")):
        low, high = MESSAGES_TEMPERATURE
        if not low <= body["temperature"] <= high:
            check.bad("$.temperature", f"must be between {low} and {high}")
    reasoning = body.get("reasoning")
    if endpoint in ("chat/completions", "responses") and isinstance(reasoning, dict):
        effort = reasoning.get("effort")
        if isinstance(effort, str) and effort not in reasoning_efforts(endpoint):
            check.bad("$.reasoning.effort", "must be one of the listed values")
        if effort is not None and reasoning.get("max_tokens") is not None:
            check.bad("$.reasoning", "sets both effort and max_tokens")
    shorthand = body.get("reasoning_effort")  # chat's spelling of reasoning.effort: closed the same way
    if endpoint == "chat/completions" and isinstance(shorthand, str) and shorthand not in reasoning_efforts(endpoint):
        check.bad("$.reasoning_effort", "must be one of the listed values")
    transforms = body.get("transforms")
    if isinstance(transforms, list):
        for i, item in enumerate(transforms):
            if item != "middle-out":
                check.bad(f"$.transforms[{i}]", "must be \"middle-out\"")
    if endpoint == "chat/completions":
        _chat_coherence(body, check)
    elif endpoint == "responses":
        if body.get("previous_response_id") is not None:
            check.bad("$.previous_response_id", "server-side state is not kept")
        if body.get("store") is True:
            check.bad("$.store", "server-side state is not kept")
        _responses_coherence(body, check)
    elif endpoint == "messages":
        if "max_tokens" not in body:
            check.bad("$.max_tokens", "required")
        elif body["max_tokens"] is None:
            check.unsure.append("max_tokens null: required, but is null missing?")
        _messages_coherence(body, check)
    return check


def _chat_coherence(body: dict, check: RuleCheck) -> None:
    messages = body.get("messages")
    if messages is None and "messages" in body:
        check.unsure.append("messages null")
    if not isinstance(messages, list):
        return
    if not messages:
        check.bad("$.messages", "must not be empty")
    called: set = set()
    for i, message in enumerate(messages):
        if not isinstance(message, dict):
            continue
        role = message.get("role")
        if role == "tool" and "tool_call_id" in message and message["tool_call_id"] not in called:
            check.bad(f"$.messages[{i}].tool_call_id", "answers no earlier tool call")
        calls = message.get("tool_calls")
        if role != "assistant" or not isinstance(calls, list) or not calls:
            continue
        ids = [c.get("id") for c in calls if isinstance(c, dict)]
        called.update(ids)
        answered, j = set(), i + 1
        while j < len(messages) and isinstance(messages[j], dict) and messages[j].get("role") == "tool":
            answered.add(messages[j].get("tool_call_id"))
            j += 1
        missing = [x for x in ids if x not in answered]
        if missing and j < len(messages):
            check.bad(f"$.messages[{i}].tool_calls", f"unanswered: {missing}")
        elif missing:
            check.unsure.append("tool calls unanswered at the end of the conversation")


def _responses_coherence(body: dict, check: RuleCheck) -> None:
    items = body.get("input")
    if not isinstance(items, list):
        return
    called: set = set()
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        if item.get("type") == "function_call":
            called.add(item.get("call_id"))
        elif item.get("type") == "function_call_output" and "call_id" in item and item["call_id"] not in called:
            check.bad(f"$.input[{i}].call_id", "answers no earlier function_call")


def _blocks(message: Any) -> list[dict]:
    content = message.get("content") if isinstance(message, dict) else None
    return [b for b in content if isinstance(b, dict)] if isinstance(content, list) else []


def _messages_coherence(body: dict, check: RuleCheck) -> None:
    messages = body.get("messages")
    if messages is None and "messages" in body:
        check.unsure.append("messages null")
    if not isinstance(messages, list):
        return
    if not messages:
        check.bad("$.messages", "must not be empty")
    for i, message in enumerate(messages):
        if not isinstance(message, dict):
            continue
        before = messages[i - 1] if i > 0 else None
        offered = ({b.get("id") for b in _blocks(before) if b.get("type") == "tool_use"}
                   if isinstance(before, dict) and before.get("role") == "assistant" else set())
        for k, block in enumerate(_blocks(message)):
            if block.get("type") == "tool_result" and "tool_use_id" in block and block["tool_use_id"] not in offered:
                check.bad(f"$.messages[{i}].content[{k}].tool_use_id", "answers no tool_use of the assistant message before")
        if message.get("role") != "assistant":
            continue
        uses = [b.get("id") for b in _blocks(message) if b.get("type") == "tool_use"]
        if not uses:
            continue
        if i + 1 == len(messages):
            check.unsure.append("tool_use unanswered at the end of the conversation")
            continue
        answered = {b.get("tool_use_id") for b in _blocks(messages[i + 1]) if b.get("type") == "tool_result"}
        if [u for u in uses if u not in answered]:
            check.bad(f"$.messages[{i}].content", "tool_use unanswered in the next user message")
    thinking = body.get("thinking")
    if isinstance(thinking, dict) and thinking.get("type") == "enabled":
        assistants = [(i, m) for i, m in enumerate(messages) if isinstance(m, dict) and m.get("role") == "assistant"]
        if assistants:
            i, last = assistants[-1]
            blocks = _blocks(last)
            if any(b.get("type") == "tool_use" for b in blocks) and (
                    not isinstance(last["content"][0], dict)
                    or last["content"][0].get("type") not in ("thinking", "redacted_thinking")):
                check.bad(f"$.messages[{i}].content[0]", "must be a thinking block (thinking enabled, tool loop)")


# ---------------------------------------------------------------------------------------------
# The cross-check corpus: the SDK's verdict against mockrouter's `--validate strict`

CROSSCHECK_KINDS = {
    # kind: keep every n-th case of it (per endpoint, in corpus order)
    "valid": 1, "edge": 1, "invalid": 1, "bad-tag": 1,
    "minimal": 2, "missing": 5, "unknown-field": 6, "wrong-type": 10, "null": 10,
}

# The deliberate probes of where the SDK and OpenRouter's rules part: (endpoint, label) → reason.
CROSSCHECK_PROBES = {
    ("chat/completions", "coercible: temperature = \"0.5\""):
        "pydantic's lax mode turns the string \"0.5\" into 0.5; JSON types are strict (a string is not a number)",
    ("chat/completions", "invalid: temperature an object"):
        "the SDK takes any JSON object for an OptionalNullable property as its Unset sentinel (drops it)",
    ("chat/completions", "invalid: reasoning.effort extreme"):
        "reasoning.effort is an open enum in the SDK (any string); OpenRouter takes only the listed efforts",
    ("chat/completions", "edge: temperature 5 (out of the documented 0-2)"):
        "the SDK models carry no numeric ranges; OpenRouter's temperature is 0-2",
}


def _replaced_value(label: str) -> str:
    return label.split(" = ", 1)[1] if " = " in label else ""


def _crosscheck_exclusion(case: dict, rules: RuleCheck) -> str | None:
    """Why a case stays out of the cross-check (None: it goes in)."""
    name = kind(case["label"])
    if name not in CROSSCHECK_KINDS:
        return f"kind {name}"  # coercible, bad-enum, bad-body: mostly the SDK's leniencies by design
    if case["sdk_leniency"]:
        return "the SDK accepts it only through a leniency"
    if name == "wrong-type" and _replaced_value(case["label"]).startswith("{"):
        return "an object in a wrong-type slot"  # the Unset sentinel's ground, even where it refuses
    if case["schema_ok"] and rules.unsure:
        return "the rules as stated do not settle it"
    if case["sdk_ok"] and rules.violations:
        return "breaks an OpenRouter rule the SDK models cannot express"
    return None


def _disagreement(case: dict, rules: RuleCheck) -> str | None:
    """The reason the SDK's verdict and mockrouter's are expected to differ, or None."""
    ours = bool(case["schema_ok"]) and not rules.violations
    if case["sdk_ok"] == ours:
        return None
    probe = CROSSCHECK_PROBES.get((case["endpoint"], case["label"]))
    if probe:
        return probe
    if not case["sdk_ok"]:
        return "the schema accepts what the SDK refuses"
    if case["sdk_leniency"]:
        return f"SDK leniency: {', '.join(case['sdk_leniency'])}"
    return f"OpenRouter rule: {rules.violations[0]}"


@functools.cache
def _crosscheck() -> tuple[str, ...]:
    out, strides = [], Counter()
    for case in cases():
        rules = openrouter_rules(case["endpoint"], case["body"])
        key = (case["endpoint"], case["label"])
        if key not in CROSSCHECK_PROBES:
            if _crosscheck_exclusion(case, rules):
                continue
            group = (case["endpoint"], kind(case["label"]))
            strides[group] += 1
            if (strides[group] - 1) % CROSSCHECK_KINDS[kind(case["label"])]:
                continue
        case["rule_violations"] = rules.violations
        case["expected_disagreement"] = _disagreement(case, rules)
        out.append(case)
    missing = set(CROSSCHECK_PROBES) - {(c["endpoint"], c["label"]) for c in out}
    if missing:
        raise RuntimeError(f"cross-check probes not in the corpus any more: {sorted(missing)}")
    return tuple(json.dumps(case) for case in out)


def crosscheck_cases() -> list[dict]:
    """A fixed selection of cases() for checking `mockrouter serve --validate strict` against the
    SDK (fresh copies, corpus order). Each case also carries
      rule_violations        what openrouter_rules() finds in the body ("$.path: what")
      expected_disagreement  None, or why sdk_ok and mockrouter's verdict (the schema plus OpenRouter's
                             rules) are expected to differ.
    In: every valid, edge, invalid (hand-written) and bad-tag case; every 2nd minimal, 5th missing,
    6th unknown-field, 10th wrong-type and 10th null case per endpoint (CROSSCHECK_KINDS).
    Out: the coercible, bad-enum and bad-body kinds; any case the SDK accepts only through a
    leniency (sdk_leniency: coercion, the Unset sentinel, open unions and enums taking null);
    wrong-type cases whose wrong value is an object; bodies the SDK accepts that break an OpenRouter
    rule (ranges, coherence, no server-side state: the behaviour tests' business); bodies the stated
    rules leave open (messages null, tool calls unanswered at the very end).
    Back in, as deliberate probes: the four CROSSCHECK_PROBES, one of each kind of disagreement."""
    return [json.loads(text) for text in _crosscheck()]


def main(argv: list[str]) -> int:
    all_cases = cases()
    if "--json" in argv:
        json.dump(all_cases, sys.stdout, indent=1)
        print()
        return 0
    if "--crosscheck" in argv:
        chosen = crosscheck_cases()
        print(f"{len(chosen)} cross-check cases of {len(all_cases)}")
        print(f"{'endpoint':17} {'cases':>5} {'sdk ok':>7} {'sdk bad':>7}")
        for endpoint in ENDPOINTS:
            mine = [c for c in chosen if c["endpoint"] == endpoint]
            ok = sum(c["sdk_ok"] for c in mine)
            print(f"{endpoint:17} {len(mine):5} {ok:7} {len(mine) - ok:7}")
        print(Counter(kind(c["label"]) for c in chosen))
        listed = [c for c in chosen if c["expected_disagreement"]]
        print(f"expected disagreements: {len(listed)}")
        for c in listed:
            print(f"  {c['endpoint']} {c['label']}\n      {c['expected_disagreement']}")
        return 0
    if "--diff" in argv:
        for case in all_cases:
            if case["schema_ok"] is not None and case["sdk_ok"] != case["schema_ok"]:
                print(f"{case['endpoint']:17} sdk={'ok ' if case['sdk_ok'] else 'bad'} "
                      f"schema={'ok ' if case['schema_ok'] else 'bad'}  {case['label']}")
        return 0
    print(f"{len(all_cases)} cases from {SCHEMAS.relative_to(REPO)}")
    print(f"{'endpoint':17} {'cases':>5} {'sdk ok':>7} {'sdk bad':>7} {'schema ok':>9} {'schema bad':>10} {'differ':>6}")
    for endpoint in ENDPOINTS:
        mine = [c for c in all_cases if c["endpoint"] == endpoint]
        sdk_ok = sum(c["sdk_ok"] for c in mine)
        schema_ok = sum(bool(c["schema_ok"]) for c in mine)
        differ = sum(c["schema_ok"] is not None and c["sdk_ok"] != c["schema_ok"] for c in mine)
        print(f"{endpoint:17} {len(mine):5} {sdk_ok:7} {len(mine) - sdk_ok:7} {schema_ok:9} "
              f"{len(mine) - schema_ok:10} {differ:6}")
    print()
    print(f"{'kind':14} {'cases':>5} {'sdk ok':>7} {'schema ok':>9}")
    by_kind = Counter(kind(c["label"]) for c in all_cases)
    for name, count in sorted(by_kind.items()):
        mine = [c for c in all_cases if kind(c["label"]) == name]
        print(f"{name:14} {count:5} {sum(c['sdk_ok'] for c in mine):7} {sum(bool(c['schema_ok']) for c in mine):9}")
    print()
    print("accepted by the SDK only through a leniency (sdk_leniency):")
    lenient = Counter(reason for c in all_cases for reason in c["sdk_leniency"])
    for reason, count in sorted(lenient.items()):
        print(f"  {reason:20} {count:5}")
    refused = [c for c in all_cases if not c["sdk_ok"] and c["schema_ok"]]
    print(f"refused by the SDK, accepted by the schema: {len(refused)}"
          + "".join(f"\n  {c['endpoint']} {c['label']}" for c in refused))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
