import CassetteFormat

/// One thing the verdict found about how the client behaved: a stable code, how serious it is,
/// one line of explanation, and the journal entries that prove it.
struct Finding: Sendable {
    enum Severity: String, Sendable, Comparable, CaseIterable {
        case info, warning, error

        private var rank: Int {
            switch self {
            case .info: return 0
            case .warning: return 1
            case .error: return 2
            }
        }

        static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    /// The stable codes, each with its severity (docs/verdict.md).
    enum Code: String, Sendable, CaseIterable {
        case retryAfterIgnored = "retry-after-ignored"
        case retryStorm = "retry-storm"
        case noRetryOnRetryable = "no-retry-on-retryable"
        case stalledStreamNotAbandoned = "stalled-stream-not-abandoned"
        case invalidRequest = "invalid-request"
        case secretInBody = "secret-in-body"
        case duplicateRequest = "duplicate-request"
        case missingAttribution = "missing-attribution"

        var severity: Severity {
            switch self {
            case .retryAfterIgnored, .retryStorm, .invalidRequest, .secretInBody: return .error
            case .stalledStreamNotAbandoned: return .warning
            case .noRetryOnRetryable, .duplicateRequest, .missingAttribution: return .info
            }
        }
    }

    let code: Code
    let explanation: String
    let entries: [JournalEntry]

    var severity: Severity { code.severity }

    func jsonValue(redactor: Redactor) -> JSONValue {
        .object([
            ("code", .string(code.rawValue)), ("severity", .string(severity.rawValue)),
            ("explanation", .string(explanation)),
            ("entries", .array(entries.map { $0.summary(redactor: redactor) })),
        ])
    }
}
