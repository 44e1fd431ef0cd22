import CassetteFormat
import Playback

/// A step's (or a `match` rule's) `when:`: predicates over the request, all of which must hold.
/// A predicate left out holds for every request.
public struct RequestCondition: Sendable {
    /// Assistant turns so far plus one.
    public var turn: ClosedRange<Int>?
    /// How many times this same request (path and body) was seen in the session, this one included.
    public var attempt: ClosedRange<Int>?
    /// The role of the last message: `user`, `assistant`, `tool` or `system`.
    public var lastRole: String?
    public var lastUserContains: String?
    public var lastUserMatches: TextPattern?
    /// A tool result after the last assistant turn, with every given property.
    public var toolResult: ToolResultCondition?
    /// A tool the request offers, by name.
    public var toolsOffered: String?
    public var systemContains: String?
    public var stream: Bool?
    /// The request's `model`, as a glob (`*` any run of characters, `?` one character).
    public var model: String?
    /// Headers and their exact values (names in any case).
    public var headers: [(String, String)] = []

    /// A condition of the given predicates (those left `nil` hold for every request).
    public init(
        turn: ClosedRange<Int>? = nil, attempt: ClosedRange<Int>? = nil, lastRole: String? = nil,
        lastUserContains: String? = nil, lastUserMatches: TextPattern? = nil,
        toolResult: ToolResultCondition? = nil, toolsOffered: String? = nil, systemContains: String? = nil,
        stream: Bool? = nil, model: String? = nil, headers: [(String, String)] = []
    ) {
        self.turn = turn
        self.attempt = attempt
        self.lastRole = lastRole
        self.lastUserContains = lastUserContains
        self.lastUserMatches = lastUserMatches
        self.toolResult = toolResult
        self.toolsOffered = toolsOffered
        self.systemContains = systemContains
        self.stream = stream
        self.model = model
        self.headers = headers
    }

    /// Holds when a tool result after the last assistant turn has every given property.
    public static func toolResult(name: String? = nil, id: String? = nil, contains: String? = nil) -> Self {
        RequestCondition(toolResult: ToolResultCondition(name: name, id: id, contains: contains))
    }

    /// Holds for the `n`-th sighting of the same request in the session (1: the first try).
    public static func attempt(_ n: Int) -> Self { RequestCondition(attempt: n...n) }

    /// Holds on turn `n` (assistant turns so far + 1).
    public static func turn(_ n: Int) -> Self { RequestCondition(turn: n...n) }

    /// The tool result a `tool_result:` predicate asks for.
    public struct ToolResultCondition: Sendable {
        public var name: String?
        public var id: String?
        public var contains: String?

        public init(name: String? = nil, id: String? = nil, contains: String? = nil) {
            self.name = name
            self.id = id
            self.contains = contains
        }

        func holds(for result: RequestFacts.ToolResult) -> Bool {
            if let name, result.name != name { return false }
            if let id, result.id != id { return false }
            if let contains, !result.text.contains(contains) { return false }
            return true
        }
    }

    /// What the loader would refuse in this condition (a count outside 1...`Limits.maxCount`), or `nil`.
    var problem: String? {
        let allowed = 1...Limits.maxCount
        for (key, range) in [("turn", turn), ("attempt", attempt)] {
            if let range, !allowed.contains(range.lowerBound) || !allowed.contains(range.upperBound) {
                return "when.\(key) must be within 1...\(Limits.maxCount)"
            }
        }
        return nil
    }

    /// Whether every predicate holds for `facts`, this being the `attempt`-th time the request was seen.
    public func holds(_ facts: RequestFacts, attempt: Int) -> Bool { firstFailure(facts, attempt: attempt) == nil }

    /// The first predicate that does not hold, as `key: why`, or `nil` when all hold.
    public func firstFailure(_ facts: RequestFacts, attempt count: Int) -> String? {
        if let turn, !turn.contains(facts.turn) { return "turn: this request is turn \(facts.turn)" }
        if let attempt, !attempt.contains(count) { return "attempt: this is attempt \(count)" }
        if let lastRole, facts.lastRole != lastRole {
            return "last_role: the last message is \(facts.lastRole.map { "from \($0)" } ?? "missing")"
        }
        if let lastUserContains, !(facts.lastUserText?.contains(lastUserContains) ?? false) {
            return "last_user_contains: the last user message does not contain \"\(lastUserContains)\""
        }
        if let lastUserMatches, !lastUserMatches.matches(facts.lastUserText ?? "") {
            return "last_user_matches: the last user message does not match /\(lastUserMatches.source)/"
        }
        if let toolResult, !facts.toolResults.contains(where: toolResult.holds) {
            return facts.toolResults.isEmpty
                ? "tool_result: no tool result since the last assistant turn"
                : "tool_result: none of the tool results since the last assistant turn fits"
        }
        if let toolsOffered, !facts.toolsOffered.contains(toolsOffered) {
            return "tools_offered: the request does not offer \"\(toolsOffered)\""
        }
        if let systemContains, !facts.systemText.contains(systemContains) {
            return "system_contains: the system prompt does not contain \"\(systemContains)\""
        }
        if let stream, facts.stream != stream { return "stream: the request has stream \(facts.stream)" }
        if let model, !Glob.matches(model, facts.model ?? "") {
            return "model: \(facts.model.map { "\"\($0)\"" } ?? "no model") does not match \"\(model)\""
        }
        for (name, value) in headers {
            let sent = facts.headers.first { $0.0 == name.lowercased() }?.1
            if sent != value { return "header: \(name) is \(sent.map { "\"\($0)\"" } ?? "not sent")" }
        }
        return nil
    }
}

/// A regular expression from a scenario file, compiled when the file loads.
public struct TextPattern: @unchecked Sendable {
    // `Regex<AnyRegexOutput>` is immutable once built; it is only matched against, from any thread.
    private let regex: Regex<AnyRegexOutput>
    /// The pattern as written.
    public let source: String

    /// Compiles `source`; throws the compiler's error when it is not a valid pattern.
    public init(_ source: String) throws {
        regex = try Regex(source)
        self.source = source
    }

    public func matches(_ text: String) -> Bool { text.contains(regex) }
}

/// Shell-style globs: `*` matches any run of characters, `?` one character, anything else itself.
enum Glob {
    static func matches(_ pattern: String, _ text: String) -> Bool {
        let pattern = Array(pattern)
        let text = Array(text)
        var p = 0
        var t = 0
        var star: Int?
        var resume = 0
        while t < text.count {
            if p < pattern.count && (pattern[p] == "?" || pattern[p] == text[t]) {
                p += 1
                t += 1
            } else if p < pattern.count && pattern[p] == "*" {
                star = p
                resume = t
                p += 1
            } else if let star {
                p = star + 1
                resume += 1
                t = resume
            } else {
                return false
            }
        }
        while p < pattern.count && pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}
