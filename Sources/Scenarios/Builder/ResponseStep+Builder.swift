import CassetteFormat
import Playback

/// Building a response step in Swift: start from `ResponseStep.text(…)`, `.reasoning(…)` or
/// `.toolCall(…)` and chain modifiers. Each modifier mirrors one key of the YAML step.
extension ResponseStep {
    /// A step answering with `text`.
    public static func text(_ text: String) -> ResponseStep { ResponseStep().text(text) }
    /// A step starting with reasoning deltas.
    public static func reasoning(
        _ text: String? = nil, summary: String? = nil, encrypted: String? = nil, signature: String? = nil,
        format: String? = nil
    ) -> ResponseStep {
        ResponseStep().reasoning(text, summary: summary, encrypted: encrypted, signature: signature, format: format)
    }
    /// A step answering with one tool call (chain more with `.toolCall`).
    public static func toolCall(_ name: String, arguments: JSONValue = [:], id: String? = nil) -> ResponseStep {
        ResponseStep().toolCall(name, arguments: arguments, id: id)
    }

    /// `text`: the answer's content, cut into deltas by `chunking`.
    public func text(_ text: String) -> ResponseStep { with { $0.text = text } }

    /// `reasoning`: plain reasoning text, a summary, encrypted reasoning, a signature, a format name.
    public func reasoning(
        _ text: String? = nil, summary: String? = nil, encrypted: String? = nil, signature: String? = nil,
        format: String? = nil
    ) -> ResponseStep {
        with {
            $0.reasoning = ReasoningSpec(
                text: text, summary: summary, encrypted: encrypted, signature: signature, format: format)
        }
    }

    /// One more entry of `tool_calls`; `arguments` is sent as compact JSON in fragments.
    public func toolCall(_ name: String, arguments: JSONValue = [:], id: String? = nil) -> ResponseStep {
        with { $0.toolCalls.append(ToolCallSpec(name: name, arguments: JSONWriter.string(arguments), id: id)) }
    }

    /// `interleave`: the fragments of parallel tool calls alternate.
    public func interleaved(_ on: Bool = true) -> ResponseStep { with { $0.interleave = on } }

    /// `chunking`: text and reasoning by words (`nil`) or by N characters; arguments by N characters.
    public func chunking(text: Int? = nil, reasoning: Int? = nil, arguments: Int = 8) -> ResponseStep {
        with {
            $0.chunking.text = text.map(Chunking.Rule.characters) ?? .words
            $0.chunking.reasoning = reasoning.map(Chunking.Rule.characters) ?? .words
            $0.chunking.arguments = arguments
        }
    }

    /// `finish_reason` and `native_finish_reason`.
    public func finishReason(_ reason: String, native: String? = nil) -> ResponseStep {
        with {
            $0.finishReason = reason
            $0.nativeFinishReason = native
        }
    }

    /// `usage`: token counts and cost; what is left out gets the loader's defaults.
    public func usage(
        prompt: Int? = nil, completion: Int? = nil, reasoning: Int? = nil, cached: Int? = nil, cost: Double? = nil
    ) -> ResponseStep {
        with {
            $0.usage = UsageSpec(
                promptTokens: prompt, completionTokens: completion, reasoningTokens: reasoning, cachedTokens: cached,
                cost: cost.map(ResponseStep.positional))
        }
    }

    /// `timing`: time to first token, token events per second, seeded jitter (all in ms).
    public func timing(ttftMs: Double = 0, tokensPerSecond: Double? = nil, jitterMs: Double = 0) -> ResponseStep {
        with {
            $0.timing.ttftMs = ttftMs
            $0.timing.tokensPerSecond = tokensPerSecond
            $0.timing.jitterMs = jitterMs
        }
    }

    /// `timing.pauses`: silence of `ms` after token event `after`.
    public func pause(after: Int, ms: Double) -> ResponseStep { with { $0.timing.pauses.append((after, ms)) } }

    /// `keepalive`: `: OPENROUTER PROCESSING` comments at the start and every `intervalMs` before the first token.
    public func keepAlive(atStart: Int = 1, intervalMs: Double = 0) -> ResponseStep {
        with { $0.keepAlive = KeepAliveSpec(atStart: atStart, intervalMs: intervalMs) }
    }

    /// `midstream_error`: an error event inside the 200 stream after `after` token events.
    public func midstreamError(
        after: Int, code: Int = 502, message: String = "Provider disconnected unexpectedly", errorType: String? = nil,
        providerCode: String? = nil
    ) -> ResponseStep {
        with {
            $0.midstreamError = MidstreamError(
                afterTokens: after, code: code, message: message,
                errorType: errorType ?? HTTPErrorSpec.defaultErrorType(code), providerCode: providerCode)
        }
    }

    /// `fault`: a wire fault after `after` token events (`stallMs` only for `.stall`; `nil` = until the client gives up).
    public func fault(_ kind: WireFault.Kind, after: Int = 0, stallMs: Double? = nil) -> ResponseStep {
        with { $0.fault = WireFault(kind: kind, afterTokens: after, stallMs: stallMs) }
    }

    /// `misbehaviour`: the model gets something wrong, on every answer or on a share of them.
    public func misbehaving(
        _ kind: Misbehaviour.Kind, rate: Double = 1, seed: UInt64? = nil, violation: Misbehaviour.Violation? = nil,
        frame: Int = 2
    ) -> ResponseStep {
        with {
            $0.misbehaviour = Misbehaviour(kind: kind, rate: rate, seed: seed, violation: violation, frame: frame)
        }
    }

    /// `line_endings: crlf`: SSE lines end in CRLF instead of LF.
    public func crlfLineEndings() -> ResponseStep { with { $0.crlf = true } }

    /// `done: false`: no `data: [DONE]` at the end.
    public func withoutDone() -> ResponseStep { with { $0.done = false } }

    /// `headers`: one more response header.
    public func header(_ name: String, _ value: String) -> ResponseStep { with { $0.headers.append((name, value)) } }

    /// A number as a JSON lexeme in positional notation (`0.00000735`, not `7.35e-06`), as a
    /// scenario file would spell it; the shortest digits that read back as the same `Double`.
    static func positional(_ value: Double) -> JSONValue {
        let shortest = "\(value)"
        guard value.isFinite, let mark = shortest.firstIndex(where: { $0 == "e" || $0 == "E" }),
            let exponent = Int(shortest[shortest.index(after: mark)...]), abs(exponent) <= 30
        else { return .double(value) }
        let mantissa = shortest[..<mark]
        let negative = mantissa.hasPrefix("-")
        let unsigned = negative ? mantissa.dropFirst() : mantissa
        let point = unsigned.firstIndex(of: ".") ?? unsigned.endIndex
        var digits = String(unsigned[..<point]) + String(unsigned[point...].dropFirst())
        var pointPosition = unsigned.distance(from: unsigned.startIndex, to: point) + exponent
        if pointPosition <= 0 {
            digits = String(repeating: "0", count: 1 - pointPosition) + digits
            pointPosition = 1
        } else if pointPosition > digits.count {
            digits += String(repeating: "0", count: pointPosition - digits.count)
        }
        var text = String(digits.prefix(pointPosition))
        let fraction = digits.dropFirst(pointPosition).reversed().drop(while: { $0 == "0" }).reversed()
        if !fraction.isEmpty { text += "." + String(fraction) }
        return .number((negative ? "-" : "") + text)
    }

    private func with(_ change: (inout ResponseStep) -> Void) -> ResponseStep {
        var copy = self
        change(&copy)
        return copy
    }
}
