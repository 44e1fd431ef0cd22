import CassetteFormat
import Dialects
import Playback
import Scenarios
import Synchronization

/// Plays a scenario for a request: picks the step (the first whose `when:` holds, else the
/// session's next positional step), renders it in the request's dialect (streaming or aggregate),
/// and caches each rendering per (scenario, step, dialect, stream, model), so a step is rendered
/// once and then served as prepared bytes with each answer's own ids written over the placeholders.
final class ScenarioResponder: Sendable {
    let library: ScenarioLibrary
    let generations: GenerationRegistry
    private let cache = RenderingCache()

    struct Rendering: Sendable {
        let plan: PlaybackPlan
        let generation: GenerationRecord?
        let identitySites: IdentitySites?
    }

    /// The outcome of asking a scenario.
    enum Answer {
        case plan(PlaybackPlan, step: Int)
        case refused(ErrorResponse, reason: String)
    }

    init(library: ScenarioLibrary, generations: GenerationRegistry) {
        self.library = library
        self.generations = generations
    }

    /// Answers `request` from `scenario`; `requested` is a misbehaviour the request asked for
    /// (`X-MockRouter-Fault`), which wins over the step's own.
    func answer(_ request: IncomingRequest, with scenario: Scenario, session: String, requested: Misbehaviour? = nil)
        -> Answer
    {
        if request.path == EmbeddingResponder.path {
            return embeddings(request, with: scenario, session: session)
        }
        guard let dialect = Dialect(path: request.path) else {
            return .refused(
                ErrorResponse(
                    status: 400,
                    message:
                        "MockRouter: scenario \"\(scenario.name)\" answers POST /api/v1/chat/completions, /completions, /responses, /messages and /embeddings, not \(request.method) \(request.path)"
                ), reason: "scenario_wrong_endpoint")
        }
        let index: Int
        switch pickStep(request, scenario: scenario, session: session) {
        case .success(let picked): index = picked
        case .failure(let refusal): return .refused(refusal.error, reason: refusal.reason)
        }
        let stream = request.json?["stream"]?.boolValue ?? false
        let model = request.json?["model"]?.stringValue
        // The answer's number in the session, counted once, when seeded ids or a misbehaviour's draw need it.
        var counted: Int?
        let answerNumber = {
            if let counted { return counted }
            let number = self.library.nextAnswerNumber(for: scenario.name, session: session)
            counted = number
            return number
        }
        var misbehaviour: Misbehaviour?
        var requestTools: [String: JSONValue] = [:]
        var variant = ""
        if case .response(let step) = scenario.steps[index] {
            misbehaviour =
                requested
                ?? step.misbehaviour.flatMap {
                    $0.strikes(answer: answerNumber(), scenarioSeed: scenario.seed) ? $0 : nil
                }
        }
        if let misbehaviour {
            requestTools = RequestFacts.toolSchemas(of: request)
            variant = "\n\(misbehaviour.kind.rawValue)/\(misbehaviour.frame)/\(misbehaviour.violation?.rawValue ?? "")"
            if misbehaviour.kind == .toolArgsSchemaViolation || misbehaviour.kind == .toolUnknownName {
                variant +=
                    "\n"
                    + requestTools.sorted { $0.key < $1.key }.map { "\($0.key)=\(JSONWriter.string($0.value))" }
                    .joined(separator: "\n")
            }
        }
        var usage: RequestUsage?
        if case .response(let step) = scenario.steps[index], step.usage.promptTokens == nil || step.usage.cost == nil {
            usage = RequestUsage(
                promptTokens: RequestUsage.estimatePromptTokens(request), prices: CatalogueResponder.prices)
            variant += "\nprompt=\(usage?.promptTokens ?? 0)"
        }
        let key =
            "\(scenario.path)\n\(scenario.name)\n\(index)\n\(dialect.rawValue)\n\(stream)\n\(model ?? "")\(variant)"
        let rendering: Rendering
        if let cached = cache.lookup(key) {
            rendering = cached
        } else {
            do {
                let result = try ScenarioRendering.render(
                    scenario, stepIndex: index, dialect: dialect, stream: stream, model: model,
                    misbehaviour: misbehaviour, requestTools: requestTools, usage: usage)
                rendering = Rendering(
                    plan: result.plan, generation: result.script.map { GenerationRecord(script: $0, streamed: stream) },
                    identitySites: result.identitySites)
            } catch {
                return .refused(
                    ErrorResponse(
                        status: 400,
                        message:
                            "MockRouter: scenario \"\(scenario.name)\" step \(index + 1) cannot be rendered as \(dialect.path): \(error.message)"
                    ), reason: "scenario_not_renderable")
            }
            cache.store(rendering, for: key)
        }
        let (plan, generation) = stamp(rendering, scenario: scenario, session: session, answerNumber: answerNumber)
        generation.map { generations.record($0, session: session) }
        return .plan(plan, step: index + 1)
    }

    /// A scenario's answer on `/embeddings`: its error steps as OpenRouter's errors, its response
    /// steps as deterministic vectors (with the step's usage, when it fixes any).
    private func embeddings(_ request: IncomingRequest, with scenario: Scenario, session: String) -> Answer {
        switch pickStep(request, scenario: scenario, session: session) {
        case .failure(let refusal):
            return .refused(refusal.error, reason: refusal.reason)
        case .success(let index):
            switch scenario.steps[index] {
            case .error(let error, let ttftMs):
                return .plan(ScriptPlanBuilder.errorPlan(error, dialect: nil, offsetMs: ttftMs), step: index + 1)
            case .response(let step):
                return .plan(EmbeddingResponder.answer(request, fixed: step.usage), step: index + 1)
            }
        }
    }

    private struct Refusal: Error {
        let error: ErrorResponse
        let reason: String
    }

    /// The step that answers: the first whose `when:` holds (without moving the session's position),
    /// else the next positional step.
    private func pickStep(_ request: IncomingRequest, scenario: Scenario, session: String) -> Result<Int, Refusal> {
        var facts: RequestFacts?
        var attempt = 1
        if !scenario.conditions.isEmpty {
            let requestFacts = RequestFacts(request)
            attempt = library.nextAttempt(of: request, session: session)
            if let index = scenario.conditionalStep(for: requestFacts, attempt: attempt) { return .success(index) }
            facts = requestFacts
        }
        if let facts, scenario.positionalIndices.isEmpty {
            let reasons = scenario.steps.indices.compactMap { index in
                scenario.conditions[index]?.firstFailure(facts, attempt: attempt).map { "step \(index + 1): \($0)" }
            }
            return .failure(
                Refusal(
                    error: ErrorResponse(
                        status: 400,
                        message:
                            "MockRouter: no step of scenario \"\(scenario.name)\" holds for this request, and every step has a when: \(reasons.joined(separator: "; "))"
                    ), reason: "scenario_no_step"))
        }
        let number = library.nextRequestNumber(for: scenario.name, session: session)
        guard let (index, _) = scenario.step(forRequest: number) else {
            let count = scenario.positionalIndices.count
            return .failure(
                Refusal(
                    error: ErrorResponse(
                        status: 400,
                        message:
                            "MockRouter: scenario \"\(scenario.name)\" has only \(count) step\(count == 1 ? "" : "s") and this is request \(number) of session \"\(session)\" (after_last: error); POST /__admin/reset to start over"
                    ), reason: "scenario_exhausted"))
        }
        return .success(index)
    }

    /// The rendering with this answer's own identity (generation id, `created`, tool-call ids)
    /// written over its placeholders, and the generation record to match.
    private func stamp(_ rendering: Rendering, scenario: Scenario, session: String, answerNumber: () -> Int)
        -> (PlaybackPlan, GenerationRecord?)
    {
        guard let sites = rendering.identitySites, !sites.isEmpty else { return (rendering.plan, rendering.generation) }
        var random: SeededRandom
        switch scenario.ids {
        case .fresh:
            random = SeededRandom(seed: UInt64.random(in: .min ... .max))
        case .seeded:
            random = SeededRandom(seed: scenario.seed, SeededRandom.seed(for: session), UInt64(answerNumber()))
        }
        let identity = AnswerIdentity.fresh(toolCalls: sites.template.toolCallTails.count, using: &random)
        return (sites.stamp(identity, on: rendering.plan), rendering.generation?.stamped(identity))
    }

    /// Forgets cached renderings of scenarios that were replaced at run time.
    func forget(scenario name: String) { cache.forget(containing: "\n\(name)\n") }
}
