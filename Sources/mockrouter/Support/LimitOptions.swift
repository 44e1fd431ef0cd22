import ArgumentParser
import CassetteFormat
import MockServer
import NIOCore

/// `--read-timeout`, `--idle-timeout`, `--max-connections`, `--max-sessions` and `--journal-bytes`:
/// how long a client may take, how many may be connected, and how much state the server keeps.
struct LimitOptions: ParsableArguments {
    @Option(help: "Seconds a request (head or body) may stop arriving before it gets 408 and the connection closes.")
    var readTimeout: Double = 30

    @Option(help: "Seconds a kept-alive connection may wait for its next request before it is closed.")
    var idleTimeout: Double = 60

    @Option(help: "Connections open at once; one more gets 503 and is closed.")
    var maxConnections = ServerConfiguration.defaultMaxConnections

    @Option(help: "Sessions kept at once; the least recently used is forgotten past it (its journal says so).")
    var maxSessions = 10_000

    @Option(
        help: "Request bodies the journal keeps, e.g. 64MB; the oldest entries go first (it also keeps at most 10,000)."
    )
    var journalBytes = ByteSize(argument: "64MB")!

    func validate() throws {
        for (flag, seconds) in [("--read-timeout", readTimeout), ("--idle-timeout", idleTimeout)] {
            guard seconds.isFinite, seconds >= 0.001, seconds * 1000 <= Limits.maxDurationMs else {
                throw ValidationError("\(flag) must be from 0.001 to 86400 seconds; got \(seconds)")
            }
        }
        guard (1...1_000_000).contains(maxConnections) else {
            throw ValidationError("--max-connections must be from 1 to 1000000; got \(maxConnections)")
        }
        guard (1...10_000_000).contains(maxSessions) else {
            throw ValidationError("--max-sessions must be from 1 to 10000000; got \(maxSessions)")
        }
    }

    /// Applies the options to `configuration`.
    func apply(to configuration: inout ServerConfiguration) {
        configuration.timeouts = ConnectionTimeouts(
            read: .nanoseconds(Saturating.nanoseconds(milliseconds: readTimeout * 1000)),
            idle: .nanoseconds(Saturating.nanoseconds(milliseconds: idleTimeout * 1000)))
        configuration.maxConnections = maxConnections
        configuration.maxSessions = maxSessions
        configuration.journalBytes = journalBytes.bytes
    }
}
