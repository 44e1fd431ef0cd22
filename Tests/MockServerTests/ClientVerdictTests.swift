import CassetteFormat
import Foundation
import NIOHTTP1
import Testing

@testable import MockServer

/// The verdict's retry rules on hand-made timelines: what counts as ignoring `Retry-After`, a
/// storm by count, a storm without backoff, and the SDK-like backoff that must not count.
@Suite("Client verdict rules")
struct ClientVerdictTests {
    let judge = ClientVerdict(thresholds: VerdictThresholds(), redactor: .standard, scenario: { _, _ in nil })
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// Attempts of one request at `seconds` after `start`, each answered `status` (`retryAfter` on each).
    func attempts(_ seconds: [Double], status: Int, retryAfter: Double? = nil, last: Int = 200) -> [JournalEntry] {
        seconds.enumerated().map { index, offset in
            JournalEntry(
                time: start.addingTimeInterval(offset), session: "s", method: "POST", path: "/api/v1/chat/completions",
                query: nil, headers: HTTPHeaders([("X-Title", "t")]), body: Array(#"{"model":"m"}"#.utf8),
                status: index == seconds.count - 1 ? last : status, answer: .catalogue,
                retryAfterSeconds: index == seconds.count - 1 ? nil : retryAfter)
        }
    }

    func codes(_ entries: [JournalEntry]) -> [String] {
        judge.findings(entries: entries, stalls: []).map(\.code.rawValue)
    }

    @Test("a retry sooner than Retry-After (less 0.05 s) is retry-after-ignored; one that waits is not")
    func retryAfter() {
        #expect(codes(attempts([0, 0.5], status: 429, retryAfter: 1)) == ["retry-after-ignored"])
        #expect(codes(attempts([0, 0.96], status: 429, retryAfter: 1)).isEmpty)
        #expect(codes(attempts([0, 0.5], status: 400, retryAfter: 1)).isEmpty, "a 400 is not retryable")
    }

    @Test("more than max_retries retries within retry_window is a storm, citing the attempts it counts")
    func stormByCount() throws {
        let entries = attempts((0..<8).map { Double($0) * 1.2 }, status: 503, retryAfter: 0)
        let storm = try #require(judge.findings(entries: entries, stalls: []).first { $0.code == .retryStorm })
        #expect(storm.entries.map(\.time) == Array(entries.prefix(7).map(\.time)))
    }

    @Test("more than backoff_chain quick retries that do not grow are a storm; SDK-like backoff is not")
    func noBackoff() {
        #expect(codes(attempts([0, 0.05, 0.1, 0.15, 0.2], status: 503)) == ["retry-storm"])
        #expect(codes(attempts([0, 0.05, 0.1, 0.15], status: 503)).isEmpty, "exactly backoff_chain retries")
        // The OpenRouter SDK's worst jitter: 0.5 s × 1.5ⁿ plus up to 1 s, shrinking now and then.
        #expect(codes(attempts([0, 1.5, 3.25, 5.375, 7.07], status: 503)).isEmpty)
        // Short waits that double: backoff, however short.
        #expect(codes(attempts([0, 0.05, 0.15, 0.35, 0.75], status: 503)).isEmpty)
    }

    @Test("thresholds come from the query, and a bad one is named")
    func thresholds() throws {
        let query = ["stall_bound": "2.5", "max_retries": "3"]
        let parsed = try VerdictThresholds.parse { query[$0] }.get()
        #expect(parsed.stallBoundSeconds == 2.5 && parsed.maxRetries == 3)
        for (name, value) in [
            ("max_retries", "1.5"), ("stall_bound", "-1"), ("retry_window", "nan"), ("backoff_chain", "0"),
        ] {
            guard case .failure(let problem) = VerdictThresholds.parse({ $0 == name ? value : nil }) else {
                Issue.record("\(name)=\(value) was accepted")
                continue
            }
            #expect(problem.message.hasPrefix("\(name) must be"))
        }
    }
}
