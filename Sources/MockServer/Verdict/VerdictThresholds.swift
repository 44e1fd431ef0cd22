import CassetteFormat

/// The thresholds the verdict judges by; each can be set per request to `GET /__admin/verdict`
/// (and by `mockrouter verdict`'s flags). Documented in docs/verdict.md.
struct VerdictThresholds: Sendable, Equatable {
    /// More retries of one request than this within `retryWindowSeconds` is a storm (5).
    var maxRetries = 5
    var retryWindowSeconds = 10.0
    /// More retries in a row than this, after errors with no `Retry-After`, whose waits stay
    /// short and do not grow are a storm without backoff (3).
    var backoffChain = 3
    /// Waits that average at least this long count as backing off, grow or not (1 s).
    var backoffFloorSeconds = 1.0
    /// How long a client may hold a stalled stream open before it should give up (30 s).
    var stallBoundSeconds = 30.0
    /// The same request again within this after a success, with no error between, is a
    /// duplicate (1 s).
    var duplicateWindowSeconds = 1.0
    /// Slack when comparing a retry's delay with `Retry-After`, for clocks and scheduling (0.05 s).
    var retryAfterSlackSeconds = 0.05

    /// The largest count and number of seconds a threshold may be set to (1,000,000 and one day).
    static let maxCount = 1_000_000
    static let maxSeconds = 86_400.0

    /// The thresholds as the verdict reports them, by parameter name.
    var jsonValue: JSONValue {
        .object([
            ("max_retries", .int(maxRetries)), ("retry_window", .number(String(retryWindowSeconds))),
            ("backoff_chain", .int(backoffChain)),
            ("backoff_floor", .number(String(backoffFloorSeconds))),
            ("stall_bound", .number(String(stallBoundSeconds))),
            ("duplicate_window", .number(String(duplicateWindowSeconds))),
        ])
    }

    /// The query parameters, each naming a threshold.
    static let parameters = [
        "max_retries", "retry_window", "backoff_chain", "backoff_floor", "stall_bound", "duplicate_window",
    ]

    /// The defaults with `value(NAME)` applied for each parameter present; an error message when
    /// a value is not a number in range.
    static func parse(_ value: (String) -> String?) -> Result<VerdictThresholds, VerdictError> {
        var thresholds = VerdictThresholds()
        for name in parameters {
            guard let text = value(name) else { continue }
            let counts = name == "max_retries" || name == "backoff_chain"
            guard let number = Double(text), number.isFinite,
                counts
                    ? (1...Double(maxCount)).contains(number) && number.rounded() == number
                    : number > 0
                        && number <= maxSeconds
            else {
                let range =
                    counts ? "a whole number from 1 to \(maxCount)" : "seconds above 0, at most \(Int(maxSeconds))"
                return .failure(VerdictError(message: "\(name) must be \(range); got \"\(text)\""))
            }
            switch name {
            case "max_retries": thresholds.maxRetries = Int(number)
            case "retry_window": thresholds.retryWindowSeconds = number
            case "backoff_chain": thresholds.backoffChain = Int(number)
            case "backoff_floor": thresholds.backoffFloorSeconds = number
            case "stall_bound": thresholds.stallBoundSeconds = number
            default: thresholds.duplicateWindowSeconds = number
            }
        }
        return .success(thresholds)
    }
}

/// A verdict request the server cannot answer (a bad threshold).
struct VerdictError: Error {
    let message: String
}
