/// Request and token limits per minute, for the whole server (`serve --quota-rpm/--quota-tpm`) or
/// for one scenario (`quota:`), counted per API key or per session. A request past a limit gets
/// OpenRouter's 429 with `Retry-After` and `X-RateLimit-*` computed from its window.
public struct Quota: Sendable, Equatable {
    /// What a window counts for: each API key (the default), or each session.
    public enum Scope: String, Sendable, CaseIterable {
        case key, session
    }

    /// Requests admitted per window; `nil`: not limited.
    public var requestsPerMinute: Int?
    /// Prompt tokens admitted per window (as `RequestUsage.estimatePromptTokens` counts them); `nil`: not limited.
    public var tokensPerMinute: Int?
    public var per: Scope
    /// How long a window lasts, from the first request it admits: a minute, unless a test wants
    /// its limits to reset sooner (the limits then count per window, not per minute).
    public var windowSeconds: Double

    /// Window lengths a quota may have (0.1 s to 1 h).
    public static let windowRange = 0.1...3_600.0

    public init(
        requestsPerMinute: Int? = nil, tokensPerMinute: Int? = nil, per: Scope = .key, windowSeconds: Double = 60
    ) {
        self.requestsPerMinute = requestsPerMinute
        self.tokensPerMinute = tokensPerMinute
        self.per = per
        self.windowSeconds = windowSeconds
    }
}
