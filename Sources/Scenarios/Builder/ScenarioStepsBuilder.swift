/// Collects the steps of a scenario written in Swift: each line is a `ScenarioStep` (an error)
/// or a `ResponseStep` (a response), in request order; `if`, `for` and `switch` work as usual.
@resultBuilder
public enum ScenarioStepsBuilder {
    public static func buildExpression(_ step: ScenarioStep) -> [ScenarioStep] { [step] }
    public static func buildExpression(_ step: ResponseStep) -> [ScenarioStep] { [.response(step)] }
    public static func buildExpression(_ steps: [ScenarioStep]) -> [ScenarioStep] { steps }
    public static func buildBlock(_ parts: [ScenarioStep]...) -> [ScenarioStep] { parts.flatMap { $0 } }
    public static func buildArray(_ parts: [[ScenarioStep]]) -> [ScenarioStep] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [ScenarioStep]?) -> [ScenarioStep] { part ?? [] }
    public static func buildEither(first part: [ScenarioStep]) -> [ScenarioStep] { part }
    public static func buildEither(second part: [ScenarioStep]) -> [ScenarioStep] { part }
}
