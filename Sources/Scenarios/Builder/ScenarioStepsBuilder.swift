/// Collects the steps of a scenario written in Swift: each line is a `ScenarioStep` (an error),
/// a `ResponseStep` (a response), or either with `.when(…)` (a conditional step); positional steps
/// in request order; `if`, `for` and `switch` work as usual.
@resultBuilder
public enum ScenarioStepsBuilder {
    public static func buildExpression(_ step: ScenarioStep) -> [ConditionalStep] { [ConditionalStep(step)] }
    public static func buildExpression(_ step: ResponseStep) -> [ConditionalStep] {
        [ConditionalStep(.response(step))]
    }
    public static func buildExpression(_ step: ConditionalStep) -> [ConditionalStep] { [step] }
    public static func buildExpression(_ steps: [ScenarioStep]) -> [ConditionalStep] { steps.map { .init($0) } }
    public static func buildBlock(_ parts: [ConditionalStep]...) -> [ConditionalStep] { parts.flatMap { $0 } }
    public static func buildArray(_ parts: [[ConditionalStep]]) -> [ConditionalStep] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [ConditionalStep]?) -> [ConditionalStep] { part ?? [] }
    public static func buildEither(first part: [ConditionalStep]) -> [ConditionalStep] { part }
    public static func buildEither(second part: [ConditionalStep]) -> [ConditionalStep] { part }
}

/// A step with the `when:` that decides when it answers (`nil`: it answers by position).
public struct ConditionalStep: Sendable {
    public var step: ScenarioStep
    public var condition: RequestCondition?

    public init(_ step: ScenarioStep, when condition: RequestCondition? = nil) {
        self.step = step
        self.condition = condition
    }
}

extension ScenarioStep {
    /// This step, answering whenever `condition` holds (before any step by position).
    public func when(_ condition: RequestCondition) -> ConditionalStep { ConditionalStep(self, when: condition) }
}

extension ResponseStep {
    /// This step, answering whenever `condition` holds (before any step by position).
    public func when(_ condition: RequestCondition) -> ConditionalStep {
        ConditionalStep(.response(self), when: condition)
    }
}
