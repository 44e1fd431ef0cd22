import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// A running mock server: per connection, NIO's HTTP/1.1 request decoder and one
/// `HTTPConnectionHandler`, which writes answers as bytes (no response encoder).
public final class MockServer: Sendable {
    public let service: MockService
    private let group: MultiThreadedEventLoopGroup
    /// Whether `stop` shuts the group down (it was made by `start`, not handed in).
    private let ownsGroup: Bool
    private let channel: any Channel
    /// The address it listens on.
    public let host: String
    /// The bound port (the real one when configured with port 0).
    public let port: Int

    private init(
        service: MockService, group: MultiThreadedEventLoopGroup, ownsGroup: Bool, channel: any Channel, host: String,
        port: Int
    ) {
        self.service = service
        self.group = group
        self.ownsGroup = ownsGroup
        self.channel = channel
        self.host = host
        self.port = port
    }

    /// The line printed on stdout once the server listens.
    public var readyLine: String { "mockrouter listening on http://\(host):\(port)" }

    /// Binds and starts serving, on `group` when given (a recording proxy shares it with its upstream
    /// client, so both sides of a forwarded request run on one event loop; the caller shuts it down
    /// after `stop`), else on a group of `configuration.threads` threads of its own.
    public static func start(service: MockService, group given: MultiThreadedEventLoopGroup? = nil) async throws
        -> MockServer
    {
        let configuration = service.configuration
        let group = given ?? MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.threads))
        let pacing = PacingWheels(group: group)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 4096)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(ChannelOptions.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let connectionGuard = ConnectionGuard()
                    let open = service.openConnections.add(1, ordering: .relaxed).newValue
                    channel.closeFuture.whenComplete { _ in service.openConnections.subtract(1, ordering: .relaxed) }
                    if open > configuration.maxConnections {
                        connectionGuard.refusal = ErrorResponse(
                            status: 503,
                            message:
                                "MockRouter has \(configuration.maxConnections) connections open (--max-connections)",
                            metadata: [("error_type", .string("provider_overloaded"))])
                        return try channel.pipeline.syncOperations.addHandler(connectionGuard)
                    }
                    try channel.pipeline.syncOperations.addHandler(connectionGuard)
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)))
                    try channel.pipeline.syncOperations.addHandler(
                        HTTPConnectionHandler(
                            service: service, connectionGuard: connectionGuard,
                            pacing: pacing.wheel(for: channel.eventLoop)))
                }
            }
        do {
            let channel = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
            let port = channel.localAddress?.port ?? configuration.port
            return MockServer(
                service: service, group: group, ownsGroup: given == nil, channel: channel, host: configuration.host,
                port: port)
        } catch {
            if given == nil { try? await group.shutdownGracefully() }
            throw error
        }
    }

    /// Stops listening, lets forwarded requests finish and be recorded (waiting at most
    /// `drainTimeout`), then closes open connections and releases the threads (when they are its own).
    public func stop(drainTimeout: Duration = .seconds(10)) async throws {
        service.draining.store(true, ordering: .releasing)
        try? await channel.close()
        let deadline = ContinuousClock.now + drainTimeout
        while service.inFlight.load(ordering: .relaxed) > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if ownsGroup { try await group.shutdownGracefully() }
    }

    /// Requests being forwarded to the upstream right now.
    public var inFlight: Int { service.inFlight.load(ordering: .relaxed) }
}
