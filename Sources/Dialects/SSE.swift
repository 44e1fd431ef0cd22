import CassetteFormat

/// Server-Sent Events framing: one event is its lines followed by a blank line.
enum SSE {
    /// `data: <compact JSON>` and a blank line.
    static func data(_ value: JSONValue) -> String { "data: " + JSONWriter.string(value) + "\n\n" }

    /// `event: NAME`, `data: <compact JSON>` and a blank line (Anthropic Messages).
    static func event(_ name: String, _ value: JSONValue) -> String { "event: \(name)\n" + data(value) }

    static let done = "data: [DONE]\n\n"
    static let keepAlive = ": OPENROUTER PROCESSING\n\n"
}
