import CassetteFormat
import Playback

/// Chat completions as OpenRouter serves them: `gen-` ids, `provider`, role in every delta,
/// `reasoning` / `reasoning_details` deltas, tool-call fragments, a finish chunk, then a usage
/// chunk with `choices: []` and cost.
struct ChatCompletionsRenderer: DialectRenderer {
    func stream(_ script: ResponseScript) -> RenderedStream {
        let opening = [
            RenderedFrame(SSE.data(chunk(script, delta: emptyDelta)), offsetMs: script.firstTokenMs, tokensSent: 0)
        ]
        var body: [RenderedFrame] = []
        for (i, timed) in script.events.enumerated() {
            body.append(
                RenderedFrame(
                    SSE.data(chunk(script, delta: delta(for: timed.event, script))), offsetMs: timed.offsetMs,
                    tokensSent: i + 1))
        }
        let end = script.lastTokenMs
        let finish = chunk(script, delta: emptyDelta, finish: (script.finishReason, script.nativeFinishReason))
        let usage = JSONValue.object(envelope(script) + [("choices", .array([])), ("usage", usageValue(script.usage))])
        return RenderedStream(
            opening: opening, body: body,
            closing: [
                RenderedFrame(SSE.data(finish), offsetMs: end, tokensSent: script.events.count),
                RenderedFrame(SSE.data(usage), offsetMs: end, tokensSent: script.events.count),
            ])
    }

    func midstreamErrorFrame(_ script: ResponseScript, _ error: MidstreamError, framesBefore: Int) -> String {
        SSE.data(
            .object([
                ("id", .string(script.generationID)), ("object", .string("chat.completion.chunk")),
                ("created", .int(script.created)),
                ("model", .string(script.model)), ("provider", .string(script.provider)),
                ("error", errorObject(error)),
                (
                    "choices",
                    .array([
                        .object([
                            ("index", .int(0)), ("delta", .object([("content", .string(""))])),
                            ("finish_reason", .string("error")),
                        ])
                    ])
                ),
            ]))
    }

    func aggregate(_ script: ResponseScript) -> JSONValue {
        let calls = script.toolCalls
        var message: [(String, JSONValue)] = [
            ("role", .string("assistant")),
            (
                "content",
                (calls.isEmpty && script.refusal.isEmpty) || !script.text.isEmpty ? .string(script.text) : .null
            ),
            ("refusal", script.refusal.isEmpty ? .null : .string(script.refusal)),
            (
                "reasoning",
                script.reasoningText.isEmpty && script.reasoningSummary.isEmpty
                    ? .null : .string(script.reasoningText + script.reasoningSummary)
            ),
        ]
        if script.hasReasoning { message.append(("reasoning_details", .array(reasoningDetails(script)))) }
        if !calls.isEmpty {
            message.append(
                (
                    "tool_calls",
                    .array(
                        calls.map { call in
                            .object([
                                ("index", .int(call.index)), ("id", .string(call.id)), ("type", .string("function")),
                                (
                                    "function",
                                    .object([("name", .string(call.name)), ("arguments", .string(call.arguments))])
                                ),
                            ])
                        })
                ))
        }
        let choice = JSONValue.object([
            ("logprobs", .null), ("finish_reason", .string(script.finishReason)),
            ("native_finish_reason", .string(script.nativeFinishReason)),
            ("index", .int(0)), ("message", .object(message)),
        ])
        return .object([
            ("id", .string(script.generationID)), ("provider", .string(script.provider)),
            ("model", .string(script.model)),
            ("object", .string("chat.completion")), ("created", .int(script.created)), ("choices", .array([choice])),
            ("system_fingerprint", .null), ("usage", usageValue(script.usage)),
        ])
    }

    // MARK: pieces

    private var emptyDelta: [(String, JSONValue)] {
        [
            ("role", .string("assistant")), ("content", .string("")), ("reasoning", .null),
            ("reasoning_details", .array([])),
        ]
    }

    private func envelope(_ script: ResponseScript) -> [(String, JSONValue)] {
        [
            ("id", .string(script.generationID)), ("provider", .string(script.provider)),
            ("model", .string(script.model)),
            ("object", .string("chat.completion.chunk")), ("created", .int(script.created)),
        ]
    }

    private func chunk(_ script: ResponseScript, delta: [(String, JSONValue)], finish: (String, String)? = nil)
        -> JSONValue
    {
        let choice = JSONValue.object([
            ("index", .int(0)), ("delta", .object(delta)),
            ("finish_reason", finish.map { .string($0.0) } ?? .null),
            ("native_finish_reason", finish.map { .string($0.1) } ?? .null),
            ("logprobs", .null),
        ])
        return .object(envelope(script) + [("choices", .array([choice]))])
    }

    private func delta(for event: ContentEvent, _ script: ResponseScript) -> [(String, JSONValue)] {
        let role: (String, JSONValue) = ("role", .string("assistant"))
        let format: (String, JSONValue) = ("format", .string(script.reasoningFormat))
        switch event {
        case .text(let text):
            return [role, ("content", .string(text)), ("reasoning", .null), ("reasoning_details", .array([]))]
        case .refusal(let text):
            return [role, ("content", .null), ("refusal", .string(text))]
        case .reasoningText(let text):
            return [
                role, ("content", .string("")), ("reasoning", .string(text)),
                (
                    "reasoning_details",
                    .array([
                        .object([
                            ("type", .string("reasoning.text")), ("text", .string(text)), format, ("index", .int(0)),
                        ])
                    ])
                ),
            ]
        case .reasoningSummary(let text):
            return [
                role, ("content", .string("")), ("reasoning", .string(text)),
                (
                    "reasoning_details",
                    .array([
                        .object([
                            ("type", .string("reasoning.summary")), ("summary", .string(text)), format,
                            ("index", .int(0)),
                        ])
                    ])
                ),
            ]
        case .reasoningSignature(let signature):
            return [
                role, ("content", .string("")),
                (
                    "reasoning_details",
                    .array([
                        .object([
                            ("type", .string("reasoning.text")), ("signature", .string(signature)), format,
                            ("index", .int(0)),
                        ])
                    ])
                ),
            ]
        case .reasoningEncrypted(let data):
            return [
                role, ("content", .string("")),
                (
                    "reasoning_details",
                    .array([
                        .object([
                            ("type", .string("reasoning.encrypted")), ("data", .string(data)), format,
                            ("index", .int(1)),
                        ])
                    ])
                ),
            ]
        case .toolCallStart(let index, let id, let name):
            return [
                role, ("content", .null),
                (
                    "tool_calls",
                    .array([
                        .object([
                            ("index", .int(index)), ("id", .string(id)), ("type", .string("function")),
                            ("function", .object([("name", .string(name)), ("arguments", .string(""))])),
                        ])
                    ])
                ),
            ]
        case .toolCallArguments(let index, let fragment):
            return [
                role, ("content", .null),
                (
                    "tool_calls",
                    .array([
                        .object([
                            ("index", .int(index)), ("function", .object([("arguments", .string(fragment))])),
                        ])
                    ])
                ),
            ]
        }
    }

    private func reasoningDetails(_ script: ResponseScript) -> [JSONValue] {
        let format: (String, JSONValue) = ("format", .string(script.reasoningFormat))
        var details: [JSONValue] = []
        if !script.reasoningText.isEmpty || script.reasoningSignature != nil {
            var detail: [(String, JSONValue)] = [
                ("type", .string("reasoning.text")), ("text", .string(script.reasoningText)),
            ]
            if let signature = script.reasoningSignature { detail.append(("signature", .string(signature))) }
            details.append(.object(detail + [format, ("index", .int(0))]))
        }
        if !script.reasoningSummary.isEmpty {
            details.append(
                .object([
                    ("type", .string("reasoning.summary")), ("summary", .string(script.reasoningSummary)), format,
                    ("index", .int(0)),
                ]))
        }
        if let data = script.reasoningEncrypted {
            details.append(
                .object([("type", .string("reasoning.encrypted")), ("data", .string(data)), format, ("index", .int(1))])
            )
        }
        return details
    }
}

/// `usage` as OpenRouter reports it on chat and legacy completions.
func usageValue(_ usage: ScriptUsage) -> JSONValue {
    .object([
        ("prompt_tokens", .int(usage.promptTokens)), ("completion_tokens", .int(usage.completionTokens)),
        ("total_tokens", .int(usage.totalTokens)), ("cost", usage.cost), ("is_byok", .bool(false)),
        (
            "prompt_tokens_details",
            .object([("cached_tokens", .int(usage.cachedTokens)), ("audio_tokens", .int(0)), ("video_tokens", .int(0))])
        ),
        ("cost_details", .object([("upstream_inference_cost", .null)])),
        (
            "completion_tokens_details",
            .object([("reasoning_tokens", .int(usage.reasoningTokens)), ("image_tokens", .int(0))])
        ),
    ])
}

/// An in-band error object: `{"code","message","metadata":{"error_type","provider_code"?}}`.
func errorObject(_ error: MidstreamError) -> JSONValue {
    var metadata: [(String, JSONValue)] = [("error_type", .string(error.errorType))]
    if let code = error.providerCode { metadata.append(("provider_code", .string(code))) }
    return .object([("code", .int(error.code)), ("message", .string(error.message)), ("metadata", .object(metadata))])
}
