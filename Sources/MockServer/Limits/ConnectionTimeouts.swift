import NIOCore

/// How long a connection may wait on its client: `read` while a request (head or body) is
/// arriving, `idle` between requests on a kept-alive connection. Server-driven waits (a scripted
/// stall, a slow upstream) are not the client's and are never timed out here.
public struct ConnectionTimeouts: Sendable {
    public var read: TimeAmount
    public var idle: TimeAmount

    public init(read: TimeAmount = .seconds(30), idle: TimeAmount = .seconds(60)) {
        self.read = read
        self.idle = idle
    }

    /// How often a connection checks its clock: a quarter of the shorter timeout, at most once a second.
    var tick: TimeAmount { .nanoseconds(max(1_000_000, min(read.nanoseconds, idle.nanoseconds, 4_000_000_000) / 4)) }
}
