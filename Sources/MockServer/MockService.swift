import CassetteFormat
import Dialects
import Foundation
import Logging
import NIOHTTP1
import Playback
import Scenarios
import Synchronization
import Validation

/// The mock's behaviour, independent of the socket: given a complete request, which plan answers
/// it. Resolution order (SPEC §3): admin; a scenario demanded by header or path; a matching cassette
/// interaction; a scenario named by `"model": "mockrouter/NAME"`; a scenario whose `match` rule
/// fits; the bundled catalogue for read-only endpoints; otherwise an error that says why (bad
/// input, unknown path, wrong method, or a near-miss report).
public final class MockService: Sendable {
    public static let version = "0.1.0"

    public let configuration: ServerConfiguration
    public let mode: ServingMode
    public let replayer: CassetteReplayer
    public let scenarios: ScenarioLibrary
    let scenarioResponder: ScenarioResponder
    let generations = GenerationRegistry()
    let quotas = QuotaWindows()
    /// Stalled answers, watched for how long their clients held them (the verdict).
    let stalls = StallLog()
    let journal: RequestJournal
    let sessions: SessionRoster
    let startedAt = Date()
    let logger: Logger
    /// Forwarded requests not yet finished and recorded; shutdown waits for them.
    let inFlight = Atomic<Int>(0)
    /// Client connections open now, for `--max-connections`.
    let openConnections = Atomic<Int>(0)
    /// Set when shutdown begins: new requests on open connections get 503 and a closed connection.
    let draining = Atomic<Bool>(false)

    /// What the connection does with a request: play a plan, or forward it upstream.
    enum Reply {
        case plan(PlaybackPlan)
        /// Work too heavy for an event loop (parsing a posted scenario): run it on a thread pool, then play its plan.
        case offLoop(@Sendable () -> PlaybackPlan)
        case forward(ForwardRequest, any UpstreamForwarding)
    }

    public init(
        configuration: ServerConfiguration, catalog: CassetteCatalog,
        scenarios: ScenarioLibrary = ScenarioLibrary(scenarios: []),
        mode: ServingMode = .replay, logger: Logger
    ) {
        self.configuration = configuration
        self.mode = mode
        replayer = CassetteReplayer(catalog: catalog)
        self.scenarios = scenarios
        scenarioResponder = ScenarioResponder(library: scenarios, generations: generations)
        journal = RequestJournal(byteLimit: configuration.journalBytes)
        sessions = SessionRoster(capacity: configuration.maxSessions)
        self.logger = logger
        if configuration.validation != .off { _ = RequestValidator.openRouter }
    }

    /// Marks `session` used, evicting the least recently used sessions past `--max-sessions`: their
    /// steps, positions and scenarios are forgotten, and their journal says so.
    private func use(_ session: String) {
        for evicted in sessions.touch(session) {
            replayer.reset(session: evicted)
            scenarios.forget(session: evicted)
            generations.forget(session: evicted)
            stalls.reset(session: evicted)
            journal.record(
                JournalEntry(
                    time: Date(), session: evicted, method: "-", path: "-", query: nil, headers: HTTPHeaders(),
                    body: [], status: 0, answer: .evicted(capacity: sessions.capacity)))
        }
    }

    /// The requests answered so far, oldest first, of `session` or of every session when `nil`
    /// (the latest 10,000, with at most `--journal-bytes` of bodies, are kept).
    public func requests(session: String?) -> [JournalEntry] {
        journal.entries(session: session)
    }

    /// The verdict on the client from the journal, of `session` or of every session when `nil`, as
    /// `GET /__admin/verdict` answers it with the default thresholds.
    public func verdict(session: String?) -> JSONValue { verdict(session: session, thresholds: VerdictThresholds()) }

    func verdict(session: String?, thresholds: VerdictThresholds) -> JSONValue {
        let entries = journal.entries(session: session)
        let judge = ClientVerdict(
            thresholds: thresholds, redactor: configuration.redactor,
            scenario: { [scenarios] name, session in scenarios.scenario(named: name, session: session) })
        let findings = judge.findings(entries: entries, stalls: stalls.watches(session: session))
        let counts = Finding.Severity.allCases.map { severity in
            (severity.rawValue, JSONValue.int(findings.filter { $0.severity == severity }.count))
        }
        return .object([
            ("session", session.map(JSONValue.string) ?? .null),
            ("requests", .int(entries.filter(\.isInference).count)),
            ("counts", .object(counts)),
            ("findings", .array(findings.map { $0.jsonValue(redactor: configuration.redactor) })),
            ("thresholds", thresholds.jsonValue),
        ])
    }

    /// Adds or replaces a scenario at run time, for every session or for `session` only; returns
    /// whether it replaced one of the same name in that scope.
    @discardableResult
    public func addScenario(_ scenario: Scenario, session: String? = nil) -> Bool {
        if let session { use(session) }
        let replaced = scenarios.add(scenario, session: session)
        scenarioResponder.forget(scenario: scenario.name)
        return replaced
    }

    /// Rewinds recorded sequences and clears the journal, for one session or all.
    public func reset(session: String?) {
        replayer.reset(session: session)
        scenarios.reset(session: session)
        journal.reset(session: session)
        stalls.reset(session: session)
        if let session {
            generations.forget(session: session)
        } else {
            generations.reset()
            quotas.reset()
        }
    }

    /// The mode table: admin is always local; record mode forwards every API request; hybrid and
    /// replay resolve locally, and hybrid forwards what nothing local answers.
    func reply(to request: ReceivedRequest) -> Reply {
        let (rawPath, query) = request.pathAndQuery
        if rawPath.hasPrefix("/__admin/") {
            if let token = configuration.adminToken,
                request.head.headers.first(name: "authorization") != "Bearer \(token)"
            {
                return .plan(
                    ErrorResponse(
                        status: 401,
                        message: "MockRouter: /__admin/ needs Authorization: Bearer <the server's --admin-token>",
                        metadata: [("error_type", .string("authentication"))]
                    ).plan)
            }
            return AdminAPI(service: self).respond(
                method: request.method, path: rawPath, query: query, body: request.body)
        }
        let routed = RoutedPath(rawPath)
        let session = routed.session ?? request.head.headers.first(name: "x-mockrouter-session") ?? "default"
        use(session)
        let redactor = configuration.redactor
        let incoming = IncomingRequest(
            method: request.method, path: routed.apiPath, query: query.map(redactor.redact),
            body: redactor.redact(request.body), headers: request.head.headers.map { ($0.name, $0.value) })
        let context = RequestContext(
            request: request, rawPath: rawPath, query: query, routed: routed, session: session,
            fault: request.head.headers.first(name: HeaderFault.headerName).map(HeaderFault.parse),
            incoming: incoming, violations: violations(of: incoming))
        let forward = {
            ForwardRequest(
                method: request.method, path: APIPath.canonical(routed.apiPath), query: query,
                headers: request.headerFields, body: request.body, session: session)
        }
        switch mode {
        case .replay:
            return .plan(resolveLocally(context) ?? fallback(context))
        case .record(let upstream):
            return .forward(forward(), upstream)
        case .hybrid(let upstream, _):
            return resolveLocally(context).map(Reply.plan) ?? .forward(forward(), upstream)
        }
    }

    /// After a forwarded request: journal it, and in hybrid mode make its recording answer from now on.
    func didForward(_ request: ForwardRequest, rawPath: String, recorded: Interaction?) {
        journal.record(
            JournalEntry(
                time: Date(), session: request.session, method: request.method, path: rawPath, query: request.query,
                headers: HTTPHeaders(request.headers.map { ($0.name, $0.value) }), body: request.body,
                status: recorded?.response.status ?? 0, answer: .upstream))
        if case .hybrid(_, let cassette) = mode, let recorded {
            replayer.add(recorded, cassette: cassette)
        }
    }

    /// One request on its way through resolution.
    struct RequestContext {
        let request: ReceivedRequest
        let rawPath: String
        let query: String?
        let routed: RoutedPath
        let session: String
        /// What `X-MockRouter-Fault` asks for, when the request sends it.
        let fault: Result<HeaderFault, HeaderFaultError>?
        /// The request as matching sees it (body redacted as recordings are).
        let incoming: IncomingRequest
        /// What the request breaks of OpenRouter's request rules (empty with `--validate off`).
        let violations: [Violation]
        var anthropic: Bool { Endpoint.isAnthropic(incoming.path) }
    }

    /// What `incoming` breaks of OpenRouter's request rules, when it is a POST to an inference
    /// endpoint with a JSON object body, validation is on, and the mock may answer it (record mode
    /// forwards everything, so nothing would carry the result).
    private func violations(of incoming: IncomingRequest) -> [Violation] {
        if case .record = mode { return [] }
        let path = APIPath.canonical(incoming.path)
        guard configuration.validation != .off, Endpoint.isInference(path), case .object = incoming.json else {
            return []
        }
        let endpoint = String(path.dropFirst(APIPath.prefix.count + 1))
        return RequestValidator.openRouter.violations(endpoint: endpoint, body: incoming.json ?? .null)
    }

    private func record(_ plan: PlaybackPlan, _ answer: JournalEntry.Answer, _ context: RequestContext) -> PlaybackPlan
    {
        var plan = plan
        if configuration.validation == .warn && !context.violations.isEmpty {
            plan.headers.append((Violation.warningHeader, Violation.warning(context.violations)))
        }
        if (200..<300).contains(plan.status), case .success(let fault) = context.fault {
            let scenarioAnswer = if case .scenario = answer { true } else { false }
            if !(scenarioAnswer && fault.misbehaviour != nil) {
                guard
                    let faulted = fault.apply(
                        to: plan, dialect: Dialect(path: context.incoming.path),
                        model: context.incoming.json?["model"]?.stringValue)
                else {
                    return fail(
                        "bad_fault_header",
                        ErrorResponse(
                            status: 400,
                            message:
                                "MockRouter: X-MockRouter-Fault: a misbehaviour other than duplicated_frame needs a scenario's answer; this request was answered \(answer.summary)"
                        ), context)
                }
                plan = faulted
            }
        }
        let now = Date()
        if plan.endsInEndlessStall {
            let watch = StallWatch(session: context.session, answered: now)
            stalls.add(watch)
            plan.stallObserver = watch
        }
        journal.record(
            JournalEntry(
                time: now, session: context.session, method: context.request.method, path: context.rawPath,
                query: context.query, headers: context.request.head.headers, body: context.request.body,
                status: plan.status, answer: answer, violations: context.violations,
                retryAfterSeconds: plan.headers.first { $0.0.lowercased() == "retry-after" }.flatMap {
                    Double($0.1).flatMap { $0.isFinite && $0 >= 0 ? $0 : nil }
                }))
        return plan
    }

    private func fail(_ reason: String, _ error: ErrorResponse, _ context: RequestContext) -> PlaybackPlan {
        var error = error
        error.anthropic = context.anthropic
        logger.debug("\(context.request.method) \(context.rawPath) → \(error.status) \(reason)")
        return record(error.plan, .error(reason: reason, message: error.message), context)
    }

    /// The 429 for a request past `quota` (the server's, or `scenario`'s), or `nil` when it is admitted.
    private func refuseOverQuota(_ quota: Quota?, scenario: String? = nil, _ context: RequestContext) -> PlaybackPlan? {
        guard let quota else { return nil }
        let scope: String
        switch quota.per {
        case .session: scope = "session \(context.session)"
        case .key:
            let headers = context.request.head.headers
            var hasher = Hasher()
            hasher.combine(headers.first(name: "authorization") ?? headers.first(name: "x-api-key") ?? "")
            scope = "key \(hasher.finalize())"
        }
        let window = (scenario.map { "scenario \($0)" } ?? "server") + " / " + scope
        guard
            let refusal = quotas.admit(
                window, tokens: RequestUsage.estimatePromptTokens(context.incoming), under: quota)
        else { return nil }
        return fail(
            "quota_exceeded",
            ErrorResponse(
                status: 429,
                message:
                    "Rate limit exceeded: \(refusal.limit) \(refusal.unit) per minute\(scenario.map { " (scenario \($0))" } ?? "")",
                metadata: [("error_type", .string("rate_limit_exceeded"))],
                headers: [
                    ("Retry-After", String(refusal.retryAfter)), ("X-RateLimit-Limit", String(refusal.limit)),
                    ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", String(refusal.resetMs)),
                ]), context)
    }

    private func play(_ scenario: Scenario, _ context: RequestContext) -> PlaybackPlan {
        if let refused = refuseOverQuota(scenario.quota, scenario: scenario.name, context) { return refused }
        let requested = try? context.fault?.get().misbehaviour
        switch scenarioResponder.answer(
            context.incoming, with: scenario, session: context.session, requested: requested)
        {
        case .plan(let plan, let step):
            logger.debug(
                "\(context.request.method) \(context.rawPath) → \(plan.status) from scenario \(scenario.name) step \(step)"
            )
            return record(plan, .scenario(name: scenario.name, step: step), context)
        case .refused(let error, let reason):
            return fail(reason, error, context)
        }
    }

    private func unknownScenario(_ name: String, _ context: RequestContext) -> PlaybackPlan {
        let known = scenarios.all(session: context.session).map(\.name)
        return fail(
            "unknown_scenario",
            ErrorResponse(
                status: 404,
                message:
                    "MockRouter: unknown scenario \"\(name)\"; known scenarios: \(known.isEmpty ? "(none loaded)" : known.joined(separator: ", "))",
                metadata: [("known_scenarios", .array(known.map(JSONValue.string)))]), context)
    }

    /// Resolution up to what an upstream could answer instead: a demanded scenario, bad input, a
    /// recording, a scenario named by the model, a scenario's match rule. `nil` when none applies.
    private func resolveLocally(_ context: RequestContext) -> PlaybackPlan? {
        let request = context.request
        let incoming = context.incoming
        let contentType = request.head.headers.first(name: "content-type")
        if let required = configuration.requiredKey,
            !KeyCheck.accepts(request.head.headers, key: required, anthropic: context.anthropic)
        {
            let sent =
                request.head.headers.first(name: "authorization") != nil
                || request.head.headers.first(name: "x-api-key") != nil
            return fail(
                "unauthorized",
                ErrorResponse(status: 401, message: sent ? "User not found." : "No auth credentials found"), context)
        }
        if case .failure(let problem) = context.fault {
            return fail(
                "bad_fault_header",
                ErrorResponse(
                    status: 400, message: "MockRouter: X-MockRouter-Fault: \(problem.message)",
                    metadata: [("error_type", .string("invalid_request"))]), context)
        }
        if configuration.validation == .strict && !context.violations.isEmpty {
            return fail(
                "invalid_request",
                ErrorResponse(
                    status: 400, message: Violation.summary(context.violations),
                    metadata: [
                        ("error_type", .string("invalid_request")),
                        ("violations", .array(context.violations.map(\.jsonValue))),
                    ]), context)
        }
        if Endpoint.isInference(incoming.path), let refused = refuseOverQuota(configuration.quota, context) {
            return refused
        }
        if let name = context.routed.scenario ?? request.head.headers.first(name: "x-mockrouter-scenario") {
            guard let scenario = scenarios.scenario(named: name, session: context.session) else {
                return unknownScenario(name, context)
            }
            if let problem = BodyCheck.problem(with: incoming, contentType: contentType) {
                return fail(problem.reason, problem.error, context)
            }
            return play(scenario, context)
        }
        guard incoming.path.hasPrefix(APIPath.prefix + "/") else {
            return fail(
                "unknown_path",
                ErrorResponse(
                    status: 404,
                    message:
                        "Not Found: \(context.rawPath) is not an OpenRouter API path (expected /api/v1/... or /v1/...)"),
                context)
        }
        if let match = replayer.answer(incoming, session: context.session) {
            let entry = match.entry
            logger.debug(
                "\(request.method) \(context.rawPath) → \(entry.plan.status) from \(entry.cassette) #\(entry.number)")
            return record(
                replayed(entry, session: context.session),
                .cassette(
                    path: entry.cassette, number: entry.number, occurrence: match.occurrence, isRepeat: match.isRepeat),
                context)
        }
        if let problem = BodyCheck.problem(with: incoming, contentType: contentType) {
            return fail(problem.reason, problem.error, context)
        }
        if let model = incoming.json?["model"]?.stringValue, model.hasPrefix("mockrouter/") {
            let name = String(model.dropFirst("mockrouter/".count))
            guard let scenario = scenarios.scenario(named: name, session: context.session) else {
                return unknownScenario(name, context)
            }
            return play(scenario, context)
        }
        if let scenario = scenarios.matching(incoming, session: context.session) {
            return play(scenario, context)
        }
        return nil
    }

    /// `entry`'s plan as this answer sends it: with a fresh generation id and `created` unless
    /// `--replay-ids recorded`; either way `/generation` answers for the id sent.
    private func replayed(_ entry: CatalogEntry, session: String) -> PlaybackPlan {
        guard let generation = entry.generation else { return entry.plan }
        guard configuration.replayIDs == .fresh else {
            generations.record(
                GenerationRecord(replayed: generation, identity: generation.sites.template), session: session)
            return entry.plan
        }
        var random = SeededRandom(seed: UInt64.random(in: .min ... .max))
        let identity = generation.freshIdentity(using: &random)
        generations.record(GenerationRecord(replayed: generation, identity: identity), session: session)
        return generation.sites.stamp(identity, on: entry.plan)
    }

    /// What replay answers when nothing local applied: the bundled catalogue, a wrong method, or a near-miss report.
    private func fallback(_ context: RequestContext) -> PlaybackPlan {
        let incoming = context.incoming
        let namedSession = context.routed.session ?? context.request.head.headers.first(name: "x-mockrouter-session")
        if let plan = CatalogueResponder(generations: generations).answer(incoming, session: namedSession) {
            return record(plan, .catalogue, context)
        }
        if incoming.path == EmbeddingResponder.path && incoming.method.uppercased() == "POST" {
            return record(EmbeddingResponder.answer(incoming), .catalogue, context)
        }
        if let expected = Endpoint.method(for: incoming.path), expected != incoming.method.uppercased() {
            return fail(
                "method_not_allowed",
                ErrorResponse(
                    status: 405,
                    message: "Method \(incoming.method) is not allowed on \(incoming.path); use \(expected)",
                    headers: [("allow", expected)]), context)
        }
        return fail("no_match", NoMatchReport(request: incoming, catalog: replayer.catalog).error, context)
    }
}
