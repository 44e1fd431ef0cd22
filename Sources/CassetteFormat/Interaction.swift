/// One recorded exchange: what the client asked, what it got, when, and how it ended.
public struct Interaction: Sendable, Hashable {
    public var request: RecordedRequest
    public var response: RecordedResponse
    public var timing: Timing
    public var outcome: Outcome

    public init(
        request: RecordedRequest, response: RecordedResponse, timing: Timing = Timing(), outcome: Outcome = .complete
    ) {
        self.request = request
        self.response = response
        self.timing = timing
        self.outcome = outcome
    }
}

/// The request side of an interaction; secrets are removed before it is written.
public struct RecordedRequest: Sendable, Hashable {
    public var method: String
    /// The path without the query, e.g. `/api/v1/chat/completions`.
    public var path: String
    /// The raw query string without `?`, or `nil` when there was none.
    public var query: String?
    public var headers: [HeaderField]
    public var body: Body

    public init(method: String, path: String, query: String? = nil, headers: [HeaderField] = [], body: Body = .empty) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }
}

/// The response side of an interaction.
public struct RecordedResponse: Sendable, Hashable {
    public var status: Int
    public var headers: [HeaderField]
    public var body: Body

    public init(status: Int, headers: [HeaderField] = [], body: Body = .empty) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// When the exchange happened: wall-clock start, time to the first response byte, total time.
public struct Timing: Sendable, Hashable {
    /// ISO 8601 UTC time the request started, e.g. `2026-11-21T12:00:00.000Z`.
    public var started: String?
    /// Milliseconds from the request's start to the first response byte (status line and headers).
    public var ttfbMs: Double?
    /// Milliseconds from the request's start to the end of the response.
    public var durationMs: Double?

    public init(started: String? = nil, ttfbMs: Double? = nil, durationMs: Double? = nil) {
        self.started = started
        self.ttfbMs = ttfbMs
        self.durationMs = durationMs
    }
}

/// How an exchange ended.
public enum Outcome: Sendable, Hashable {
    /// The response was delivered in full.
    case complete
    /// The client went away `atMs` after the request started; the body holds what was sent before.
    case clientCancelled(atMs: Double?)
    /// The upstream failed at `stage`; the response is what the client got.
    case upstreamFailed(stage: FailureStage, message: String, atMs: Double?)

    /// Whether replay should cut the connection after the recorded body instead of ending it.
    public var endsWithCut: Bool {
        switch self {
        case .complete: return false
        case .clientCancelled: return true
        case .upstreamFailed(let stage, _, _): return stage == .midstream
        }
    }
}

/// Where an upstream failure happened.
public enum FailureStage: String, Sendable, Hashable, CaseIterable {
    /// The connection was refused or could not be opened.
    case connect
    /// The TLS handshake failed.
    case tls
    /// The upstream did not answer in time.
    case timeout
    /// The upstream's response broke off after it had started.
    case midstream
}
