/// Splits a byte stream into SSE frames as the bytes arrive: a frame ends at a blank line
/// (`\n\n`, `\r\n\r\n` or `\r\r`). Each frame is stamped with the arrival time of the chunk that
/// completed it. What is left when the stream ends (a stream cut inside a frame) is a last,
/// incomplete frame.
public struct SSEFrameSplitter {
    public private(set) var frames: [(bytes: [UInt8], offsetMs: Double)] = []
    private var pending: [UInt8] = []
    private var scanFrom = 0

    public init() {}

    public mutating func append(_ bytes: some Sequence<UInt8>, offsetMs: Double) {
        pending.append(contentsOf: bytes)
        while let end = nextFrameEnd() {
            frames.append((Array(pending[..<end]), offsetMs))
            pending.removeFirst(end)
            scanFrom = 0
        }
        scanFrom = max(0, pending.count - 3)
    }

    /// The frames, with any trailing partial frame, once the stream has ended.
    public mutating func finish(offsetMs: Double) -> [(bytes: [UInt8], offsetMs: Double)] {
        if !pending.isEmpty {
            frames.append((pending, offsetMs))
            pending = []
        }
        return frames
    }

    private func nextFrameEnd() -> Int? {
        var index = scanFrom
        while index + 1 < pending.count {
            let a = pending[index]
            let b = pending[index + 1]
            if a == 0x0A && b == 0x0A { return index + 2 }
            if a == 0x0D && b == 0x0D { return index + 2 }
            if a == 0x0D && b == 0x0A, index + 3 < pending.count, pending[index + 2] == 0x0D, pending[index + 3] == 0x0A
            {
                return index + 4
            }
            index += 1
        }
        return nil
    }
}
