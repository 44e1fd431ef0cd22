import ArgumentParser
import Foundation
import MockServer
import NIOPosix
import Playback

/// `mockrouter record`: a recording proxy in front of a real upstream.
struct RecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Proxy to a real upstream and record every interaction to a cassette.",
        discussion: """
            Clients point at http://HOST:PORT/api/v1 as with serve. Each request is forwarded to the upstream origin with its \
            path unchanged (/v1/... becomes /api/v1/...), with the client's Authorization, or Bearer $OPENROUTER_API_KEY \
            when the client sends none. Responses stream back chunk by chunk as they arrive. Each finished interaction is \
            redacted and appended to the cassette (one gzip member, flushed to disk). SIGINT/SIGTERM lets in-flight \
            requests finish (up to 10 s), records them, and exits 0.

            Example: OPENROUTER_API_KEY=sk-or-v1-... mockrouter record --upstream https://openrouter.ai --cassette session.cassette.jsonl.gz
            """)

    @Option(help: "The upstream origin, e.g. https://openrouter.ai.")
    var upstream: String

    @Option(help: "The cassette to append to (created if missing; .gz for compressed).")
    var cassette: String

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one.")
    var port = 8080

    @Option(
        help:
            "Seconds the upstream may stay silent (before the head or between chunks) before the request counts as timed out."
    )
    var upstreamTimeout: Double = 120

    @Flag(
        help: "Send Bearer $OPENROUTER_API_KEY upstream in place of the key the client sent (a test's placeholder key)."
    )
    var upstreamKeyFromEnv = false

    @OptionGroup var limits: LimitOptions
    @OptionGroup var admin: AdminOptions
    @OptionGroup var redaction: RedactionOptions
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        try admin.check(host: host)
    }

    func run() async throws {
        let shutdown = ShutdownSignal.install()
        let logger = logging.makeLogger()
        let redactor = try redaction.makeRedactor()
        var configuration = ServerConfiguration(host: host, port: port)
        configuration.adminToken = admin.token
        limits.apply(to: &configuration)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: configuration.threads)
        let forwarder = try UpstreamSetup.forwarder(
            upstream: upstream, cassette: cassette, group: group, redactor: redactor, readTimeout: upstreamTimeout,
            keyFromEnvironment: upstreamKeyFromEnv, logger: logger)
        configuration.redactor = redactor
        let service = MockService(
            configuration: configuration, catalog: CassetteCatalog(), mode: .record(forwarder), logger: logger)
        let server: MockServer
        do { server = try await MockServer.start(service: service, group: group) } catch {
            throw CommandFailure(message: "cannot listen on \(host):\(port): \(error)")
        }
        logger.info("recording \(upstream) to \(cassette)")
        FileHandle.standardOutput.write(Data((server.readyLine + "\n").utf8))
        let signal = await shutdown.wait()
        logger.info("received signal \(signal); finishing \(server.inFlight) in-flight request(s)")
        try await server.stop()
        try await forwarder.shutdown()
        try await group.shutdownGracefully()
    }
}
