import CassetteFormat
import Foundation
import Playback
import Scenarios

/// Judges how a client behaved from what the journal holds: its retries against `Retry-After`
/// and backoff, stalled streams it never abandoned, invalid requests, secrets in bodies,
/// duplicates and attribution. docs/verdict.md describes each code.
struct ClientVerdict {
    let thresholds: VerdictThresholds
    let redactor: Redactor
    /// The scenario a session sees under a name, for `no-retry-on-retryable`.
    let scenario: (String, String) -> Scenario?

    /// Statuses a client should retry (after waiting): rate limits, timeouts and server errors.
    static let retryable: Set<Int> = [408, 429, 500, 502, 503, 504, 529]
    /// Statuses for which a scripted scenario's later success means a retry would have worked.
    static let retryHint: Set<Int> = [429, 502, 503]
    /// Headers that attribute a request to an app on OpenRouter's leaderboards.
    static let attributionHeaders = ["http-referer", "x-title", "x-openrouter-title"]

    /// The findings over `entries` (oldest first) and the stalls watched in the same scope.
    func findings(entries: [JournalEntry], stalls: [StallWatch], now: Date = Date()) -> [Finding] {
        let inference = entries.filter(\.isInference)
        var found: [Finding] = []
        var attempts: [String: [JournalEntry]] = [:]
        var order: [String] = []
        for entry in inference {
            let key = entry.requestKey
            if attempts[key] == nil { order.append(key) }
            attempts[key, default: []].append(entry)
            found += requestFindings(entry)
        }
        for key in order { found += retryFindings(attempts[key] ?? []) }
        found += stallFindings(stalls, entries: entries, now: now)
        found += attributionFindings(inference)
        return found.sorted { ($0.entries.first?.time ?? now) < ($1.entries.first?.time ?? now) }
    }

    /// `invalid-request` and `secret-in-body`: what one request carries.
    private func requestFindings(_ entry: JournalEntry) -> [Finding] {
        var found: [Finding] = []
        if let first = entry.violations.first {
            let more = entry.violations.count > 1 ? " (and \(entry.violations.count - 1) more)" : ""
            found.append(Finding(code: .invalidRequest, explanation: "\(first)\(more)", entries: [entry]))
        }
        if redactor.redact(entry.body) != entry.body {
            found.append(
                Finding(
                    code: .secretInBody,
                    explanation:
                        "the request body holds a key-shaped string (an API key belongs in the Authorization header)",
                    entries: [entry]))
        }
        return found
    }

    /// What the attempts of one request (same session, path and body, oldest first) show.
    private func retryFindings(_ attempts: [JournalEntry]) -> [Finding] {
        var found: [Finding] = []
        var retries: [(attempt: Int, entry: JournalEntry)] = []
        var chain: [JournalEntry] = []
        var storm: Finding?
        for index in attempts.indices.dropFirst() {
            let previous = attempts[index - 1]
            let current = attempts[index]
            let gap = current.time.timeIntervalSince(previous.time)
            if let wait = previous.retryAfterSeconds, Self.retryable.contains(previous.status),
                gap < wait - thresholds.retryAfterSlackSeconds
            {
                found.append(
                    Finding(
                        code: .retryAfterIgnored,
                        explanation:
                            "retried after \(Self.seconds(gap)) although the \(previous.status) said Retry-After: \(Self.seconds(wait))",
                        entries: [previous, current]))
            }
            if (200..<300).contains(previous.status) && gap < thresholds.duplicateWindowSeconds {
                found.append(
                    Finding(
                        code: .duplicateRequest,
                        explanation: "the same request again \(Self.seconds(gap)) after it succeeded",
                        entries: [previous, current]))
            }
            guard Self.retryable.contains(previous.status) else {
                chain = []
                continue
            }
            retries.append((index, current))
            let recent = retries.filter {
                current.time.timeIntervalSince($0.entry.time) <= thresholds.retryWindowSeconds
            }
            if storm == nil, recent.count > thresholds.maxRetries, let first = recent.first {
                storm = Finding(
                    code: .retryStorm,
                    explanation:
                        "\(recent.count) retries of one request within \(Self.seconds(thresholds.retryWindowSeconds)) (more than \(thresholds.maxRetries))",
                    entries: [attempts[first.attempt - 1]] + recent.map(\.entry))
            }
            chain = previous.retryAfterSeconds == nil ? (chain.isEmpty ? [previous] : chain) + [current] : []
            if storm == nil && chain.count - 1 > thresholds.backoffChain && !backsOff(chain) {
                storm = Finding(
                    code: .retryStorm,
                    explanation:
                        "\(chain.count - 1) retries in a row with no backoff: the waits (\(Self.gaps(chain))) stay short and do not grow",
                    entries: chain)
            }
        }
        if let storm { found.append(storm) }
        if let last = attempts.last, Self.retryHint.contains(last.status), retryWouldSucceed(last) {
            found.append(
                Finding(
                    code: .noRetryOnRetryable,
                    explanation:
                        "a \(last.status) was never retried, and the scenario that sent it answers a retry with a success",
                    entries: [last]))
        }
        return found
    }

    /// Whether the waits between the attempts of `chain` back off: they average at least
    /// `backoffFloorSeconds`, or the last is more than twice the first. (Judging every step would
    /// flag the SDKs: their jitter of up to a second makes early waits shrink now and then.)
    func backsOff(_ chain: [JournalEntry]) -> Bool {
        let waits = zip(chain, chain.dropFirst()).map { $1.time.timeIntervalSince($0.time) }
        guard let first = waits.first, let last = waits.last else { return true }
        let average = waits.reduce(0, +) / Double(waits.count)
        return average >= thresholds.backoffFloorSeconds || last > first * 2
    }

    /// Whether `entry` came from a scenario step that a retry gets past: a later step that
    /// succeeds, or steps chosen by `when:` (such as `attempt: 2`).
    private func retryWouldSucceed(_ entry: JournalEntry) -> Bool {
        guard case .scenario(let name, let step) = entry.answer, let scenario = scenario(name, entry.session) else {
            return false
        }
        if !scenario.conditions.isEmpty { return true }
        return scenario.steps.dropFirst(step).contains { if case .response = $0 { true } else { false } }
    }

    /// `stalled-stream-not-abandoned`: a stall the client held open past the bound.
    private func stallFindings(_ stalls: [StallWatch], entries: [JournalEntry], now: Date) -> [Finding] {
        stalls.compactMap { watch in
            guard let (held, open) = watch.heldSeconds(now: now), held > thresholds.stallBoundSeconds else {
                return nil
            }
            let entry = entries.first { $0.session == watch.session && $0.time == watch.answered }
            return Finding(
                code: .stalledStreamNotAbandoned,
                explanation:
                    "the client held a stalled stream open \(Self.seconds(held))\(open ? " and still does" : " before closing it") (bound \(Self.seconds(thresholds.stallBoundSeconds))): it has no read timeout",
                entries: entry.map { [$0] } ?? [])
        }
    }

    /// `missing-attribution`: a session none of whose requests names the app.
    private func attributionFindings(_ inference: [JournalEntry]) -> [Finding] {
        var sessions: [String] = []
        var attributed = Set<String>()
        var first: [String: JournalEntry] = [:]
        for entry in inference {
            if first[entry.session] == nil {
                sessions.append(entry.session)
                first[entry.session] = entry
            }
            if Self.attributionHeaders.contains(where: { entry.headers.first(name: $0) != nil }) {
                attributed.insert(entry.session)
            }
        }
        return sessions.filter { !attributed.contains($0) }.compactMap { session in
            first[session].map {
                Finding(
                    code: .missingAttribution,
                    explanation:
                        "no request of session \(session) sends HTTP-Referer, X-Title or X-OpenRouter-Title (OpenRouter's app attribution)",
                    entries: [$0])
            }
        }
    }

    static func seconds(_ value: Double) -> String {
        value < 10 ? String(format: "%.2f s", value) : String(format: "%.0f s", value)
    }

    private static func gaps(_ chain: [JournalEntry]) -> String {
        zip(chain, chain.dropFirst()).map { seconds($1.time.timeIntervalSince($0.time)) }.joined(separator: ", ")
    }
}

extension JournalEntry {
    /// A POST to an inference endpoint.
    var isInference: Bool {
        method == "POST" && Endpoint.isInference(APIPath.canonical(RoutedPath(pathOnly).apiPath))
    }

    /// The request as retries repeat it: session, API path and body bytes.
    var requestKey: String {
        "\(session) \(APIPath.canonical(RoutedPath(pathOnly).apiPath)) \(String(decoding: body, as: UTF8.self))"
    }

    private var pathOnly: String { path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? path }
}
