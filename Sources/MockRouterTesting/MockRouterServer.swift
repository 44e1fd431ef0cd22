import BundledDefaults
import Foundation
import Logging
import MockServer
import Playback
import Scenarios

/// A MockRouter server running in this process, on a free port of 127.0.0.1: the same server the
/// `mockrouter serve` binary runs, over a real socket.
public final class MockRouterServer: Sendable {
    /// The running server.
    public let server: MockServer
    /// `http://127.0.0.1:PORT`.
    public let url: URL

    private init(server: MockServer) {
        self.server = server
        url = URL(string: "http://\(server.host):\(server.port)")!
    }

    /// Starts a server with `options` on a free port.
    public static func start(_ options: ServerOptions = ServerOptions()) async throws -> MockRouterServer {
        var logger = Logger(label: "mockrouter.testing")
        logger.logLevel = .error
        let configuration = ServerConfiguration(
            host: "127.0.0.1", port: 0, speed: options.speed, requiredKey: options.requiredKey, threads: options.threads
        )
        let service = MockService(
            configuration: configuration, catalog: try catalog(options.cassettes),
            scenarios: ScenarioLibrary(scenarios: try scenarios(options.scenarios)), logger: logger)
        return MockRouterServer(server: try await MockServer.start(service: service))
    }

    /// Stops listening and closes its connections.
    public func stop() async throws {
        try await server.stop(drainTimeout: .seconds(1))
    }

    /// A handle on session `id` (a fresh unique one when `nil`).
    public func session(_ id: String? = nil) -> MockRouter {
        MockRouter(server: self, session: id ?? "t-\(UUID().uuidString.lowercased())")
    }

    /// The server shared by every test of this process that asks for `.shared`. Started on first
    /// use with the bundled content at speed 0; it stops when the process ends.
    public static var shared: MockRouterServer {
        get async throws { try await SharedServer.instance.server() }
    }

    private static func catalog(_ source: ServerOptions.Source) throws -> CassetteCatalog {
        switch source {
        case .bundled: return try BundledContent.loaded.get().catalog
        case .paths(let paths): return try CassetteCatalog.load(paths: paths, skipBad: false)
        case .none: return CassetteCatalog()
        }
    }

    private static func scenarios(_ source: ServerOptions.Source) throws -> [Scenario] {
        switch source {
        case .bundled: return try BundledContent.loaded.get().scenarios
        case .paths(let paths): return try ScenarioLibrary.load(paths: paths, skipBad: false).all
        case .none: return []
        }
    }
}

/// The bundled cassettes and scenarios, decoded once per process.
private enum BundledContent {
    static let loaded = Result { () throws -> (catalog: CassetteCatalog, scenarios: [Scenario]) in
        (try BundledDefaults.catalog(), try BundledDefaults.scenarios())
    }
}

/// Starts the process-wide server once, however many tests ask at the same time.
private actor SharedServer {
    static let instance = SharedServer()
    private var starting: Task<MockRouterServer, any Error>?

    func server() async throws -> MockRouterServer {
        if let starting { return try await starting.value }
        let task = Task { try await MockRouterServer.start() }
        starting = task
        return try await task.value
    }
}
