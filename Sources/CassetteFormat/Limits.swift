/// Every numeric limit on what a cassette, a scenario or a command-line flag may say, with its
/// reason. Loaders refuse a value outside its limit with an error naming the place; numbers that
/// reach the event loop are converted through `Saturating`, so no input can trap the server.
/// `docs/reliability.md` lists the same table.
public enum Limits {
    /// Longest single duration in ms (24 h): a time to first token, a pause, a stall, a jitter, a
    /// keep-alive interval, a recorded frame offset or time to first byte. Longer than any test waits,
    /// and far below where nanosecond arithmetic overflows (292 years).
    public static let maxDurationMs: Double = 86_400_000

    /// Shortest keep-alive interval in ms (10 ms): a shorter one only floods the client with comments.
    public static let minKeepAliveIntervalMs: Double = 10

    /// Most keep-alive comments one answer sends (10,000), whatever its interval and time to first token.
    public static let maxKeepAlives = 10_000

    /// Largest token count in `usage` (10^12): sums of two stay far below `Int.max`.
    public static let maxTokens = 1_000_000_000_000

    /// `tokens_per_second` (0.001 to 1,000,000): the slowest still ends within a test's life per token.
    public static let tokensPerSecond: ClosedRange<Double> = 0.001...1_000_000

    /// `--speed` other than 0 (0.001 to 1,000): 0.001 plays a 24 h duration in 2.7 years, still a
    /// representable deadline.
    public static let speed: ClosedRange<Double> = 0.001...1_000

    /// Most steps in one scenario (10,000).
    public static let maxSteps = 10_000

    /// Most tool calls in one step (1,000).
    public static let maxToolCalls = 1_000

    /// Largest count a `when:` compares with (`turn`, `attempt`: 1,000,000).
    public static let maxCount = 1_000_000

    /// Distinct requests whose attempts one session counts (4,096); past it the count starts over,
    /// so a session that never repeats a request cannot grow without bound.
    public static let maxCountedRequestsPerSession = 4_096

    /// Violations one request's validation reports at most (20); a request that breaks more
    /// rules gets the first 20, schema violations first.
    public static let maxReportedViolations = 20

    /// Stalled answers the verdict watches at once (1,000, the latest), for
    /// `stalled-stream-not-abandoned`.
    public static let maxWatchedStalls = 1_000

    /// Generations whose records `GET /generation?id=` keeps (10,000, about 5 MB); the oldest go
    /// first. `/credits` totals count every answer regardless.
    public static let maxGenerations = 10_000

    /// Scenario renderings cached at most (4,096 entries, 8 MB of body bytes): each model name,
    /// prompt size and session-scoped scenario a request brings makes its own, so past either
    /// limit the cache starts over rather than grow.
    public static let maxCachedRenderings = 4_096
    public static let maxCachedRenderingBytes = 8 * 1024 * 1024

    /// Quota windows kept at once (10,000: one per key or session and quota); past it expired
    /// windows go, then all start over.
    public static let maxQuotaWindows = 10_000

    /// Largest quota a flag or scenario may set, per minute (10^9 requests or tokens).
    public static let maxQuotaPerMinute = 1_000_000_000

    /// Longest embedding `dimensions` (8,192) and most inputs in one embeddings request (2,048, OpenAI's own limit).
    public static let maxEmbeddingDimensions = 8_192
    public static let maxEmbeddingInputs = 2_048
    /// Most numbers in one embeddings answer (inputs × dimensions: 1,048,576, about 10 MB of JSON),
    /// so one request cannot make the server build a body of gigabytes.
    public static let maxEmbeddingValues = 1_048_576

    /// Most pauses in one step (10,000).
    public static let maxPauses = 10_000

    /// Longest wait the server schedules, in ns (10^18, about 31 years): a deadline beyond it is
    /// clamped to it, so summed pauses and scaled offsets never overflow.
    public static let maxScheduleNanoseconds: Int64 = 1_000_000_000_000_000_000

    /// A duration in ms that loaders accept.
    public static func isDuration(_ ms: Double) -> Bool { ms.isFinite && ms >= 0 && ms <= maxDurationMs }
}

/// Conversions from untrusted `Double`s that saturate instead of trapping.
public enum Saturating {
    /// `value` rounded toward zero and clamped to `Int`'s range; NaN is 0.
    public static func int(_ value: Double) -> Int {
        guard !value.isNaN else { return 0 }
        if value >= 9.2e18 { return Int.max }
        if value <= -9.2e18 { return Int.min }
        return Int(value)
    }

    /// `milliseconds` (scaled by 1 / `speed`) as nanoseconds in 0...`Limits.maxScheduleNanoseconds`;
    /// NaN and negative values are 0.
    public static func nanoseconds(milliseconds: Double, speed: Double = 1) -> Int64 {
        let nanoseconds = milliseconds / speed * 1_000_000
        guard nanoseconds > 0 else { return 0 }
        return nanoseconds >= Double(Limits.maxScheduleNanoseconds) ? Limits.maxScheduleNanoseconds : Int64(nanoseconds)
    }
}
