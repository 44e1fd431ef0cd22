/// A dialect's frames for one script, before faults, keep-alives and line endings are applied.
public struct RenderedStream: Sendable {
    /// Frames before the first token (e.g. `message_start`, `response.created`, the role chunk).
    public var opening: [RenderedFrame]
    /// Frames that carry tokens, and structural frames between them.
    public var body: [RenderedFrame]
    /// Frames after the last token (finish, usage, `message_stop`, `[DONE]`).
    public var closing: [RenderedFrame]

    public init(opening: [RenderedFrame] = [], body: [RenderedFrame] = [], closing: [RenderedFrame] = []) {
        self.opening = opening
        self.body = body
        self.closing = closing
    }
}

/// One SSE frame (exact text, LF endings) with its offset and how many token events have been
/// sent once it is.
public struct RenderedFrame: Sendable {
    public var text: String
    public var offsetMs: Double
    public var tokensSent: Int

    public init(_ text: String, offsetMs: Double, tokensSent: Int) {
        self.text = text
        self.offsetMs = offsetMs
        self.tokensSent = tokensSent
    }
}
