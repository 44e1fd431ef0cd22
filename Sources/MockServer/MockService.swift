import CassetteFormat
import Foundation
import Logging
import Playback

/// The mock's behaviour, independent of the socket: given a complete request, which plan answers
/// it. Resolution order: admin; a demanded scenario; a matching cassette interaction; otherwise
/// an error that says why (bad input, unknown path, wrong method, or a near-miss report).
public final class MockService: Sendable {
    public static let version = "0.1.0"

    public let configuration: ServerConfiguration
    public let replayer: CassetteReplayer
    let journal = RequestJournal()
    let startedAt = Date()
    let logger: Logger

    public init(configuration: ServerConfiguration, catalog: CassetteCatalog, logger: Logger) {
        self.configuration = configuration
        replayer = CassetteReplayer(catalog: catalog)
        self.logger = logger
    }

    /// Rewinds recorded sequences and clears the journal, for one session or all.
    public func reset(session: String?) {
        replayer.reset(session: session)
        journal.reset(session: session)
    }

    func respond(to request: ReceivedRequest) -> PlaybackPlan {
        let (rawPath, query) = request.pathAndQuery
        if rawPath.hasPrefix("/__admin/") {
            return AdminAPI(service: self).respond(method: request.method, path: rawPath, query: query)
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

        if let scenario = routed.scenario ?? request.head.headers.first(name: "x-mockrouter-scenario") {
            return fail("unknown_scenario", ErrorResponse(
                status: 404, message: "MockRouter: unknown scenario \"\(scenario)\"; no scenarios are loaded",
                metadata: [("known_scenarios", .array([]))]))
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
            journal.record(JournalEntry(time: MockService.now(), session: session, method: request.method, path: rawPath, query: query,
                                        body: request.body, status: entry.plan.status,
                                        answer: .cassette(path: entry.cassette, number: entry.number, occurrence: match.occurrence, isRepeat: match.isRepeat)))
            logger.debug("\(request.method) \(rawPath) → \(entry.plan.status) from \(entry.cassette) #\(entry.number)")
            return entry.plan
        }
        if let problem = BodyCheck.problem(with: incoming, contentType: request.head.headers.first(name: "content-type")) {
            return fail(problem.reason, problem.error)
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
