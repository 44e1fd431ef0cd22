import Playback

/// Something models really do wrong, scripted on a response step (`misbehaviour:`): on every
/// answer of the step, or on a share of them (`rate`) decided by a seeded draw per answer, so a
/// run with the same seed and the same request order misbehaves on the same answers.
public struct Misbehaviour: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// Tool-call arguments that do not parse as JSON (the last character is missing).
        case toolArgsInvalidJSON = "tool_args_invalid_json"
        /// Tool-call arguments that parse but break the request's own schema for that tool.
        case toolArgsSchemaViolation = "tool_args_schema_violation"
        /// A call to a tool the request does not offer.
        case toolUnknownName = "tool_unknown_name"
        /// Two tool calls with one id (a single call is sent twice).
        case toolCallIDDuplicate = "tool_call_id_duplicate"
        /// `finish_reason: length` in the middle of the last tool call's arguments.
        case lengthMidTool = "length_mid_tool"
        /// No content at all: no text, no reasoning, no tool call.
        case emptyResponse = "empty_response"
        /// The model declines: a refusal in place of the text and tool calls (`refusal` in chat and
        /// Responses, `stop_reason: refusal` on `/messages`).
        case refusal
        /// `finish_reason: content_filter` halfway through the text.
        case contentFilter = "content_filter"
        /// Reasoning and nothing else: the token budget ran out before the answer.
        case reasoningOnly = "reasoning_only"
        /// One SSE frame sent twice (streams only).
        case duplicatedFrame = "duplicated_frame"

        /// Whether the kind changes tool calls, so the step must have some.
        var needsToolCalls: Bool {
            switch self {
            case .toolArgsInvalidJSON, .toolArgsSchemaViolation, .toolUnknownName, .toolCallIDDuplicate,
                .lengthMidTool:
                return true
            default:
                return false
            }
        }
    }

    /// How `tool_args_schema_violation` breaks the schema.
    public enum Violation: String, Sendable, CaseIterable {
        /// A property the schema lists in `required` is left out.
        case missingRequired = "missing_required"
        /// A property gets a value of another JSON type than its schema says.
        case wrongType = "wrong_type"
        /// A property the schema does not define is added.
        case extraProperty = "extra_property"
        /// A property with an `enum` gets a value outside it.
        case enumValue = "enum_value"
    }

    public var kind: Kind
    /// The share of answers that misbehave, 0 (never) to 1 (always, the default).
    public var rate: Double
    /// Seeds the per-answer draw when `rate` < 1; `nil`: the scenario's seed.
    public var seed: UInt64?
    /// `tool_args_schema_violation` only: which rule to break; `nil`: the first the schema allows,
    /// in the order missing_required, wrong_type, enum_value, extra_property.
    public var violation: Violation?
    /// `duplicated_frame` only: which `data:` frame (1-based) is sent twice.
    public var frame: Int

    /// What a refusing model says.
    public static let refusalText = "I'm sorry, but I can't help with that request."

    public init(kind: Kind, rate: Double = 1, seed: UInt64? = nil, violation: Violation? = nil, frame: Int = 2) {
        self.kind = kind
        self.rate = rate
        self.seed = seed
        self.violation = violation
        self.frame = frame
    }

    /// Whether the `answer`-th answer (1-based) of the step's scenario in a session misbehaves.
    public func strikes(answer: Int, scenarioSeed: UInt64) -> Bool {
        guard rate < 1 else { return true }
        guard rate > 0 else { return false }
        var random = SeededRandom(seed: seed ?? scenarioSeed, 0x4D15, UInt64(clamping: answer))
        return Double(random.next() >> 11) / Double(1 << 53) < rate
    }
}
