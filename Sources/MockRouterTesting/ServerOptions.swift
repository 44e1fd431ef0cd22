/// How an in-process server is set up: what it serves and how fast.
public struct ServerOptions: Sendable {
    /// Where cassettes or scenarios come from.
    public enum Source: Sendable {
        /// The examples compiled into MockRouter (its `cassettes/` and `scenarios/` folders).
        case bundled
        /// These files or folders.
        case paths([String])
        /// Nothing.
        case none
    }

    public var cassettes: Source
    public var scenarios: Source
    /// `0`: as fast as possible. `1`: recorded and scripted timing. Other factors scale it.
    public var speed: Double
    /// When set, API requests must carry this key, as with `serve --require-key`.
    public var requiredKey: String?
    /// Event loop threads of the server.
    public var threads: Int

    public init(
        cassettes: Source = .bundled, scenarios: Source = .bundled, speed: Double = 0, requiredKey: String? = nil,
        threads: Int = 2
    ) {
        self.cassettes = cassettes
        self.scenarios = scenarios
        self.speed = speed
        self.requiredKey = requiredKey
        self.threads = threads
    }
}

/// Which server a test's session lives on.
public enum ServerChoice: Sendable {
    /// A server of the test's own, started for it and stopped after it.
    case dedicated(ServerOptions)
    /// The one server of this test process (bundled content, speed 0), started by the first test that asks.
    case shared

    /// A server of the test's own with the default options.
    public static var dedicated: ServerChoice { .dedicated(ServerOptions()) }
}
