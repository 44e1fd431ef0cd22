import Foundation
import MockServer
import Scenarios

/// One test's view of a MockRouter server: its own session, so tests running in parallel on one
/// server never see each other's step counters, recorded-sequence positions or journal.
public struct MockRouter: Sendable {
    /// The server the session lives on.
    public let server: MockRouterServer
    /// The session's id (`/session/ID/...` in every URL below).
    public let session: String

    /// The mock of the current test, set by the `.mockRouter` trait.
    @TaskLocal public static var current: MockRouter?

    /// OpenAI-style base URL for this session: `http://127.0.0.1:PORT/session/ID/api/v1`.
    public var baseURL: URL { sessionURL.appendingPathComponent("api/v1") }

    /// Base URL for Anthropic clients, which append `/v1/messages` themselves: `…/session/ID/api`.
    public var anthropicBaseURL: URL { sessionURL.appendingPathComponent("api") }

    /// OpenAI-style base URL that demands scenario `name`: `…/session/ID/scenario/NAME/api/v1`.
    public func scenarioURL(_ name: String) -> URL {
        sessionURL.appendingPathComponent("scenario").appendingPathComponent(name).appendingPathComponent("api/v1")
    }

    /// Anthropic-style base URL that demands scenario `name`: `…/session/ID/scenario/NAME/api`.
    public func scenarioAnthropicURL(_ name: String) -> URL {
        sessionURL.appendingPathComponent("scenario").appendingPathComponent(name).appendingPathComponent("api")
    }

    /// Adds `scenario` for this session only (replacing one of the same name it had added before).
    public func add(_ scenario: Scenario) {
        service.addScenario(scenario, session: session)
    }

    /// The requests this session sent, oldest first, with secrets redacted as the admin API shows them.
    public func requests() -> [RecordedRequest] {
        let redactor = service.configuration.redactor
        return service.requests(session: session).map { RecordedRequest($0, redactor: redactor) }
    }

    /// The requests MockRouter could not answer as asked: nothing matched (the answer carries the
    /// near-miss report) or an unknown scenario was named.
    public func misses() -> [RecordedRequest] {
        requests().filter(\.isMiss)
    }

    /// What MockRouter found about how the client behaved in this session, with the default
    /// thresholds (docs/verdict.md).
    public func verdict() -> Verdict {
        Verdict(service.verdict(session: session))
    }

    /// Rewinds this session's scenario steps and recorded sequences and clears its journal.
    public func reset() {
        service.reset(session: session)
    }

    private var service: MockService { server.server.service }

    private var sessionURL: URL {
        server.url.appendingPathComponent("session").appendingPathComponent(session)
    }
}
