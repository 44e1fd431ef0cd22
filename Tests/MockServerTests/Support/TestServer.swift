import CassetteFormat
import Foundation
import Logging
import MockServer
import Playback
import Scenarios
import Validation

/// Starts an in-process server on a free port for one test and stops it afterwards.
enum TestServer {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let bundledCassettes = repository.appendingPathComponent("cassettes").path
    static let bundledScenarios = repository.appendingPathComponent("scenarios").path

    static func with<T>(
        cassettes: [String] = [bundledCassettes], scenarios: [String] = [], speed: Double = 0,
        maxBodyBytes: Int = 10 * 1024 * 1024, requiredKey: String? = nil, quota: Quota? = nil,
        replayIDs: ServerConfiguration.ReplayIDs = .fresh, validation: ValidationMode = .warn,
        _ body: (MockServer) async throws -> T
    ) async throws -> T {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let catalog = try CassetteCatalog.load(paths: cassettes, skipBad: false)
        var configuration = ServerConfiguration(
            host: "127.0.0.1", port: 0, speed: speed, maxBodyBytes: maxBodyBytes, requiredKey: requiredKey, threads: 2)
        configuration.quota = quota
        configuration.replayIDs = replayIDs
        configuration.validation = validation
        let library = try ScenarioLibrary.load(paths: scenarios, skipBad: false)
        let server = try await MockServer.start(
            service: MockService(configuration: configuration, catalog: catalog, scenarios: library, logger: logger))
        do {
            let result = try await body(server)
            try await server.stop()
            return result
        } catch {
            try? await server.stop()
            throw error
        }
    }

    /// Every interaction of the bundled cassettes, with its file.
    static func bundledInteractions() throws -> [(file: String, number: Int, interaction: Interaction)] {
        try CassetteCatalog.cassettePaths(in: [bundledCassettes]).flatMap { path in
            try CassetteReader.read(path: path).interactions.enumerated().map { (path, $0.offset + 1, $0.element) }
        }
    }

    /// Writes a temporary cassette holding `interactions` and returns its path.
    static func cassette(_ interactions: [Interaction], name: String = "test.cassette.jsonl") throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mockrouter-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent(name).path
        try CassetteWriter.write(
            header: CassetteHeader(created: "2026-11-21T00:00:00Z", tool: "test"), interactions: interactions, to: path)
        return path
    }
}

extension RawHTTPClient {
    /// Sends a recorded request exactly as recorded (path, query, body bytes), with `headers`.
    func send(_ request: RecordedRequest, path: String? = nil, headers: [(String, String)] = []) {
        let target = (path ?? request.path) + (request.query.map { "?\($0)" } ?? "")
        send(method: request.method, path: target, body: request.body.wireBytes, headers: headers)
    }
}

/// Reads the JSON body of a response.
func json(_ response: RawHTTPClient.Response) throws -> JSONValue {
    try JSONParser.parse(response.body)
}
