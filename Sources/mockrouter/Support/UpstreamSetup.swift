import CassetteFormat
import Foundation
import Logging
import MockServer
import NIOPosix
import RecordingProxy

/// Opens the cassette to record to and the forwarder to the upstream, or fails with a message that
/// names the cassette (an unwritable path refuses to start before anything listens).
enum UpstreamSetup {
    static func forwarder(
        upstream: String, cassette: String, group: MultiThreadedEventLoopGroup, redactor: Redactor, readTimeout: Double,
        keyFromEnvironment: Bool, logger: Logger
    ) throws -> RecordingForwarder {
        guard let url = URL(string: upstream), let scheme = url.scheme, ["http", "https"].contains(scheme),
            url.host != nil
        else {
            throw CommandFailure(
                message: "--upstream must be an http or https origin such as https://openrouter.ai; got \"\(upstream)\""
            )
        }
        guard readTimeout.isFinite, readTimeout > 0, readTimeout * 1000 <= Limits.maxDurationMs else {
            throw CommandFailure(
                message: "--upstream-timeout must be more than 0 and at most 86400 seconds; got \(readTimeout)")
        }
        let header = CassetteHeader(
            created: Date().formatted(Date.ISO8601FormatStyle()), tool: "mockrouter \(MockService.version)",
            origin: "recorded from \(upstream)")
        let writer: CassetteWriter
        do {
            writer = try CassetteWriter(appendingTo: cassette, header: header)
        } catch {
            throw CommandFailure(
                message:
                    "\(error.description)\nRefusing to start: the cassette must be writable before anything is recorded."
            )
        }
        let apiKey = ProcessInfo.processInfo.environment["OPENROUTER_API_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        if keyFromEnvironment && apiKey == nil {
            throw CommandFailure(
                message: "--upstream-key-from-env needs the key in OPENROUTER_API_KEY, which is empty or unset")
        }
        return RecordingForwarder(
            upstream: upstream, group: group, writer: writer, redactor: redactor, apiKey: apiKey,
            replacesClientKey: keyFromEnvironment,
            readTimeout: .milliseconds(Saturating.int(readTimeout * 1000)), logger: logger)
    }
}
