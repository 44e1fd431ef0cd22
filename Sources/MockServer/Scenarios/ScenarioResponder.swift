import CassetteFormat
import Dialects
import Playback
import Scenarios
import Synchronization

/// Plays a scenario for a request: picks the session's next step, renders it in the request's
/// dialect (streaming or aggregate), and caches each rendering per (scenario, step, dialect,
/// stream, model), so a step is rendered once and then served as prepared bytes.
final class ScenarioResponder: Sendable {
    let library: ScenarioLibrary
    let generations: GenerationRegistry
    private let cache = Mutex<[String: Rendering]>([:])

    struct Rendering: Sendable {
        let plan: PlaybackPlan
        let generation: GenerationRecord?
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

    func answer(_ request: IncomingRequest, with scenario: Scenario, session: String) -> Answer {
        guard let dialect = Dialect(path: request.path) else {
            return .refused(
                ErrorResponse(
                    status: 400,
                    message:
                        "MockRouter: scenario \"\(scenario.name)\" answers POST /api/v1/chat/completions, /completions, /responses and /messages, not \(request.method) \(request.path)"
                ), reason: "scenario_wrong_endpoint")
        }
        let number = library.nextRequestNumber(for: scenario.name, session: session)
        guard let (index, _) = scenario.step(forRequest: number) else {
            return .refused(
                ErrorResponse(
                    status: 400,
                    message:
                        "MockRouter: scenario \"\(scenario.name)\" has only \(scenario.steps.count) step\(scenario.steps.count == 1 ? "" : "s") and this is request \(number) of session \"\(session)\" (after_last: error); POST /__admin/reset to start over"
                ), reason: "scenario_exhausted")
        }
        let stream = request.json?["stream"]?.boolValue ?? false
        let model = request.json?["model"]?.stringValue
        let key = "\(scenario.path)\n\(scenario.name)\n\(index)\n\(dialect.rawValue)\n\(stream)\n\(model ?? "")"
        if let cached = cache.withLock({ $0[key] }) {
            cached.generation.map(generations.record)
            return .plan(cached.plan, step: index + 1)
        }
        do {
            let result = try ScenarioRendering.render(
                scenario, stepIndex: index, dialect: dialect, stream: stream, model: model)
            let rendering = Rendering(
                plan: result.plan, generation: result.script.map { GenerationRecord(script: $0, streamed: stream) })
            cache.withLock { cache in
                if cache.count >= ScenarioResponder.cacheLimit { cache.removeAll(keepingCapacity: true) }
                cache[key] = rendering
            }
            rendering.generation.map(generations.record)
            return .plan(rendering.plan, step: index + 1)
        } catch {
            return .refused(
                ErrorResponse(
                    status: 400,
                    message:
                        "MockRouter: scenario \"\(scenario.name)\" step \(index + 1) cannot be rendered as \(dialect.path): \(error.message)"
                ), reason: "scenario_not_renderable")
        }
    }

    /// Renderings kept at most (4,096): each model name a request names makes its own, so past it the
    /// cache starts over rather than grow with every name a client invents.
    static let cacheLimit = 4_096

    /// Forgets cached renderings of scenarios that were replaced at run time.
    func forget(scenario name: String) {
        cache.withLock { cache in cache = cache.filter { !$0.key.contains("\n\(name)\n") } }
    }
}
