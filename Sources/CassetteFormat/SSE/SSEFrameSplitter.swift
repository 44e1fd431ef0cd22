/// Splits a byte stream into SSE frames as the bytes arrive. Lines end in CRLF, LF or CR, in any
/// mix (the SSE specification's rule); a frame ends with the empty line that ends it, and keeps
/// every byte, its line endings included, so the frames joined give back the stream. Each frame is
/// stamped with the arrival time of the chunk that completed it. What is left when the stream ends
/// (a stream cut inside a frame) is a last, incomplete frame.
public struct SSEFrameSplitter {
    public private(set) var frames: [(bytes: [UInt8], offsetMs: Double)] = []
    private var pending: [UInt8] = []
    /// Where scanning resumes in `pending`.
    private var index = 0
    /// Where the current line starts in `pending`.
    private var lineStart = 0
    /// Where a CR that ended a line sits, while it is unknown whether an LF follows it.
    private var carriageReturn: Int?

    public init() {}

    public mutating func append(_ bytes: some Sequence<UInt8>, offsetMs: Double) {
        pending.append(contentsOf: bytes)
        while let end = nextFrameEnd() {
            frames.append((Array(pending[..<end]), offsetMs))
            pending.removeFirst(end)
            index = 0
            lineStart = 0
            carriageReturn = nil
        }
    }

    /// The frames, with any trailing partial frame, once the stream has ended.
    public mutating func finish(offsetMs: Double) -> [(bytes: [UInt8], offsetMs: Double)] {
        if !pending.isEmpty {
            frames.append((pending, offsetMs))
            pending = []
        }
        return frames
    }

    /// The end of the first complete frame in `pending`, if one is complete.
    private mutating func nextFrameEnd() -> Int? {
        while true {
            if let cr = carriageReturn {
                // A CR ended the line [lineStart, cr); an LF right after it belongs to the same ending.
                guard index < pending.count else { return nil }
                let end = pending[index] == Self.lineFeed ? index + 1 : index
                carriageReturn = nil
                if lineStart == cr { return end }
                lineStart = end
                index = end
                continue
            }
            guard index < pending.count else { return nil }
            switch pending[index] {
            case Self.carriageReturnByte:
                carriageReturn = index
                index += 1
            case Self.lineFeed:
                if lineStart == index { return index + 1 }
                index += 1
                lineStart = index
            default:
                index += 1
            }
        }
    }

    static let lineFeed: UInt8 = 0x0A
    static let carriageReturnByte: UInt8 = 0x0D
}
