import CassetteFormat
import NIOCore

/// A request the server hands to an upstream instead of answering it (record and hybrid modes).
public struct ForwardRequest: Sendable {
    public let method: String
    /// The API path (`/v1/...` already made `/api/v1/...`; session and scenario prefixes removed).
    public let path: String
    public let query: String?
    public let headers: [HeaderField]
    public let body: [UInt8]
    public let session: String
}

/// Something that answers a request from an upstream, streaming the answer to `client` as it
/// arrives. It runs on `eventLoop`, the client connection's own, and the future completes once the
/// client's response has ended or been cut.
public protocol UpstreamForwarding: Sendable {
    func forward(_ request: ForwardRequest, to client: ResponseSink, on eventLoop: any EventLoop) -> EventLoopFuture<
        Void
    >
}

/// How the server answers: the mode table, written once.
public enum ServingMode: Sendable {
    /// Cassettes, scenarios, catalogue; never an upstream.
    case replay
    /// Every API request goes to the upstream (admin stays local).
    case record(any UpstreamForwarding)
    /// What a recording or scenario answers is replayed; what matches nothing goes to the upstream,
    /// is recorded to `cassette`, and replays from then on.
    case hybrid(any UpstreamForwarding, cassette: String)

    var upstream: (any UpstreamForwarding)? {
        switch self {
        case .replay: return nil
        case .record(let upstream), .hybrid(let upstream, _): return upstream
        }
    }
}
