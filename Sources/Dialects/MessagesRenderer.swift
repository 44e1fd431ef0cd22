import CassetteFormat
import Playback

/// Anthropic Messages on `/messages`: `event:` lines, `message_start`, content blocks (thinking
/// with `thinking_delta` and `signature_delta`, redacted thinking, text, tool use with
/// `input_json_delta`), `message_delta` with usage and cost, `message_stop`. A refusal is text
/// with `stop_reason: refusal`, as Anthropic's models send it. Blocks never
/// interleave: a parallel call's fragments are grouped under their own block. The trailing
/// `event: data` / `data: [DONE]` seen in OpenRouter captures is not sent: the Anthropic Python
/// SDK (2.12) parses every named event as JSON and fails on it.
struct MessagesRenderer: DialectRenderer {
    func stream(_ script: ResponseScript) -> RenderedStream {
        let start = JSONValue.object([
            ("type", .string("message_start")),
            ("message", message(script, content: [], stopReason: nil, usage: startUsage(script))),
        ])
        var body: [RenderedFrame] = []
        var block = -1
        var openKind: String?
        var tokens = 0
        let close = { (offset: Double) in
            if openKind != nil {
                body.append(
                    RenderedFrame(
                        SSE.event(
                            "content_block_stop",
                            .object([("type", .string("content_block_stop")), ("index", .int(block))])),
                        offsetMs: offset, tokensSent: tokens))
                openKind = nil
            }
        }
        for timed in TokenOrder.groupingToolCalls(script.events) {
            tokens += 1
            let offset = timed.offsetMs
            func open(_ kind: String, _ contentBlock: JSONValue) {
                close(offset)
                block += 1
                openKind = kind
                body.append(
                    RenderedFrame(
                        SSE.event(
                            "content_block_start",
                            .object([
                                ("type", .string("content_block_start")), ("index", .int(block)),
                                ("content_block", contentBlock),
                            ])), offsetMs: offset, tokensSent: tokens - 1))
            }
            func delta(_ value: JSONValue) {
                body.append(
                    RenderedFrame(
                        SSE.event(
                            "content_block_delta",
                            .object([
                                ("type", .string("content_block_delta")), ("index", .int(block)), ("delta", value),
                            ])), offsetMs: offset, tokensSent: tokens))
            }
            switch timed.event {
            case .reasoningText(let text), .reasoningSummary(let text):
                if openKind != "thinking" {
                    open(
                        "thinking",
                        .object([("type", .string("thinking")), ("thinking", .string("")), ("signature", .string(""))]))
                }
                delta(.object([("type", .string("thinking_delta")), ("thinking", .string(text))]))
            case .reasoningSignature(let signature):
                if openKind != "thinking" {
                    open(
                        "thinking",
                        .object([("type", .string("thinking")), ("thinking", .string("")), ("signature", .string(""))]))
                }
                delta(.object([("type", .string("signature_delta")), ("signature", .string(signature))]))
            case .reasoningEncrypted(let data):
                open("redacted_thinking", .object([("type", .string("redacted_thinking")), ("data", .string(data))]))
                body[body.count - 1].tokensSent = tokens
            case .text(let text), .refusal(let text):
                if openKind != "text" { open("text", .object([("type", .string("text")), ("text", .string(""))])) }
                delta(.object([("type", .string("text_delta")), ("text", .string(text))]))
            case .toolCallStart(_, let id, let name):
                open(
                    "tool_use",
                    .object([
                        ("type", .string("tool_use")), ("id", .string(id)), ("name", .string(name)),
                        ("input", .object([])),
                    ]))
                body[body.count - 1].tokensSent = tokens
            case .toolCallArguments(_, let fragment):
                delta(.object([("type", .string("input_json_delta")), ("partial_json", .string(fragment))]))
            }
        }
        close(script.lastTokenMs)
        let end = script.lastTokenMs
        let count = script.events.count
        return RenderedStream(
            opening: [RenderedFrame(SSE.event("message_start", start), offsetMs: script.firstTokenMs, tokensSent: 0)],
            body: body,
            closing: [
                RenderedFrame(
                    SSE.event(
                        "message_delta",
                        .object([
                            ("type", .string("message_delta")),
                            (
                                "delta",
                                .object([
                                    ("stop_reason", .string(stopReason(script))), ("stop_sequence", .null),
                                ])
                            ),
                            ("usage", finalUsage(script)),
                        ])), offsetMs: end, tokensSent: count),
                RenderedFrame(
                    SSE.event("message_stop", .object([("type", .string("message_stop"))])), offsetMs: end,
                    tokensSent: count),
            ])
    }

    func midstreamErrorFrame(_ script: ResponseScript, _ error: MidstreamError, framesBefore: Int) -> String {
        SSE.event(
            "error",
            .object([
                ("type", .string("error")),
                (
                    "error",
                    .object([
                        ("type", .string(MessagesRenderer.anthropicType(error.code))),
                        ("message", .string(error.message)), ("error_type", .string(error.errorType)),
                    ])
                ),
            ]))
    }

    func aggregate(_ script: ResponseScript) -> JSONValue {
        var content: [JSONValue] = []
        if !script.reasoningText.isEmpty || !script.reasoningSummary.isEmpty {
            content.append(
                .object([
                    ("type", .string("thinking")),
                    ("thinking", .string(script.reasoningText + script.reasoningSummary)),
                    ("signature", .string(script.reasoningSignature ?? "")),
                ]))
        }
        if let data = script.reasoningEncrypted {
            content.append(.object([("type", .string("redacted_thinking")), ("data", .string(data))]))
        }
        if !script.text.isEmpty || !script.refusal.isEmpty {
            content.append(.object([("type", .string("text")), ("text", .string(script.text + script.refusal))]))
        }
        for call in script.toolCalls {
            let input = (try? JSONParser.parse(call.arguments)) ?? .object([])
            content.append(
                .object([
                    ("type", .string("tool_use")), ("id", .string(call.id)), ("name", .string(call.name)),
                    ("input", input),
                ]))
        }
        return message(script, content: content, stopReason: stopReason(script), usage: finalUsage(script))
    }

    func errorBody(_ error: HTTPErrorSpec) -> JSONValue {
        .object([
            ("type", .string("error")),
            (
                "error",
                .object(
                    [
                        ("type", .string(MessagesRenderer.anthropicType(error.status))),
                        ("message", .string(error.message)), ("error_type", .string(error.errorType)),
                    ] + error.metadata.filter { $0.0 != "error_type" })
            ), ("request_id", .null),
        ])
    }

    // MARK: pieces

    static func anthropicType(_ status: Int) -> String {
        switch status {
        case 400, 413, 422: return "invalid_request_error"
        case 401: return "authentication_error"
        case 402: return "billing_error"
        case 403: return "permission_error"
        case 404: return "not_found_error"
        case 429: return "rate_limit_error"
        case 408, 504: return "timeout_error"
        case 503, 529: return "overloaded_error"
        default: return "api_error"
        }
    }

    /// `refusal` when the model refused, else the finish reason in Anthropic's terms.
    private func stopReason(_ script: ResponseScript) -> String {
        if !script.refusal.isEmpty { return "refusal" }
        switch script.finishReason {
        case "length": return "max_tokens"
        case "tool_calls": return "tool_use"
        case "content_filter": return "refusal"
        default: return "end_turn"
        }
    }

    private func message(_ script: ResponseScript, content: [JSONValue], stopReason: String?, usage: JSONValue)
        -> JSONValue
    {
        .object([
            ("id", .string(script.generationID)), ("type", .string("message")), ("role", .string("assistant")),
            ("model", .string(script.model)),
            ("content", .array(content)), ("stop_reason", stopReason.map(JSONValue.string) ?? .null),
            ("stop_sequence", .null), ("usage", usage),
        ])
    }

    private func startUsage(_ script: ResponseScript) -> JSONValue {
        .object([("input_tokens", .int(script.usage.promptTokens)), ("output_tokens", .int(0))])
    }

    private func finalUsage(_ script: ResponseScript) -> JSONValue {
        .object([
            ("input_tokens", .int(script.usage.promptTokens)), ("output_tokens", .int(script.usage.completionTokens)),
            ("cache_creation_input_tokens", .int(0)), ("cache_read_input_tokens", .int(script.usage.cachedTokens)),
            ("cost", script.usage.cost),
        ])
    }
}
