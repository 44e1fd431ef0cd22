import NIOCore

/// HTTP/1.1 chunked transfer coding: each chunk is its length in hex, CRLF, the bytes, CRLF; a
/// zero-length chunk ends the body.
public enum ChunkFraming {
    /// The last chunk and the empty trailer section that end a chunked body.
    public static let terminator = ByteBuffer(staticString: "0\r\n\r\n")

    /// Appends `bytes` to `buffer` as one chunk; an empty `bytes` appends nothing (an empty chunk
    /// would end the body).
    public static func append(_ bytes: ByteBuffer, to buffer: inout ByteBuffer) {
        guard bytes.readableBytes > 0 else { return }
        buffer.writeString(String(bytes.readableBytes, radix: 16))
        buffer.writeStaticString("\r\n")
        buffer.writeImmutableBuffer(bytes)
        buffer.writeStaticString("\r\n")
    }

    /// How many bytes come before a chunk's body of `length` bytes (its size line; 0 for an
    /// empty body, which is not sent).
    public static func prefixLength(forLength length: Int) -> Int {
        length == 0 ? 0 : String(length, radix: 16).utf8.count + 2
    }
}
