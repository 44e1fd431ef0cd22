/// Server-Sent Events as MockRouter writes them: one event is its lines followed by a blank line,
/// every line ending in `\n` (a scenario's `line_endings: crlf` rewrites them afterwards).
/// `SSEFrameSplitter` and `SSEEvent` read them back, whatever the line endings.
public enum SSE {
    /// `data: <compact JSON>` and a blank line.
    public static func data(_ value: JSONValue) -> String { "data: " + JSONWriter.string(value) + "\n\n" }

    /// `event: NAME`, `data: <compact JSON>` and a blank line (Anthropic Messages).
    public static func event(_ name: String, _ value: JSONValue) -> String { "event: \(name)\n" + data(value) }

    public static let done = "data: [DONE]\n\n"
    public static let keepAlive = ": OPENROUTER PROCESSING\n\n"
}
