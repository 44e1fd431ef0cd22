import CassetteFormat
import Foundation
import Logging
import Playback
import Scenarios

/// The mock's behaviour, independent of the socket: given a complete request, which plan answers
/// it. Resolution order (SPEC §3): admin; a scenario demanded by header or path; a matching cassette
/// interaction; a scenario named by `"model": "mockrouter/NAME"`; a scenario whose `match` rule
/// fits; the bundled catalogue for read-only endpoints; otherwise an error that says why (bad
/// input, unknown path, wrong method, or a near-miss report).
public final class MockService: Sendable {
    public static let version = "0.1.0"

    public let configuration: ServerConfiguration
    public let replayer: CassetteReplayer
    public let scenarios: ScenarioLibrary
    let scenarioResponder: ScenarioResponder
    let generations = GenerationRegistry()
    let journal = RequestJournal()
    let startedAt = Date()
    let logger: Logger

    public init(configuration: ServerConfiguration, catalog: CassetteCatalog, scenarios: ScenarioLibrary = ScenarioLibrary(scenarios: []), logger: Logger) {
        self.configuration = configuration
        replayer = CassetteReplayer(catalog: catalog)
        self.scenarios = scenarios
        scenarioResponder = ScenarioResponder(library: scenarios, generations: generations)
        self.logger = logger
    }

    /// Rewinds recorded sequences and clears the journal, for one session or all.
    public func reset(session: String?) {
        replayer.reset(session: session)
        scenarios.reset(session: session)
        journal.reset(session: session)
        if session == nil { generations.reset() }
    }

    func respond(to request: ReceivedRequest) -> PlaybackPlan {
        let (rawPath, query) = request.pathAndQuery
        if rawPath.hasPrefix("/__admin/") {
            return AdminAPI(service: self).respond(method: request.method, path: rawPath, query: query, body: request.body)
        }
        let routed = RoutedPath(rawPath)
        let session = routed.session ?? request.head.headers.first(name: "x-mockrouter-session") ?? "default"
        let incoming = IncomingRequest(method: request.method, path: routed.apiPath, query: query,
                                       headers: request.headerFields, body: request.body)
        let anthropic = Endpoint.isAnthropic(incoming.path)

        func fail(_ reason: String, _ error: ErrorResponse) -> PlaybackPlan {
            var error = error
            error.anthropic = anthropic
            journal.record(JournalEntry(time: MockService.now(), session: session, method: request.method, path: rawPath, query: query,
                                        body: request.body, status: error.status, answer: .error(reason: reason, message: error.message)))
            logger.debug("\(request.method) \(rawPath) → \(error.status) \(reason)")
            return error.plan
        }

        func record(_ plan: PlaybackPlan, _ answer: JournalEntry.Answer) -> PlaybackPlan {
            journal.record(JournalEntry(time: MockService.now(), session: session, method: request.method, path: rawPath, query: query,
                                        body: request.body, status: plan.status, answer: answer))
            return plan
        }

        func play(_ scenario: Scenario) -> PlaybackPlan {
            switch scenarioResponder.answer(incoming, with: scenario, session: session) {
            case let .plan(plan, step):
                logger.debug("\(request.method) \(rawPath) → \(plan.status) from scenario \(scenario.name) step \(step)")
                return record(plan, .scenario(name: scenario.name, step: step))
            case let .refused(error, reason):
                return fail(reason, error)
            }
        }

        func unknownScenario(_ name: String) -> PlaybackPlan {
            let known = scenarios.names
            return fail("unknown_scenario", ErrorResponse(
                status: 404, message: "MockRouter: unknown scenario \"\(name)\"; known scenarios: \(known.isEmpty ? "(none loaded)" : known.joined(separator: ", "))",
                metadata: [("known_scenarios", .array(known.map(JSONValue.string)))]))
        }

        let contentType = request.head.headers.first(name: "content-type")
        if let name = routed.scenario ?? request.head.headers.first(name: "x-mockrouter-scenario") {
            guard let scenario = scenarios.scenario(named: name) else { return unknownScenario(name) }
            if let problem = BodyCheck.problem(with: incoming, contentType: contentType) { return fail(problem.reason, problem.error) }
            return play(scenario)
        }
        guard incoming.path.hasPrefix(APIPath.prefix + "/") else {
            return fail("unknown_path", ErrorResponse(status: 404, message: "Not Found: \(rawPath) is not an OpenRouter API path (expected /api/v1/... or /v1/...)"))
        }
        if let required = configuration.requiredKey, !KeyCheck.accepts(request.head.headers, key: required, anthropic: anthropic) {
            let sent = request.head.headers.first(name: "authorization") != nil || request.head.headers.first(name: "x-api-key") != nil
            return fail("unauthorized", ErrorResponse(status: 401, message: sent ? "User not found." : "No auth credentials found"))
        }
        if let match = replayer.answer(incoming, session: session) {
            let entry = match.entry
            logger.debug("\(request.method) \(rawPath) → \(entry.plan.status) from \(entry.cassette) #\(entry.number)")
            return record(entry.plan, .cassette(path: entry.cassette, number: entry.number, occurrence: match.occurrence, isRepeat: match.isRepeat))
        }
        if let problem = BodyCheck.problem(with: incoming, contentType: contentType) {
            return fail(problem.reason, problem.error)
        }
        if let model = incoming.json?["model"]?.stringValue, model.hasPrefix("mockrouter/") {
            let name = String(model.dropFirst("mockrouter/".count))
            guard let scenario = scenarios.scenario(named: name) else { return unknownScenario(name) }
            return play(scenario)
        }
        if let scenario = scenarios.matching(incoming) {
            return play(scenario)
        }
        if let plan = CatalogueResponder(generations: generations).answer(incoming) {
            return record(plan, .catalogue)
        }
        if let expected = Endpoint.method(for: incoming.path), expected != incoming.method.uppercased() {
            return fail("method_not_allowed", ErrorResponse(
                status: 405, message: "Method \(incoming.method) is not allowed on \(incoming.path); use \(expected)", headers: [("allow", expected)]))
        }
        return fail("no_match", NoMatchReport(request: incoming, catalog: replayer.catalog).error)
    }

    static func now() -> String {
        Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
