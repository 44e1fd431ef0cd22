import CassetteFormat
import Dialects
import NIOCore

/// Collects an upstream response as it streams through: each chunk with its offset from the
/// request's start, and builds the recorded body: SSE frames for an event stream, the exact body
/// for a complete JSON answer, raw chunks with offsets for anything else.
struct StreamRecorder {
    let start: ContinuousClock.Instant
    private(set) var chunks: [TimedChunk] = []
    private var splitter = SSEFrameSplitter()
    private(set) var headAtMs: Double?

    init(start: ContinuousClock.Instant) { self.start = start }

    var nowMs: Double {
        let elapsed = start.duration(to: .now)
        return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
    }

    mutating func markHead() { headAtMs = nowMs }

    /// Records one chunk and returns its offset.
    @discardableResult
    mutating func append(_ buffer: ByteBuffer) -> Double {
        let offset = nowMs
        let bytes = Array(buffer.readableBytesView)
        chunks.append(TimedChunk(offsetMs: offset, bytes: bytes))
        splitter.append(bytes, offsetMs: offset)
        return offset
    }

    /// The recorded body for a response with `contentType`, `complete` when it ended normally.
    mutating func body(contentType: String?, complete: Bool) -> Body {
        let type = contentType?.lowercased() ?? ""
        if type.hasPrefix("text/event-stream") {
            let frames = splitter.finish(offsetMs: nowMs)
            let texts = frames.map { String(validating: $0.bytes, as: UTF8.self) }
            if !texts.contains(where: { $0 == nil }) {
                return .sse(zip(frames, texts).map { TimedFrame(offsetMs: $0.offsetMs, text: $1!) })
            }
            return .chunks(chunks)
        }
        if complete && (type.contains("json") || chunks.isEmpty) {
            return Body.exact(chunks.flatMap(\.bytes))
        }
        return .chunks(chunks)
    }
}
