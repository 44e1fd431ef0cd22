/// What the server does with a request that breaks OpenRouter's rules (`--validate`).
public enum ValidationMode: String, Sendable, CaseIterable {
    /// No checks.
    case off
    /// Answer as usual, with an `X-MockRouter-Warning` header and the violations in the journal.
    case warn
    /// Refuse it with OpenRouter's 400 naming the JSON path and the rule.
    case strict
}

extension Violation {
    /// The response header that reports violations in `warn` mode.
    public static let warningHeader = "X-MockRouter-Warning"
    /// The most bytes the header's value holds (1,024); the journal has every violation.
    public static let maxWarningBytes = 1_024

    /// `invalid request: PATH: MESSAGE; …` as one header value: printable ASCII only (anything
    /// else becomes `?`), cut at `maxWarningBytes`.
    public static func warning(_ violations: [Violation]) -> String {
        let text = "invalid request: " + violations.map(\.description).joined(separator: "; ")
        let printable = String(
            text.unicodeScalars.prefix(maxWarningBytes).map {
                $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F ? Character($0) : "?"
            })
        return printable
    }

    /// `Invalid request: FIRST (and N more)`, the message of a strict 400.
    public static func summary(_ violations: [Violation]) -> String {
        let more = violations.count > 1 ? " (and \(violations.count - 1) more)" : ""
        return "Invalid request: \(violations.first?.description ?? "")\(more)"
    }
}
