import CassetteFormat
import Playback

/// The Responses API as OpenRouter streams it: `data:`-only events with `type` and
/// `sequence_number`, `response.created` / `in_progress`, one output item per reasoning, message
/// and function call (added, deltas, done), `response.completed` with usage and cost. A refusal is
/// the message's `refusal` content part, with `response.refusal.delta` / `done` events.
struct ResponsesRenderer: DialectRenderer {
    func stream(_ script: ResponseScript) -> RenderedStream {
        var builder = EventBuilder(script: script)
        builder.add(
            "response.created", [("response", responseObject(script, status: "in_progress", output: [], usage: nil))],
            at: script.firstTokenMs, tokens: 0)
        builder.add(
            "response.in_progress",
            [("response", responseObject(script, status: "in_progress", output: [], usage: nil))],
            at: script.firstTokenMs, tokens: 0)
        let openingCount = builder.frames.count
        let items = ResponsesItems(script: script)
        var open: ResponsesItems.Item?
        var outputIndex = -1
        var tokens = 0
        var texts: [String: String] = [:]
        func finish(_ item: ResponsesItems.Item, at offset: Double) {
            builder.closeEvents(
                for: item, outputIndex: outputIndex, text: texts[item.id] ?? "", items: items, at: offset,
                tokens: tokens)
        }
        for timed in TokenOrder.groupingToolCalls(script.events) {
            tokens += 1
            let item = items.item(for: timed.event)
            if open?.id != item.id {
                if let open { finish(open, at: timed.offsetMs) }
                outputIndex += 1
                open = item
                builder.openEvents(for: item, outputIndex: outputIndex, at: timed.offsetMs, tokens: tokens - 1)
            }
            let piece = builder.delta(
                for: timed.event, item: item, outputIndex: outputIndex, at: timed.offsetMs, tokens: tokens)
            texts[item.id, default: ""] += piece
        }
        if let open { finish(open, at: script.lastTokenMs) }
        let body = Array(builder.frames[openingCount...])
        builder.add(
            "response.completed",
            [
                (
                    "response",
                    responseObject(script, status: "completed", output: items.completedOutput, usage: usage(script))
                )
            ],
            at: script.lastTokenMs, tokens: tokens)
        return RenderedStream(
            opening: Array(builder.frames[..<openingCount]), body: body, closing: [builder.frames.last!])
    }

    func midstreamErrorFrame(_ script: ResponseScript, _ error: MidstreamError, framesBefore: Int) -> String {
        var response = responseObject(script, status: "failed", output: [], usage: nil)
        if case .object(var pairs) = response, let index = pairs.firstIndex(where: { $0.0 == "error" }) {
            pairs[index].1 = .object([("code", .string("server_error")), ("message", .string(error.message))])
            pairs.append(("error_type", .string(error.errorType)))
            response = .object(pairs)
        }
        return SSE.data(
            .object([
                ("type", .string("response.failed")), ("response", response), ("sequence_number", .int(framesBefore)),
            ]))
    }

    func aggregate(_ script: ResponseScript) -> JSONValue {
        responseObject(
            script, status: "completed", output: ResponsesItems(script: script).completedOutput, usage: usage(script))
    }

    private func usage(_ script: ResponseScript) -> JSONValue {
        .object([
            ("input_tokens", .int(script.usage.promptTokens)),
            ("input_tokens_details", .object([("cached_tokens", .int(script.usage.cachedTokens))])),
            ("output_tokens", .int(script.usage.completionTokens)),
            ("output_tokens_details", .object([("reasoning_tokens", .int(script.usage.reasoningTokens))])),
            ("total_tokens", .int(script.usage.totalTokens)), ("cost", script.usage.cost), ("is_byok", .bool(false)),
        ])
    }

    private func responseObject(_ script: ResponseScript, status: String, output: [JSONValue], usage: JSONValue?)
        -> JSONValue
    {
        var pairs: [(String, JSONValue)] = [
            ("object", .string("response")), ("id", .string(script.generationID)), ("created_at", .int(script.created)),
            ("status", .string(status)), ("error", .null), ("output_text", .string("")), ("output", .array(output)),
            ("model", .string(script.model)), ("incomplete_details", .null), ("max_tool_calls", .null),
            ("tools", .array([])),
            ("tool_choice", .string("auto")), ("parallel_tool_calls", .bool(true)), ("max_output_tokens", .null),
            ("temperature", .null), ("top_p", .null), ("metadata", .object([])), ("background", .bool(false)),
            ("previous_response_id", .null), ("service_tier", .string("auto")), ("truncation", .null),
            ("store", .bool(false)),
            ("instructions", .null), ("reasoning", .null), ("safety_identifier", .null), ("prompt_cache_key", .null),
            ("user", .null),
        ]
        if let usage { pairs.append(("usage", usage)) }
        return .object(pairs)
    }
}

/// Builds Responses events, numbering them in order.
private struct EventBuilder {
    let script: ResponseScript
    var frames: [RenderedFrame] = []

    mutating func add(_ type: String, _ fields: [(String, JSONValue)], at offset: Double, tokens: Int) {
        let event = JSONValue.object([("type", .string(type))] + fields + [("sequence_number", .int(frames.count))])
        frames.append(RenderedFrame(SSE.data(event), offsetMs: offset, tokensSent: tokens))
    }

    mutating func openEvents(for item: ResponsesItems.Item, outputIndex: Int, at offset: Double, tokens: Int) {
        add(
            "response.output_item.added", [("output_index", .int(outputIndex)), ("item", item.inProgress)], at: offset,
            tokens: tokens)
        let ids: [(String, JSONValue)] = [("item_id", .string(item.id)), ("output_index", .int(outputIndex))]
        switch item.kind {
        case .message:
            add(
                "response.content_part.added",
                ids + [("content_index", .int(0)), ("part", ResponsesItems.messagePart(script, text: ""))], at: offset,
                tokens: tokens)
        case .reasoning where !script.reasoningSummary.isEmpty:
            add(
                "response.reasoning_summary_part.added",
                ids + [
                    ("summary_index", .int(0)),
                    ("part", .object([("type", .string("summary_text")), ("text", .string(""))])),
                ], at: offset, tokens: tokens)
        default:
            break
        }
    }

    /// Adds the delta event for one token and returns the text it carries.
    mutating func delta(
        for event: ContentEvent, item: ResponsesItems.Item, outputIndex: Int, at offset: Double, tokens: Int
    ) -> String {
        let ids: [(String, JSONValue)] = [("item_id", .string(item.id)), ("output_index", .int(outputIndex))]
        switch event {
        case .text(let text):
            add(
                "response.output_text.delta",
                [
                    ("logprobs", .array([])), ("output_index", .int(outputIndex)), ("item_id", .string(item.id)),
                    ("content_index", .int(0)), ("delta", .string(text)),
                ], at: offset, tokens: tokens)
            return text
        case .refusal(let text):
            add(
                "response.refusal.delta", ids + [("content_index", .int(0)), ("delta", .string(text))], at: offset,
                tokens: tokens)
            return text
        case .reasoningSummary(let text):
            add(
                "response.reasoning_summary_text.delta", ids + [("summary_index", .int(0)), ("delta", .string(text))],
                at: offset, tokens: tokens)
            return text
        case .reasoningText(let text):
            add(
                "response.reasoning_text.delta", ids + [("content_index", .int(0)), ("delta", .string(text))],
                at: offset, tokens: tokens)
            return text
        case .toolCallArguments(_, let fragment):
            add(
                "response.function_call_arguments.delta", ids + [("delta", .string(fragment))], at: offset,
                tokens: tokens)
            return fragment
        case .toolCallStart, .reasoningSignature, .reasoningEncrypted:
            if var last = frames.popLast() {
                last.tokensSent = tokens
                frames.append(last)
            }
            return ""
        }
    }

    mutating func closeEvents(
        for item: ResponsesItems.Item, outputIndex: Int, text: String, items: ResponsesItems, at offset: Double,
        tokens: Int
    ) {
        let ids: [(String, JSONValue)] = [("item_id", .string(item.id)), ("output_index", .int(outputIndex))]
        switch item.kind {
        case .message:
            if script.refusal.isEmpty {
                add(
                    "response.output_text.done",
                    ids + [("content_index", .int(0)), ("text", .string(text)), ("logprobs", .array([]))], at: offset,
                    tokens: tokens)
            } else {
                add(
                    "response.refusal.done", ids + [("content_index", .int(0)), ("refusal", .string(text))],
                    at: offset, tokens: tokens)
            }
            add(
                "response.content_part.done",
                ids + [("content_index", .int(0)), ("part", ResponsesItems.messagePart(script, text: text))],
                at: offset, tokens: tokens)
        case .reasoning:
            if !script.reasoningSummary.isEmpty {
                add(
                    "response.reasoning_summary_text.done",
                    ids + [("summary_index", .int(0)), ("text", .string(script.reasoningSummary))], at: offset,
                    tokens: tokens)
                add(
                    "response.reasoning_summary_part.done",
                    ids + [
                        ("summary_index", .int(0)),
                        (
                            "part",
                            .object([("type", .string("summary_text")), ("text", .string(script.reasoningSummary))])
                        ),
                    ], at: offset, tokens: tokens)
            }
            if !script.reasoningText.isEmpty {
                add(
                    "response.reasoning_text.done",
                    ids + [("content_index", .int(0)), ("text", .string(script.reasoningText))], at: offset,
                    tokens: tokens)
            }
        case .functionCall(_, let name):
            add(
                "response.function_call_arguments.done", ids + [("name", .string(name)), ("arguments", .string(text))],
                at: offset, tokens: tokens)
        }
        add(
            "response.output_item.done", [("output_index", .int(outputIndex)), ("item", items.completed(item))],
            at: offset, tokens: tokens)
    }
}

/// The output items of a script: one reasoning item, one message, one per function call.
struct ResponsesItems {
    enum Kind {
        case reasoning
        case message
        case functionCall(callID: String, name: String)
    }

    struct Item {
        let id: String
        let kind: Kind

        var inProgress: JSONValue {
            switch kind {
            case .reasoning:
                return .object([("type", .string("reasoning")), ("id", .string(id)), ("summary", .array([]))])
            case .message:
                return .object([
                    ("type", .string("message")), ("status", .string("in_progress")), ("content", .array([])),
                    ("id", .string(id)), ("role", .string("assistant")),
                ])
            case .functionCall(let callID, let name):
                return .object([
                    ("type", .string("function_call")), ("id", .string(id)), ("call_id", .string(callID)),
                    ("name", .string(name)),
                    ("arguments", .string("")), ("status", .string("in_progress")),
                ])
            }
        }
    }

    let script: ResponseScript
    let suffix: String

    init(script: ResponseScript) {
        self.script = script
        suffix = String(script.generationID.suffix(10)).lowercased()
    }

    func item(for event: ContentEvent) -> Item {
        switch event {
        case .text, .refusal: return Item(id: "msg_tmp_\(suffix)", kind: .message)
        case .reasoningText, .reasoningSummary, .reasoningSignature, .reasoningEncrypted:
            return Item(id: "rs_tmp_\(suffix)", kind: .reasoning)
        case .toolCallStart(let index, _, _), .toolCallArguments(let index, _):
            let call = script.toolCalls.first { $0.index == index }
            return Item(
                id: "fc_tmp_\(suffix)_\(index)",
                kind: .functionCall(callID: call?.id ?? "call_\(index)", name: call?.name ?? ""))
        }
    }

    func completed(_ item: Item) -> JSONValue {
        switch item.kind {
        case .reasoning:
            var pairs: [(String, JSONValue)] = [
                ("type", .string("reasoning")), ("id", .string(item.id)),
                (
                    "summary",
                    .array(
                        script.reasoningSummary.isEmpty
                            ? []
                            : [
                                .object([("type", .string("summary_text")), ("text", .string(script.reasoningSummary))])
                            ])
                ),
            ]
            if !script.reasoningText.isEmpty {
                pairs.append(
                    (
                        "content",
                        .array([
                            .object([("type", .string("reasoning_text")), ("text", .string(script.reasoningText))])
                        ])
                    ))
            }
            if let data = script.reasoningEncrypted { pairs.append(("encrypted_content", .string(data))) }
            return .object(pairs)
        case .message:
            return .object([
                ("type", .string("message")), ("status", .string("completed")),
                (
                    "content",
                    .array([
                        script.refusal.isEmpty
                            ? .object([
                                ("type", .string("output_text")), ("text", .string(script.text)),
                                ("annotations", .array([])),
                            ])
                            : ResponsesItems.messagePart(script, text: script.refusal)
                    ])
                ),
                ("id", .string(item.id)), ("role", .string("assistant")),
            ])
        case .functionCall(let callID, let name):
            let arguments = script.toolCalls.first { $0.id == callID }?.arguments ?? ""
            return .object([
                ("type", .string("function_call")), ("id", .string(item.id)), ("call_id", .string(callID)),
                ("name", .string(name)),
                ("arguments", .string(arguments)), ("status", .string("completed")),
            ])
        }
    }

    /// The message's content part holding `text`: `output_text`, or `refusal` when the model refused.
    static func messagePart(_ script: ResponseScript, text: String) -> JSONValue {
        script.refusal.isEmpty
            ? .object([("type", .string("output_text")), ("annotations", .array([])), ("text", .string(text))])
            : .object([("type", .string("refusal")), ("refusal", .string(text))])
    }

    /// Every item, completed, in output order.
    var completedOutput: [JSONValue] {
        var seen = Set<String>()
        return TokenOrder.groupingToolCalls(script.events).map { item(for: $0.event) }.filter {
            seen.insert($0.id).inserted
        }.map(completed)
    }
}
