import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// A running mock server: SwiftNIO's HTTP/1.1 pipeline with one `HTTPConnectionHandler` per connection.
public final class MockServer: Sendable {
    public let service: MockService
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    /// The address it listens on.
    public let host: String
    /// The bound port (the real one when configured with port 0).
    public let port: Int

    private init(service: MockService, group: MultiThreadedEventLoopGroup, channel: any Channel, host: String, port: Int) {
        self.service = service
        self.group = group
        self.channel = channel
        self.host = host
        self.port = port
    }

    /// The line printed on stdout once the server listens.
    public var readyLine: String { "mockrouter listening on http://\(host):\(port)" }

    /// Binds and starts serving.
    public static func start(service: MockService) async throws -> MockServer {
        let configuration = service.configuration
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.threads))
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 4096)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(ChannelOptions.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(HTTPConnectionHandler(service: service))
                }
            }
        do {
            let channel = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
            let port = channel.localAddress?.port ?? configuration.port
            return MockServer(service: service, group: group, channel: channel, host: configuration.host, port: port)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// Stops listening, lets forwarded requests finish and be recorded (waiting at most
    /// `drainTimeout`), then closes open connections and releases the threads.
    public func stop(drainTimeout: Duration = .seconds(10)) async throws {
        service.draining.store(true, ordering: .releasing)
        try? await channel.close()
        let deadline = ContinuousClock.now + drainTimeout
        while service.inFlight.load(ordering: .relaxed) > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        try await group.shutdownGracefully()
    }

    /// Requests being forwarded to the upstream right now.
    public var inFlight: Int { service.inFlight.load(ordering: .relaxed) }
}
