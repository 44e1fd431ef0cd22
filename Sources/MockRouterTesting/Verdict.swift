import CassetteFormat

/// What MockRouter found about how the client behaved in one session: retries against
/// `Retry-After`, retry storms, stalled streams held open, invalid requests, secrets in bodies,
/// duplicates, attribution (docs/verdict.md).
public struct Verdict: Sendable {
    public enum Severity: String, Sendable, Comparable, CaseIterable {
        case info, warning, error

        public static func < (lhs: Severity, rhs: Severity) -> Bool {
            (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
        }
    }

    /// One finding: its stable code (`retry-after-ignored`, …), severity, explanation, and how many
    /// journal entries prove it.
    public struct Finding: Sendable, Equatable {
        public let code: String
        public let severity: Severity
        public let explanation: String
        public let entries: Int
    }

    /// The session's inference requests the verdict looked at.
    public let requests: Int
    public let findings: [Finding]

    init(_ json: JSONValue) {
        requests = json["requests"]?.intValue ?? 0
        findings = (json["findings"]?.arrayValue ?? []).map { finding in
            Finding(
                code: finding["code"]?.stringValue ?? "",
                severity: (finding["severity"]?.stringValue).flatMap(Severity.init(rawValue:)) ?? .error,
                explanation: finding["explanation"]?.stringValue ?? "",
                entries: finding["entries"]?.arrayValue?.count ?? 0)
        }
    }

    /// The findings at `severity` or above (`.warning`: warnings and errors).
    public func findings(atLeast severity: Severity) -> [Finding] { findings.filter { $0.severity >= severity } }

    /// The distinct codes found, sorted.
    public var codes: [String] { Array(Set(findings.map(\.code))).sorted() }
}
