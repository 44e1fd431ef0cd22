import ArgumentParser
import CassetteFormat
import MockServer
import Scenarios

/// `--quota-rpm`, `--quota-tpm` and `--quota-per`: a rate limit every inference request is held to.
struct QuotaOptions: ParsableArguments {
    @Option(help: "Requests per minute each key (or session, --quota-per) may send; one more gets 429.")
    var quotaRpm: Int?

    @Option(help: "Prompt tokens per minute (estimated as docs/scenarios.md says) each key or session may send.")
    var quotaTpm: Int?

    @Option(help: "What a quota counts for: key (the API key sent, the default) or session.")
    var quotaPer: String = Quota.Scope.key.rawValue

    @Option(help: "Seconds a quota window lasts (0.1 to 3600); the limits count per window.")
    var quotaWindow: Double = 60

    func validate() throws {
        for (flag, value) in [("--quota-rpm", quotaRpm), ("--quota-tpm", quotaTpm)] {
            if let value, !(1...Limits.maxQuotaPerMinute).contains(value) {
                throw ValidationError("\(flag) must be from 1 to \(Limits.maxQuotaPerMinute); got \(value)")
            }
        }
        guard Quota.windowRange.contains(quotaWindow) else {
            throw ValidationError("--quota-window must be from 0.1 to 3600 seconds; got \(quotaWindow)")
        }
        guard Quota.Scope(rawValue: quotaPer) != nil else {
            throw ValidationError("--quota-per must be key or session; got \(quotaPer)")
        }
    }

    /// The quota the flags describe, or `nil` when none is given.
    var quota: Quota? {
        guard quotaRpm != nil || quotaTpm != nil else { return nil }
        return Quota(
            requestsPerMinute: quotaRpm, tokensPerMinute: quotaTpm, per: Quota.Scope(rawValue: quotaPer) ?? .key,
            windowSeconds: quotaWindow)
    }
}
