import ArgumentParser
import AsyncHTTPClient
import CassetteFormat
import Foundation
import NIOCore

/// `mockrouter verdict`: asks a running server how the client behaved (`GET /__admin/verdict`),
/// prints the findings, and exits 1 when one is at least as severe as `--fail-on`, so a CI step
/// can fail on it.
struct VerdictCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verdict",
        abstract: "Print a running server's findings about the client's behaviour; exit 1 at --fail-on or above.",
        discussion:
            "Codes and thresholds: docs/verdict.md. Exit 0: nothing at or above --fail-on; 1: findings; 2: no answer.")

    enum Level: String, ExpressibleByArgument, CaseIterable {
        case info, warning, error

        var rank: Int { Level.allCases.firstIndex(of: self) ?? 0 }
    }

    @Option(help: "The server's base URL, e.g. http://127.0.0.1:8080 (a trailing /api/v1 or /v1 is ignored).")
    var url: String

    @Option(help: "Judge one session only (default: every session).")
    var session: String?

    @Option(help: "Exit 1 when a finding is at least this severe.")
    var failOn = Level.error

    @Option(help: "The server's --admin-token, when it has one.")
    var adminToken: String?

    @Flag(help: "Print the server's JSON instead of one line per finding.")
    var json = false

    @Option(help: "More retries of one request than this within --retry-window is a storm (default 5).")
    var maxRetries: Int?

    @Option(help: "The window for --max-retries, in seconds (default 10).")
    var retryWindow: Double?

    @Option(
        help: "More retries in a row than this, with short waits that do not grow, make a storm (default 3)."
    )
    var backoffChain: Int?

    @Option(help: "Waits that average at least this many seconds count as backing off (default 1).")
    var backoffFloor: Double?

    @Option(help: "Seconds a client may hold a stalled stream open (default 30).")
    var stallBound: Double?

    @Option(help: "The same request again within this many seconds after a success is a duplicate (default 1).")
    var duplicateWindow: Double?

    /// How long the server may take to answer (10 s).
    static let timeout = TimeAmount.seconds(10)

    func run() async throws {
        let target = try verdictURL()
        var request = HTTPClientRequest(url: target)
        if let adminToken { request.headers.add(name: "authorization", value: "Bearer \(adminToken)") }
        let body: [UInt8]
        let status: UInt
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: Self.timeout)
            status = response.status.code
            body = Array(try await response.body.collect(upTo: 64 * 1024 * 1024).readableBytesView)
        } catch {
            FileHandle.standardError.write(Data("mockrouter verdict: no answer from \(target): \(error)\n".utf8))
            throw ExitCode(2)
        }
        guard status == 200, let verdict = try? JSONParser.parse(body) else {
            let text = String(decoding: body.prefix(2000), as: UTF8.self)
            FileHandle.standardError.write(Data("mockrouter verdict: \(target) answered \(status): \(text)\n".utf8))
            throw ExitCode(2)
        }
        let findings = verdict["findings"]?.arrayValue ?? []
        if json {
            print(JSONWriter.string(verdict))
        } else {
            print(Self.report(verdict))
        }
        let failing = findings.contains { finding in
            (finding["severity"]?.stringValue).flatMap(Level.init(rawValue:)).map { $0.rank >= failOn.rank } ?? false
        }
        if failing { throw ExitCode(1) }
    }

    /// `URL/__admin/verdict?session=…&…` from the options.
    func verdictURL() throws -> String {
        var base = url
        while base.hasSuffix("/") { base.removeLast() }
        for suffix in ["/api/v1", "/v1"] where base.hasSuffix(suffix) { base.removeLast(suffix.count) }
        guard base.hasPrefix("http://") || base.hasPrefix("https://") else {
            throw ValidationError("--url must start with http:// or https://; got \(url)")
        }
        var query: [String] = []
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        if let session {
            query.append("session=\(session.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")")
        }
        let numbers: [(String, String?)] = [
            ("max_retries", maxRetries.map(String.init)), ("retry_window", retryWindow.map { String($0) }),
            ("backoff_chain", backoffChain.map(String.init)), ("backoff_floor", backoffFloor.map { String($0) }),
            ("stall_bound", stallBound.map { String($0) }),
            ("duplicate_window", duplicateWindow.map { String($0) }),
        ]
        for (name, value) in numbers { if let value { query.append("\(name)=\(value)") } }
        return base + "/__admin/verdict" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
    }

    /// One line per finding (severity, code, explanation, the first request's path), then the counts.
    static func report(_ verdict: JSONValue) -> String {
        let findings = verdict["findings"]?.arrayValue ?? []
        var lines = findings.map { finding -> String in
            let severity = finding["severity"]?.stringValue ?? "?"
            let code = finding["code"]?.stringValue ?? "?"
            let entries = finding["entries"]?.arrayValue ?? []
            let first =
                entries.first.map { " [\($0["method"]?.stringValue ?? "") \($0["path"]?.stringValue ?? "")]" } ?? ""
            let padded = severity.padding(toLength: 8, withPad: " ", startingAt: 0)
            return "\(padded)\(code): \(finding["explanation"]?.stringValue ?? "")\(first)"
        }
        let counts = verdict["counts"]
        let scope = verdict["session"]?.stringValue.map { "session \($0)" } ?? "every session"
        lines.append(
            "\(findings.count) finding\(findings.count == 1 ? "" : "s") over \(verdict["requests"]?.intValue ?? 0) requests of \(scope): "
                + "\(counts?["error"]?.intValue ?? 0) error, \(counts?["warning"]?.intValue ?? 0) warning, \(counts?["info"]?.intValue ?? 0) info"
        )
        return lines.joined(separator: "\n")
    }
}
