import ArgumentParser
import BundledDefaults
import CassetteFormat
import Foundation
import Logging
import MockServer
import NIOPosix
import Playback
import RecordingProxy
import Scenarios
import Validation

/// `mockrouter serve`: the mock OpenRouter server.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve recorded cassettes and scripted scenarios as a mock OpenRouter API.",
        discussion: """
            Point a client at http://HOST:PORT/api/v1 (or /v1). With no flags it serves cassettes/ and scenarios/ from the current folder when they exist, else the examples built into the binary.

            When ready, exactly one line is printed to stdout: mockrouter listening on http://HOST:PORT

            SIGINT or SIGTERM stops the server with exit code 0.
            """)

    @Option(
        name: .customLong("cassettes"),
        help:
            "A cassette file or folder to serve (repeatable). Default: ./cassettes/ if present, else the built-in examples."
    )
    var cassettes: [String] = []

    @Flag(help: "Serve no cassettes.")
    var noCassettes = false

    @Flag(help: "Skip cassettes that cannot be loaded (each is logged) instead of refusing to start.")
    var skipBadCassettes = false

    @Option(
        name: .customLong("scenarios"),
        help:
            "A scenario file or folder to serve (repeatable). Default: ./scenarios/ if present, else the built-in examples."
    )
    var scenarioPaths: [String] = []

    @Flag(help: "Serve no scenarios.")
    var noScenarios = false

    @Flag(help: "Skip scenario files that cannot be loaded (each is logged) instead of refusing to start.")
    var skipBadScenarios = false

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one (read it from the ready line).")
    var port = 8080

    @Option(help: "0: as fast as possible. 1: recorded timing. N: N times faster than recorded.")
    var speed: Double = 0

    @Option(help: "Largest request body accepted, e.g. 10MB, 512KB or a byte count; larger bodies get 413.")
    var maxBody = ByteSize(argument: "10MB")!

    @Option(
        name: .customLong("replay-ids"),
        help:
            "fresh: each replayed answer carries a new generation id and created time, answered by /generation. recorded: the recorded bytes exactly."
    )
    var replayIDs = ServerConfiguration.ReplayIDs.fresh

    @Option(
        name: .customLong("validate"),
        help:
            "Check requests against OpenRouter's request schemas and rules. warn: answer with an X-MockRouter-Warning header; strict: OpenRouter's 400 naming the JSON path; off: no checks."
    )
    var validation = ValidationMode.warn

    @Option(help: "Require this API key (Authorization: Bearer KEY); others get OpenRouter's 401.")
    var requireKey: String?

    @Option(help: "Hybrid mode: forward what nothing local answers to this upstream origin (needs --record-to).")
    var upstream: String?

    @Option(help: "Hybrid mode: the cassette that forwarded interactions are appended to; they replay at once.")
    var recordTo: String?

    @Option(help: "Hybrid mode: seconds the upstream may stay silent before the request counts as timed out.")
    var upstreamTimeout: Double = 120

    @Flag(
        help: "Send Bearer $OPENROUTER_API_KEY upstream in place of the key the client sent (a test's placeholder key)."
    )
    var upstreamKeyFromEnv = false

    @OptionGroup var limits: LimitOptions

    @OptionGroup var quota: QuotaOptions

    @OptionGroup var admin: AdminOptions

    @OptionGroup var redaction: RedactionOptions

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        try admin.check(host: host)
        guard speed == 0 || Limits.speed.contains(speed) else {
            throw ValidationError(
                "--speed must be 0 or a factor from \(Limits.speed.lowerBound) to \(Int(Limits.speed.upperBound)); got \(speed)"
            )
        }
        guard (0...65535).contains(port) else {
            throw ValidationError("--port must be between 0 and 65535; got \(port)")
        }
        if noCassettes && !cassettes.isEmpty {
            throw ValidationError("--no-cassettes and --cassettes cannot be used together")
        }
        if noScenarios && !scenarioPaths.isEmpty {
            throw ValidationError("--no-scenarios and --scenarios cannot be used together")
        }
        if (upstream == nil) != (recordTo == nil) {
            throw ValidationError("--upstream and --record-to go together (hybrid mode)")
        }
    }

    func run() async throws {
        let shutdown = ShutdownSignal.install()
        let logger = logging.makeLogger()
        let redactor = try redaction.makeRedactor()
        var configuration = ServerConfiguration(
            host: host, port: port, speed: speed, maxBodyBytes: maxBody.bytes, requiredKey: requireKey)
        configuration.redactor = redactor
        configuration.adminToken = admin.token
        limits.apply(to: &configuration)
        configuration.quota = quota.quota
        configuration.replayIDs = replayIDs
        configuration.validation = validation
        let group = MultiThreadedEventLoopGroup(numberOfThreads: configuration.threads)
        var forwarder: RecordingForwarder?
        var mode = ServingMode.replay
        if let upstream, let recordTo {
            let opened = try UpstreamSetup.forwarder(
                upstream: upstream, cassette: recordTo, group: group, redactor: redactor, readTimeout: upstreamTimeout,
                keyFromEnvironment: upstreamKeyFromEnv, logger: logger)
            forwarder = opened
            mode = .hybrid(opened, cassette: recordTo)
        }
        let catalog = try loadCatalog(logger)
        let scenarios = try loadScenarios(logger)
        let service = MockService(
            configuration: configuration, catalog: catalog, scenarios: scenarios, mode: mode, logger: logger)
        let server: MockServer
        do {
            server = try await MockServer.start(service: service, group: group)
        } catch {
            throw CommandFailure(message: "cannot listen on \(host):\(port): \(error)")
        }
        logger.info(
            "serving \(catalog.entries.count) interactions from \(catalog.files.count) cassettes and \(scenarios.all.count) scenarios at speed \(speed)"
        )
        FileHandle.standardOutput.write(Data((server.readyLine + "\n").utf8))
        let signal = await shutdown.wait()
        logger.info("received signal \(signal), stopping")
        try await server.stop()
        try await forwarder?.shutdown()
        try await group.shutdownGracefully()
    }

    private func loadCatalog(_ logger: Logger) throws -> CassetteCatalog {
        var paths = cassettes
        var catalog = CassetteCatalog()
        if paths.isEmpty && !noCassettes {
            switch DefaultContent.source("cassettes") {
            case .folder(let folder): paths = [folder]
            case .bundled: catalog = try BundledDefaults.catalog()
            }
        }
        if let recordTo, !paths.contains(recordTo) {
            paths.append(recordTo)
        }
        do {
            try catalog.load(
                paths: paths, skipBad: skipBadCassettes,
                onWarning: { logger.warning("\($0.description)") },
                onSkip: { logger.error("skipping bad cassette: \($0.description)") })
            return catalog
        } catch {
            throw CommandFailure(
                message:
                    "\(error.description)\nRefusing to start; fix or remove the file, or pass --skip-bad-cassettes.")
        }
    }
}

extension ServeCommand {
    private func loadScenarios(_ logger: Logger) throws -> ScenarioLibrary {
        var paths = scenarioPaths
        if paths.isEmpty && !noScenarios {
            switch DefaultContent.source("scenarios") {
            case .folder(let folder): paths = [folder]
            case .bundled: return ScenarioLibrary(scenarios: try BundledDefaults.scenarios())
            }
        }
        do {
            return try ScenarioLibrary.load(
                paths: paths, skipBad: skipBadScenarios,
                onSkip: { logger.error("skipping bad scenario: \($0.description)") })
        } catch {
            throw CommandFailure(
                message:
                    "\(error.description)\nRefusing to start; fix or remove the file, or pass --skip-bad-scenarios.")
        }
    }
}

/// A command failure: its message goes to stderr, the exit code is 1.
struct CommandFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

extension ServerConfiguration.ReplayIDs: ExpressibleByArgument {}
extension ValidationMode: ExpressibleByArgument {}
