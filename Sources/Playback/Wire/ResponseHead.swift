import NIOCore
import NIOHTTP1

/// The status line and header block of a response, encoded as the bytes that go on the wire.
public enum ResponseHead {
    /// `status`, `headers` (framing headers already removed) and the framing header, for a client
    /// speaking `version`: `content-length` for `.contentLength`, `transfer-encoding: chunked` for
    /// `.chunked` on HTTP/1.1 (HTTP/1.0 has no chunks: the body runs until the connection closes).
    /// `connection` adds that header. A field that is not a valid HTTP field (a name outside the
    /// token characters, a value with CR, LF or NUL) is left out rather than break the framing.
    public static func encode(
        status: Int, headers: [(String, String)], framing: PlaybackPlan.Framing, contentLength: Int,
        version: HTTPVersion = .http1_1, connection: String? = nil
    ) -> (bytes: ByteBuffer, valueOffsets: [Int?]) {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(64 + headers.reduce(0) { $0 + $1.0.utf8.count + $1.1.utf8.count + 4 })
        buffer.writeString("HTTP/\(version.major).\(version.minor) \(status) ")
        buffer.writeString(HTTPResponseStatus(statusCode: status).reasonPhrase)
        buffer.writeStaticString("\r\n")
        var valueOffsets: [Int?] = []
        valueOffsets.reserveCapacity(headers.count)
        for (name, value) in headers {
            guard isValidName(name), isValidValue(value) else {
                valueOffsets.append(nil)
                continue
            }
            buffer.writeString(name)
            buffer.writeStaticString(": ")
            valueOffsets.append(buffer.writerIndex)
            buffer.writeString(value)
            buffer.writeStaticString("\r\n")
        }
        if !isBodyless(status) {
            switch framing {
            case .contentLength: buffer.writeString("content-length: \(contentLength)\r\n")
            case .chunked where hasChunks(version): buffer.writeStaticString("transfer-encoding: chunked\r\n")
            case .chunked: break
            }
        }
        if let connection { buffer.writeString("connection: \(connection)\r\n") }
        buffer.writeStaticString("\r\n")
        return (buffer, valueOffsets)
    }

    /// Whether `version` has chunked transfer coding (HTTP/1.1 and later; HTTP/1.0 has none).
    public static func hasChunks(_ version: HTTPVersion) -> Bool { version.major > 1 || version.minor >= 1 }

    /// Whether a response with `status` never has a body (RFC 9110: 1xx, 204, 304), so it announces no length.
    public static func isBodyless(_ status: Int) -> Bool {
        (100..<200).contains(status) || status == 204 || status == 304
    }

    /// RFC 9110 `token`: the characters a field name may hold.
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty
            && name.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"):
                    return true
                default: return "!#$%&'*+-.^_`|~".utf8.contains(byte)
                }
            }
    }

    /// A field value may not hold CR, LF or NUL (they would end the header early).
    static func isValidValue(_ value: String) -> Bool {
        !value.utf8.contains { $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") || $0 == 0 }
    }
}
