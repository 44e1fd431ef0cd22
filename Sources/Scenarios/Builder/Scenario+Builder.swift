import CassetteFormat
import Foundation
import Playback

extension Scenario {
    /// A scenario written in Swift: the same model `ScenarioLoader` reads from YAML, checked by the
    /// same rules, so a test can script an answer without a file.
    ///
    /// ```swift
    /// let scenario = try Scenario("weather-after-429", model: "openai/gpt-4.1") {
    ///     ScenarioStep.error(status: 429, message: "Rate limit exceeded", retryAfter: 1)
    ///     ResponseStep.toolCall("get_weather", arguments: ["city": "Paris"])
    ///         .timing(ttftMs: 300, tokensPerSecond: 80)
    ///     ResponseStep.text("Sunny in Paris.").when(.toolResult(name: "get_weather"))
    /// }
    /// ```
    ///
    /// A step the loader would refuse throws a `ScenarioLoadError` naming the scenario's source
    /// line (`file:line`) and the step; an error `steps` throws is passed on.
    public init(
        _ name: String, description: String? = nil, model: String? = nil, provider: String = "OpenAI",
        seed: UInt64? = nil, ids: IDMode = .fresh, match: MatchRule? = nil, afterLast: AfterLast = .repeatLast,
        fileID: String = #fileID, line: Int = #line,
        @ScenarioStepsBuilder steps: () throws -> [ConditionalStep]
    ) throws {
        let source = "\(fileID):\(line)"
        func failure(_ key: String?, _ message: String) -> ScenarioLoadError {
            ScenarioLoadError(path: source, line: nil, key: key, message: message)
        }
        guard Scenario.isValidName(name) else {
            throw failure(
                "name", "\"\(name)\" is not a valid scenario name: use lowercase letters, digits, '.', '_' and '-'")
        }
        let built = try steps()
        guard !built.isEmpty else { throw failure("steps", "must list at least one step") }
        guard built.count <= Limits.maxSteps else {
            throw failure("steps", "lists \(built.count) steps; at most \(Limits.maxSteps) are allowed")
        }
        for (index, entry) in built.enumerated() {
            if let problem = entry.step.problem ?? entry.condition?.problem {
                throw failure("steps[\(index)]", problem)
            }
        }
        if match?.when?.attempt != nil {
            throw failure("match.when.attempt", "is only allowed in a step's when")
        }
        self.init(
            name: name, description: description, model: model, provider: provider,
            seed: seed ?? SeededRandom.seed(for: name), match: match, afterLast: afterLast, steps: built.map(\.step),
            path: "swift:\(source)",
            conditions: Dictionary(
                uniqueKeysWithValues: built.enumerated().compactMap { index, entry in
                    entry.condition.map { (index, $0) }
                }),
            ids: ids)
    }
}

extension ScenarioStep {
    /// What the loader would refuse in this step, or `nil` when it is valid.
    var problem: String? {
        switch self {
        case .error(let error, let ttftMs):
            guard (400...599).contains(error.status) else {
                return "status \(error.status) is not an error status (400–599)"
            }
            guard Limits.isDuration(ttftMs) else { return "timing.ttft_ms must be 0 to 86400000 ms (24 h)" }
            return ResponseStep.headerProblem(error.headers)
        case .response(let step):
            return step.problem
        }
    }
}

extension ResponseStep {
    /// What the loader would refuse in this step, or `nil` when it is valid (the same limits, from `Limits`).
    var problem: String? {
        if text == nil && reasoning == nil && toolCalls.isEmpty && base == nil {
            return "a response step needs text, reasoning, tool_calls or base"
        }
        return timingProblem ?? contentProblem ?? ResponseStep.headerProblem(headers)
    }

    private var timingProblem: String? {
        let durations = [timing.ttftMs, timing.jitterMs, keepAlive.intervalMs] + timing.pauses.map(\.ms)
        if !durations.allSatisfy({ Limits.isDuration($0) }) { return "durations must be 0 to 86400000 ms (24 h)" }
        if timing.pauses.count > Limits.maxPauses { return "at most \(Limits.maxPauses) pauses are allowed" }
        if keepAlive.intervalMs > 0 && keepAlive.intervalMs < Limits.minKeepAliveIntervalMs {
            return "keepalive.interval_ms must be 0 or at least \(Int(Limits.minKeepAliveIntervalMs)) ms"
        }
        if let rate = timing.tokensPerSecond, !Limits.tokensPerSecond.contains(rate) {
            return "timing.tokens_per_second must be within \(Limits.tokensPerSecond)"
        }
        if let stall = fault?.stallMs, !Limits.isDuration(stall) { return "fault.stall_ms must be 0 to 86400000 ms" }
        return nil
    }

    private var contentProblem: String? {
        if toolCalls.count > Limits.maxToolCalls { return "at most \(Limits.maxToolCalls) tool calls are allowed" }
        if let misbehaviour {
            if misbehaviour.kind.needsToolCalls && toolCalls.isEmpty {
                return "misbehaviour \(misbehaviour.kind.rawValue) changes tool calls; give the step tool_calls"
            }
            if !(0...1).contains(misbehaviour.rate) { return "misbehaviour.rate must be within 0...1" }
            if !(1...Limits.maxCount).contains(misbehaviour.frame) {
                return "misbehaviour.frame must be within 1...\(Limits.maxCount)"
            }
        }
        if let error = midstreamError, !(400...599).contains(error.code) {
            return "midstream_error.code must be 400–599"
        }
        if chunking.arguments < 1 { return "chunking.arguments must be a positive number of characters" }
        for rule in [chunking.text, chunking.reasoning] {
            if case .characters(let size) = rule, size < 1 { return "chunking sizes must be positive" }
        }
        let counts = [usage.promptTokens, usage.completionTokens, usage.reasoningTokens, usage.cachedTokens]
        if !counts.allSatisfy({ (0...Limits.maxTokens).contains($0 ?? 0) }) {
            return "token counts must be 0 to \(Limits.maxTokens)"
        }
        if let cost = usage.cost, cost.doubleValue?.isFinite != true { return "usage.cost must be a finite number" }
        return nil
    }

    /// Why `headers` cannot be sent as written (a framing header), or `nil`.
    static func headerProblem(_ headers: [(String, String)]) -> String? {
        guard let framing = headers.first(where: { PlaybackPlan.isFramingHeader($0.0) }) else { return nil }
        return "headers: \(framing.0) is a framing header, which the server always computes itself"
    }
}
