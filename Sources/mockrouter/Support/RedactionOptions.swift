import ArgumentParser
import CassetteFormat
import Foundation

/// `--redact-header` and `--redact-pattern`: secrets to remove beyond the defaults
/// (Authorization, x-api-key, cookies, and `sk-…` key-shaped strings).
struct RedactionOptions: ParsableArguments {
    @Option(
        name: .customLong("redact-header"), help: "Another header whose value is replaced by [REDACTED] (repeatable).")
    var headers: [String] = []

    @Option(
        name: .customLong("redact-pattern"),
        help: "Another regular expression whose matches are replaced by [REDACTED] (repeatable).")
    var patterns: [String] = []

    func validate() throws { _ = try makeRedactor() }

    func makeRedactor() throws -> Redactor {
        do {
            return try Redactor(extraHeaders: headers, extraPatterns: patterns)
        } catch {
            throw ValidationError("--redact-pattern is not a valid regular expression: \(error.localizedDescription)")
        }
    }
}
