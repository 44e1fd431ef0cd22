import CassetteFormat
import Foundation
import Scenarios
import Synchronization

/// The current window of every quota in use: requests and prompt tokens admitted since it
/// opened. Windows are fixed minutes from the first request each admits; at most
/// `Limits.maxQuotaWindows` are kept (expired ones go first, then all).
final class QuotaWindows: Sendable {
    private let windows = Mutex<[String: Window]>([:])

    private struct Window {
        var opened: Date
        var requests = 0
        var tokens = 0
    }

    /// Why a request was refused, with what the 429 reports.
    struct Refusal {
        /// `requests` or `tokens`.
        let unit: String
        let limit: Int
        /// Whole seconds until the window closes (at least 1).
        let retryAfter: Int
        /// When the window closes, in milliseconds since 1970.
        let resetMs: Int
    }

    /// Admits one request of `tokens` prompt tokens to the window `key` under `quota`, or says why not.
    /// A refused request is not counted.
    func admit(_ key: String, tokens: Int, under quota: Quota, now: Date = Date()) -> Refusal? {
        windows.withLock { windows in
            var window = windows[key] ?? Window(opened: now)
            if now.timeIntervalSince(window.opened) >= quota.windowSeconds { window = Window(opened: now) }
            let closes = window.opened.addingTimeInterval(quota.windowSeconds)
            func refusal(_ unit: String, _ limit: Int) -> Refusal {
                let remaining = closes.timeIntervalSince(now)
                return Refusal(
                    unit: unit, limit: limit, retryAfter: max(1, Int(remaining.rounded(.up))),
                    resetMs: Saturating.int((closes.timeIntervalSince1970 * 1000).rounded(.up)))
            }
            if let limit = quota.requestsPerMinute, window.requests + 1 > limit { return refusal("requests", limit) }
            if let limit = quota.tokensPerMinute, window.tokens + tokens > limit { return refusal("tokens", limit) }
            window.requests += 1
            window.tokens = min(window.tokens + tokens, Limits.maxTokens)
            if windows[key] == nil && windows.count >= Limits.maxQuotaWindows {
                windows = windows.filter { now.timeIntervalSince($0.value.opened) < Quota.windowRange.upperBound }
                if windows.count >= Limits.maxQuotaWindows { windows.removeAll() }
            }
            windows[key] = window
            return nil
        }
    }

    /// Forgets every window (`POST /__admin/reset`).
    func reset() { windows.withLock { $0.removeAll() } }
}
