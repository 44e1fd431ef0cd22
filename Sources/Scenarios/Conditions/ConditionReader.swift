import CassetteFormat

/// Reads a `when:` mapping (SPEC §12, `docs/scenarios.md`).
enum ConditionReader {
    static let keys = [
        "turn", "attempt", "last_role", "last_user_contains", "last_user_matches", "tool_result", "tools_offered",
        "system_contains", "stream", "model", "header",
    ]
    static let roles = ["user", "assistant", "tool", "system"]

    /// The condition `node` states. `attempt` counts a session's requests to one scenario, so a
    /// `match` rule (which picks the scenario) cannot use it: `allowsAttempt` is false there.
    static func read(_ node: SourceNode, allowsAttempt: Bool) throws(ScenarioLoadError) -> RequestCondition {
        let fields = try node.mapping(allowed: keys)
        guard !fields.entries.isEmpty else {
            throw node.failure("give at least one of \(keys.joined(separator: ", "))")
        }
        var condition = RequestCondition()
        condition.turn = try fields["turn"].map { (node) throws(ScenarioLoadError) in try count(node) }
        if let attemptNode = fields["attempt"] {
            guard allowsAttempt else {
                throw attemptNode.failure(
                    "is only allowed in a step's when: a match rule picks the scenario before any request is counted")
            }
            condition.attempt = try count(attemptNode)
        }
        condition.lastRole = try fields["last_role"]?.choice(roles)
        condition.lastUserContains = try fields["last_user_contains"]?.string()
        if let patternNode = fields["last_user_matches"] {
            let source = try patternNode.string()
            do {
                condition.lastUserMatches = try TextPattern(source)
            } catch {
                throw patternNode.failure("is not a valid regular expression: \(error)")
            }
        }
        condition.toolResult = try fields["tool_result"].map { (node) throws(ScenarioLoadError) in
            try toolResult(node)
        }
        condition.toolsOffered = try fields["tools_offered"]?.string()
        condition.systemContains = try fields["system_contains"]?.string()
        condition.stream = try fields["stream"]?.bool()
        condition.model = try fields["model"]?.string()
        if let headerNode = fields["header"] {
            condition.headers = try StepReader.readHeaders(headerNode, allowsFraming: true)
            guard !condition.headers.isEmpty else { throw headerNode.failure("name at least one header") }
        }
        return condition
    }

    /// A count: a whole number (exactly that), or `{ min: A, max: B }` (either may be left out).
    static func count(_ node: SourceNode) throws(ScenarioLoadError) -> ClosedRange<Int> {
        let range = 1...Limits.maxCount
        if case .mapping = node.node {
            let fields = try node.mapping(allowed: ["min", "max"])
            let low = try fields["min"]?.int(in: range) ?? 1
            let high = try fields["max"]?.int(in: range) ?? Limits.maxCount
            guard low <= high else { throw node.failure("min (\(low)) is above max (\(high))") }
            return low...high
        }
        let value = try node.int(in: range)
        return value...value
    }

    static func toolResult(_ node: SourceNode) throws(ScenarioLoadError) -> RequestCondition.ToolResultCondition {
        if case .scalar = node.node { return .init(name: try node.string()) }
        let fields = try node.mapping(allowed: ["name", "id", "contains"])
        return .init(
            name: try fields["name"]?.string(), id: try fields["id"]?.string(),
            contains: try fields["contains"]?.string())
    }
}
