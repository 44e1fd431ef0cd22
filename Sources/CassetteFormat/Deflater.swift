import CZlib

/// A zlib deflate stream kept for reuse: each `member` call resets it and writes one gzip member.
/// Setting a stream up allocates about 270 KB; doing that per recorded interaction made the
/// allocator hand the memory back to the kernel and fault it in again every time.
/// Not thread-safe: one caller at a time.
public final class Deflater {
    private var stream = z_stream()

    public init(level: Int32 = 6) {
        guard mockrouter_deflateInit2(&stream, level, 15 + 16) == Z_OK else { fatalError("zlib deflateInit2 failed") }
    }

    deinit { deflateEnd(&stream) }

    /// One gzip member holding `bytes`. Deterministic: no file name, mtime 0.
    public func member(_ bytes: [UInt8]) -> [UInt8] {
        deflateReset(&stream)
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 32)
        var input = bytes
        let produced: Int = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = uInt(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = uInt(outBuffer.count)
                let status = deflate(&stream, Z_FINISH)
                precondition(status == Z_STREAM_END, "zlib deflate did not finish: \(status)")
                return outBuffer.count - Int(stream.avail_out)
            }
        }
        output.removeLast(output.count - produced)
        return output
    }
}
