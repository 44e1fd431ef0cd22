/// A recorded HTTP body. Each case says how the exact bytes are kept:
/// `json` (the compact serialization of the value), `text` (UTF-8), `bytes` (base64 on disk),
/// `sse` (Server-Sent Events frames with their offsets) and `chunks` (raw pieces with offsets).
/// Requests use `empty`, `json`, `text` and `bytes` only.
public enum Body: Sendable, Hashable {
    case empty
    case json(JSONValue)
    case text(String)
    case bytes([UInt8])
    case sse([TimedFrame])
    case chunks([TimedChunk])

    /// The exact bytes this body puts on the wire.
    public var wireBytes: [UInt8] {
        switch self {
        case .empty: return []
        case .json(let value): return JSONWriter.bytes(value)
        case .text(let text): return Array(text.utf8)
        case .bytes(let bytes): return bytes
        case .sse(let frames): return frames.flatMap { Array($0.text.utf8) }
        case .chunks(let chunks): return chunks.flatMap(\.bytes)
        }
    }

    /// Whether the body was delivered as a timed stream of pieces.
    public var isStream: Bool {
        switch self {
        case .sse, .chunks: return true
        default: return false
        }
    }

    /// The best faithful representation of `bytes`: `json` when the compact serialization of the
    /// parsed value gives back exactly these bytes, else `text` for UTF-8, else `bytes`.
    public static func exact(_ bytes: [UInt8]) -> Body {
        if bytes.isEmpty { return .empty }
        if let value = try? JSONParser.parse(bytes), JSONWriter.bytes(value) == bytes { return .json(value) }
        if let text = String(validating: bytes, as: UTF8.self) { return .text(text) }
        return .bytes(bytes)
    }

    /// A request body as a cassette keeps it: `json` whenever the bytes parse as JSON, whatever
    /// their spacing (requests are matched by canonical JSON and never replayed byte for byte, so
    /// a readable, editable value beats exact whitespace), else `text` for UTF-8, else `bytes`.
    public static func request(_ bytes: [UInt8]) -> Body {
        if bytes.isEmpty { return .empty }
        if let value = try? JSONParser.parse(bytes) { return .json(value) }
        if let text = String(validating: bytes, as: UTF8.self) { return .text(text) }
        return .bytes(bytes)
    }
}

/// One Server-Sent Events frame: its exact text (including the blank line that ends it, unless
/// the stream was cut inside it) and when it was sent, in milliseconds from the request's start.
public struct TimedFrame: Sendable, Hashable {
    public var offsetMs: Double
    public var text: String

    public init(offsetMs: Double, text: String) {
        self.offsetMs = offsetMs
        self.text = text
    }
}

/// A raw piece of a streamed body that is not SSE, with its offset from the request's start.
public struct TimedChunk: Sendable, Hashable {
    public var offsetMs: Double
    public var bytes: [UInt8]

    public init(offsetMs: Double, bytes: [UInt8]) {
        self.offsetMs = offsetMs
        self.bytes = bytes
    }
}
