import CassetteFormat
import Playback

/// A scripted behaviour, loaded from `scenarios/NAME.yaml`: a sequence of steps, one per request
/// of a session, each an HTTP error or a response to render in whatever dialect was asked for.
public struct Scenario: Sendable {
    public let name: String

    /// Whether `name` is a scenario name: `[a-z0-9][a-z0-9._-]*` (checked on bytes: it names a
    /// URL path segment).
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.utf8.first, isLowerAlphanumeric(first) else { return false }
        return name.utf8.allSatisfy {
            isLowerAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
        }
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
    public let description: String?
    /// The `model` responses report; `nil` echoes the request's model.
    public let model: String?
    public let provider: String
    public let seed: UInt64
    public let match: MatchRule?
    public let afterLast: AfterLast
    public let steps: [ScenarioStep]
    /// The file it was loaded from.
    public let path: String
    /// Each conditional step's `when:`, by step index. Those steps are tried in order and the first
    /// whose condition holds answers; the other steps answer by position.
    public var conditions: [Int: RequestCondition] = [:]
    /// How answers get their generation and tool-call ids.
    public var ids = IDMode.fresh
    /// Requests and prompt tokens per minute this scenario answers per key or session; `nil`: no limit.
    public var quota: Quota?

    /// Where an answer's ids come from.
    public enum IDMode: String, Sendable, CaseIterable {
        /// New random ids for every answer.
        case fresh
        /// Ids from the scenario's seed, the session and the answer's number in it: the same run
        /// gets the same ids every time.
        case seeded
    }

    /// What a request after the last step gets.
    public enum AfterLast: String, Sendable, CaseIterable {
        case repeatLast = "repeat_last"
        case cycle
        case error
    }

    /// A copy added for one session only; its path says so (and keeps its renderings apart from
    /// those of a shared scenario of the same name).
    func scoped(to session: String) -> Scenario {
        Scenario(
            name: name, description: description, model: model, provider: provider, seed: seed, match: match,
            afterLast: afterLast, steps: steps, path: "\(path) [session \(session)]", conditions: conditions,
            ids: ids, quota: quota)
    }

    /// The indices of the steps without `when:`, which answer by position.
    public var positionalIndices: [Int] { steps.indices.filter { conditions[$0] == nil } }

    /// The first conditional step whose `when:` holds for the request, if any.
    public func conditionalStep(for facts: RequestFacts, attempt: Int) -> Int? {
        guard !conditions.isEmpty else { return nil }
        return steps.indices.first { conditions[$0]?.holds(facts, attempt: attempt) ?? false }
    }

    /// The step for the `n`-th positional request (1-based) of a session: the `n`-th step without
    /// `when:`, or what `afterLast` says past the last. `nil` when `afterLast` is `error` and the
    /// steps are used up, or when every step has a `when:`.
    public func step(forRequest n: Int) -> (index: Int, step: ScenarioStep)? {
        let positional = conditions.isEmpty ? Array(steps.indices) : positionalIndices
        let count = positional.count
        guard count > 0, n >= 1 else { return nil }
        let position: Int
        if n <= count {
            position = n - 1
        } else {
            switch afterLast {
            case .repeatLast: position = count - 1
            case .cycle: position = (n - 1) % count
            case .error: return nil
            }
        }
        return (positional[position], steps[positional[position]])
    }
}

/// One step: an HTTP error, or a response.
public enum ScenarioStep: Sendable {
    case error(HTTPErrorSpec, ttftMs: Double)
    case response(ResponseStep)
}

/// A response step as written in the scenario file.
public struct ResponseStep: Sendable {
    public var headers: [(String, String)] = []
    public var reasoning: ReasoningSpec?
    public var text: String?
    public var toolCalls: [ToolCallSpec] = []
    public var interleave = false
    public var chunking = Chunking()
    public var finishReason: String?
    public var nativeFinishReason: String?
    public var usage = UsageSpec()
    public var timing = TimingSpec()
    public var keepAlive = KeepAliveSpec()
    public var midstreamError: MidstreamError?
    public var fault: WireFault?
    public var misbehaviour: Misbehaviour?
    public var crlf = false
    public var done = true
    public var base: BaseInteraction?

    /// An empty step; give it text, reasoning or tool calls (see `ResponseStep+Builder`).
    public init() {}
}

public struct ReasoningSpec: Sendable {
    public var text: String?
    public var summary: String?
    public var encrypted: String?
    public var signature: String?
    public var format: String?
}

public struct ToolCallSpec: Sendable {
    public var name: String
    /// Compact JSON text of the arguments.
    public var arguments: String
    public var id: String?
}

/// How text is cut into deltas.
public struct Chunking: Sendable {
    public enum Rule: Sendable, Equatable {
        case words
        case characters(Int)
    }

    public var text = Rule.words
    public var reasoning = Rule.words
    public var arguments = 8
}

public struct UsageSpec: Sendable {
    public var promptTokens: Int?
    public var completionTokens: Int?
    public var reasoningTokens: Int?
    public var cachedTokens: Int?
    public var cost: JSONValue?
}

public struct TimingSpec: Sendable {
    public var ttftMs: Double = 0
    public var tokensPerSecond: Double?
    public var jitterMs: Double = 0
    public var pauses: [(after: Int, ms: Double)] = []
}

public struct KeepAliveSpec: Sendable {
    public var atStart = 1
    public var intervalMs: Double = 0
}

/// A recorded interaction a step replays, with the step's fault and timing on top.
public struct BaseInteraction: Sendable {
    public var cassette: String
    public var number: Int
    /// The recorded interaction, loaded with the scenario.
    public var recorded: Interaction
}
