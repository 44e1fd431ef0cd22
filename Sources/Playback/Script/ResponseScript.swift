import CassetteFormat

/// A response described in dialect-neutral terms: who answers, the content events with their
/// times, how it finishes, and what goes wrong on the wire. A scenario step compiles to a script;
/// a dialect renderer turns it into chat chunks, legacy completion chunks, Responses API events or
/// Anthropic Messages events, streaming or aggregated.
public struct ResponseScript: Sendable {
    public var generationID: String
    public var created: Int
    public var model: String
    public var provider: String
    public var events: [TimedEvent]
    public var finishReason: String
    public var nativeFinishReason: String
    public var usage: ScriptUsage
    /// Offsets (ms) of `: OPENROUTER PROCESSING` comments sent before the first token.
    public var keepAliveOffsetsMs: [Double]
    public var midstreamError: MidstreamError?
    public var fault: WireFault?
    public var crlf: Bool
    /// Whether to end with `data: [DONE]` (chat, completions, responses).
    public var sendsDone: Bool
    /// The format name used in `reasoning_details`.
    public var reasoningFormat: String

    public init(
        generationID: String, created: Int, model: String, provider: String, events: [TimedEvent],
        finishReason: String, nativeFinishReason: String, usage: ScriptUsage, keepAliveOffsetsMs: [Double] = [],
        midstreamError: MidstreamError? = nil, fault: WireFault? = nil, crlf: Bool = false, sendsDone: Bool = true,
        reasoningFormat: String = "anthropic-claude-v1"
    ) {
        self.generationID = generationID
        self.created = created
        self.model = model
        self.provider = provider
        self.events = events
        self.finishReason = finishReason
        self.nativeFinishReason = nativeFinishReason
        self.usage = usage
        self.keepAliveOffsetsMs = keepAliveOffsetsMs
        self.midstreamError = midstreamError
        self.fault = fault
        self.crlf = crlf
        self.sendsDone = sendsDone
        self.reasoningFormat = reasoningFormat
    }

    /// Offset of the first token event (or 0 when there is none).
    public var firstTokenMs: Double { events.first?.offsetMs ?? 0 }
    /// Offset of the last token event (or 0 when there is none).
    public var lastTokenMs: Double { events.last?.offsetMs ?? 0 }

    /// The full text, reasoning and tool calls, for aggregates.
    public var text: String { events.compactMap { if case .text(let t) = $0.event { t } else { nil } }.joined() }
    /// The refusal text (empty unless the model refused).
    public var refusal: String {
        events.compactMap { if case .refusal(let t) = $0.event { t } else { nil } }.joined()
    }
    public var reasoningText: String {
        events.compactMap { if case .reasoningText(let t) = $0.event { t } else { nil } }.joined()
    }
    public var reasoningSummary: String {
        events.compactMap { if case .reasoningSummary(let t) = $0.event { t } else { nil } }.joined()
    }
    public var reasoningSignature: String? {
        events.lazy.compactMap { if case .reasoningSignature(let s) = $0.event { s } else { nil } }.first
    }
    public var reasoningEncrypted: String? {
        events.lazy.compactMap { if case .reasoningEncrypted(let s) = $0.event { s } else { nil } }.first
    }
    public var hasReasoning: Bool { !reasoningText.isEmpty || !reasoningSummary.isEmpty || reasoningEncrypted != nil }

    /// Tool calls in index order with their complete arguments.
    public var toolCalls: [(index: Int, id: String, name: String, arguments: String)] {
        var calls: [(index: Int, id: String, name: String, arguments: String)] = []
        for timed in events {
            switch timed.event {
            case .toolCallStart(let index, let id, let name): calls.append((index, id, name, ""))
            case .toolCallArguments(let index, let piece):
                if let position = calls.firstIndex(where: { $0.index == index }) { calls[position].arguments += piece }
            default: break
            }
        }
        return calls.sorted { $0.index < $1.index }
    }
}

/// One content event and when it is sent, in ms from the request's start (before speed scaling).
public struct TimedEvent: Sendable {
    public var offsetMs: Double
    public var event: ContentEvent

    public init(offsetMs: Double, event: ContentEvent) {
        self.offsetMs = offsetMs
        self.event = event
    }
}

/// A token event: one delta of content, reasoning, or a tool-call fragment.
public enum ContentEvent: Sendable, Equatable {
    case text(String)
    case reasoningText(String)
    case reasoningSummary(String)
    case reasoningSignature(String)
    case reasoningEncrypted(String)
    case toolCallStart(index: Int, id: String, name: String)
    case toolCallArguments(index: Int, fragment: String)
    /// A piece of a refusal: the model declines in words instead of answering.
    case refusal(String)
}

/// Token counts and cost reported in usage.
public struct ScriptUsage: Sendable {
    public var promptTokens: Int
    public var completionTokens: Int
    public var reasoningTokens: Int
    public var cachedTokens: Int
    public var cost: JSONValue

    public init(promptTokens: Int, completionTokens: Int, reasoningTokens: Int, cachedTokens: Int, cost: JSONValue) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.reasoningTokens = reasoningTokens
        self.cachedTokens = cachedTokens
        self.cost = cost
    }

    public var totalTokens: Int { promptTokens + completionTokens }
}

/// An error that arrives inside a 200 stream after `afterTokens` token events.
public struct MidstreamError: Sendable {
    public var afterTokens: Int
    public var code: Int
    public var message: String
    public var errorType: String
    public var providerCode: String?

    public init(afterTokens: Int, code: Int, message: String, errorType: String, providerCode: String?) {
        self.afterTokens = afterTokens
        self.code = code
        self.message = message
        self.errorType = errorType
        self.providerCode = providerCode
    }
}

/// A wire fault placed after `afterTokens` token events.
public struct WireFault: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case disconnect, reset, stall, malformed
        case brokenFraming = "broken_framing"
    }

    public var kind: Kind
    public var afterTokens: Int
    /// For `stall`: how long; `nil` = until the client gives up.
    public var stallMs: Double?

    public init(kind: Kind, afterTokens: Int, stallMs: Double? = nil) {
        self.kind = kind
        self.afterTokens = afterTokens
        self.stallMs = stallMs
    }
}
