import CassetteFormat
import NIOCore
import Scenarios
import Validation

/// How a server listens and plays.
public struct ServerConfiguration: Sendable {
    public var host: String
    /// `0` picks a free port; the bound one is in `MockServer.port`.
    public var port: Int
    /// `0`: every byte as fast as possible. `1`: recorded timing. Other factors scale it (`2` = twice as fast).
    public var speed: Double
    /// Request bodies over this many bytes get 413.
    public var maxBodyBytes: Int
    /// When set, requests must carry this key (`Authorization: Bearer KEY`, or `x-api-key` on `/messages`).
    public var requiredKey: String?
    /// Event loop threads; defaults to one per core.
    public var threads: Int
    /// How long a request may take to arrive, and a kept-alive connection may sit idle.
    public var timeouts = ConnectionTimeouts()
    /// Connections beyond this many get a 503 and are closed.
    public var maxConnections = ServerConfiguration.defaultMaxConnections
    /// 32,768: above the 20,000 concurrent streams the benchmarks run, below a usual open-file limit.
    public static let defaultMaxConnections = 32_768
    /// Sessions kept at once; the least recently used is evicted past it (`--max-sessions`).
    public var maxSessions = 10_000
    /// Request bodies the journal keeps at most, in bytes (`--journal-bytes`); it also keeps at most 10,000 entries.
    public var journalBytes = 64 * 1024 * 1024
    /// When set, `/__admin/*` needs `Authorization: Bearer TOKEN`.
    public var adminToken: String?
    /// Requests and prompt tokens per minute every inference request is held to (`--quota-rpm`,
    /// `--quota-tpm`, `--quota-per`); `nil`: none.
    public var quota: Quota?
    /// Whether a replayed recording carries a fresh generation id and `created` (the default) or
    /// the recorded ones (`--replay-ids`).
    public var replayIDs: ReplayIDs = .fresh
    /// What happens to a request that breaks OpenRouter's request rules (`--validate`).
    public var validation: ValidationMode = .warn
    /// What recordings are scrubbed with; incoming requests are matched through it too.
    public var redactor: Redactor = .standard

    /// The generation ids replays carry.
    public enum ReplayIDs: String, Sendable, CaseIterable {
        /// A fresh `gen-…` id (and `created`) per answer, of the recorded length, each answered by
        /// `/generation`.
        case fresh
        /// The recorded bytes exactly.
        case recorded
    }

    public init(
        host: String = "127.0.0.1", port: Int = 8080, speed: Double = 0, maxBodyBytes: Int = 10 * 1024 * 1024,
        requiredKey: String? = nil, threads: Int = System.coreCount
    ) {
        self.host = host
        self.port = port
        self.speed = speed
        self.maxBodyBytes = maxBodyBytes
        self.requiredKey = requiredKey
        self.threads = threads
    }
}
