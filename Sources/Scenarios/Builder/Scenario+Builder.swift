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
    /// }
    /// ```
    ///
    /// A step the loader would refuse throws a `ScenarioLoadError` naming the scenario's source
    /// line (`file:line`) and the step; an error `steps` throws is passed on.
    public init(
        _ name: String, description: String? = nil, model: String? = nil, provider: String = "OpenAI",
        seed: UInt64? = nil, match: MatchRule? = nil, afterLast: AfterLast = .repeatLast,
        fileID: String = #fileID, line: Int = #line,
        @ScenarioStepsBuilder steps: () throws -> [ScenarioStep]
    ) throws {
        let source = "\(fileID):\(line)"
        func failure(_ key: String?, _ message: String) -> ScenarioLoadError {
            ScenarioLoadError(path: source, line: nil, key: key, message: message)
        }
        guard name.range(of: "^[a-z0-9][a-z0-9._-]*$", options: .regularExpression) != nil else {
            throw failure(
                "name", "\"\(name)\" is not a valid scenario name: use lowercase letters, digits, '.', '_' and '-'")
        }
        let built = try steps()
        guard !built.isEmpty else { throw failure("steps", "must list at least one step") }
        for (index, step) in built.enumerated() {
            if let problem = step.problem { throw failure("steps[\(index)]", problem) }
        }
        self.init(
            name: name, description: description, model: model, provider: provider,
            seed: seed ?? SeededRandom.seed(for: name), match: match, afterLast: afterLast, steps: built,
            path: "swift:\(source)")
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
            guard ttftMs.isFinite, ttftMs >= 0 else { return "timing.ttft_ms must be a finite number of ms, 0 or more" }
            return nil
        case .response(let step):
            return step.problem
        }
    }
}

extension ResponseStep {
    /// What the loader would refuse in this step, or `nil` when it is valid.
    var problem: String? {
        if text == nil && reasoning == nil && toolCalls.isEmpty && base == nil {
            return "a response step needs text, reasoning, tool_calls or base"
        }
        let durations = [timing.ttftMs, timing.jitterMs, keepAlive.intervalMs] + timing.pauses.map(\.ms)
        if durations.contains(where: { !$0.isFinite || $0 < 0 }) {
            return "timing values must be finite numbers of ms, 0 or more"
        }
        if let rate = timing.tokensPerSecond, !(rate.isFinite && rate > 0) {
            return "timing.tokens_per_second must be greater than 0"
        }
        if let stall = fault?.stallMs, !(stall.isFinite && stall >= 0) {
            return "fault.stall_ms must be a finite number of ms, 0 or more"
        }
        if let error = midstreamError, !(400...599).contains(error.code) {
            return "midstream_error.code must be 400–599"
        }
        if chunking.arguments < 1 { return "chunking.arguments must be a positive number of characters" }
        for rule in [chunking.text, chunking.reasoning] {
            if case .characters(let size) = rule, size < 1 { return "chunking sizes must be positive" }
        }
        if let cost = usage.cost, cost.doubleValue?.isFinite != true { return "usage.cost must be a finite number" }
        return nil
    }
}
