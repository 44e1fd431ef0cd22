import CassetteFormat
import Dialects
import NIOCore
import Playback

/// One step of a scenario rendered in one dialect: the plan the server plays (and
/// `mockrouter scenario render` prints), and the script behind it when the step was scripted.
public enum ScenarioRendering {
    public struct Result: Sendable {
        public let plan: PlaybackPlan
        /// The compiled script, for generation bookkeeping; `nil` for error steps and recorded bases.
        public let script: ResponseScript?
        /// Where the script's placeholder identity sits in the plan, for answers to write theirs over
        /// it; `nil` when the plan has none.
        public let identitySites: IdentitySites?
    }

    /// Renders step `stepIndex` of `scenario`; a response step with `misbehaviour` (the step's
    /// own when it strikes, or one a request asked for) misbehaves. `requestTools` (each offered
    /// tool's parameter schema) is what `tool_args_schema_violation` breaks and `tool_unknown_name`
    /// avoids; `usage` is what the step's unfixed usage is computed from.
    public static func render(
        _ scenario: Scenario, stepIndex: Int, dialect: Dialect, stream: Bool, model: String?,
        misbehaviour: Misbehaviour? = nil, requestTools: [String: JSONValue] = [:], usage: RequestUsage? = nil
    ) throws(RenderError) -> Result {
        switch scenario.steps[stepIndex] {
        case .error(let error, let ttftMs):
            return Result(
                plan: ScriptPlanBuilder.errorPlan(error, dialect: dialect, offsetMs: ttftMs), script: nil,
                identitySites: nil)
        case .response(let step):
            var plan: PlaybackPlan
            var script: ResponseScript?
            var sites: IdentitySites?
            if let base = step.base {
                plan = PlaybackPlan(replaying: base.recorded)
                if let fault = step.fault {
                    ScriptPlanBuilder.apply(
                        fault, at: position(afterDataFrames: fault.afterTokens, in: plan), to: &plan.steps)
                }
            } else {
                let identity = ScenarioCompiler.placeholderIdentity(step, of: scenario, stepIndex: stepIndex)
                var compiled = ScenarioCompiler.script(
                    step, of: scenario, stepIndex: stepIndex, requestModel: model, identity: identity, usage: usage)
                misbehaviour?.apply(
                    to: &compiled, conventions: ProviderConventions(provider: scenario.provider),
                    requestTools: requestTools, countsCompletion: step.usage.completionTokens == nil)
                if misbehaviour != nil, step.usage.cost == nil {
                    compiled.usage.cost = ScenarioCompiler.cost(
                        prompt: compiled.usage.promptTokens, completion: compiled.usage.completionTokens,
                        price: usage?.prices[compiled.model])
                }
                plan = try ScriptPlanBuilder.plan(compiled, dialect: dialect, stream: stream)
                if let misbehaviour, misbehaviour.kind == .duplicatedFrame, stream {
                    duplicate(dataFrame: misbehaviour.frame, in: &plan)
                }
                script = compiled
                sites = IdentitySites(locating: identity, in: plan)
            }
            plan.headers += step.headers
            return Result(plan: plan, script: script, identitySites: sites)
        }
    }

    /// Sends the `number`-th `data:` frame (1-based) twice; nothing when the stream has fewer.
    public static func duplicate(dataFrame number: Int, in plan: inout PlaybackPlan) {
        var seen = 0
        for (index, step) in plan.steps.enumerated() {
            guard case .bytes(let buffer, _) = step, SSEEvent(parsing: Array(buffer.readableBytesView)).hasData else {
                continue
            }
            seen += 1
            if seen == number {
                plan.steps.insert(step, at: index + 1)
                return
            }
        }
    }

    /// Where a fault goes in a replayed recording: after its N-th `data:` frame.
    public static func position(afterDataFrames frames: Int, in plan: PlaybackPlan) -> Int {
        var seen = 0
        for (index, step) in plan.steps.enumerated() {
            guard case .bytes(let buffer, _) = step else { continue }
            if seen == frames { return index }
            if SSEEvent(parsing: Array(buffer.readableBytesView)).hasData { seen += 1 }
        }
        return plan.steps.count
    }
}
