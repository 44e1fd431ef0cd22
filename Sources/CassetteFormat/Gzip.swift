import CZlib

/// Gzip members through the system zlib. A cassette file is one or more gzip members laid end
/// to end (RFC 1952 allows it; `zcat` and Python's `gzip` read them as one stream).
public enum Gzip {
    /// What decompressing a file gave: the text of every complete member, how many there were,
    /// and whether the file ended inside a member (as a killed writer leaves it).
    public struct Inflated: Sendable {
        public var bytes: [UInt8]
        public var completeMembers: Int
        /// How many input bytes the complete members take up.
        public var completeInputLength: Int
        public var truncated: Bool
    }

    /// Corrupt compressed data (not a truncation), with the member it was found in.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let member: Int
        /// Complete lines of text decoded before the damage.
        public let linesBefore: Int
        public let message: String
        public var description: String { "gzip member \(member) is damaged: \(message)" }
    }

    /// Whether `bytes` start with the gzip magic number.
    public static func isGzip<Bytes: Collection>(_ bytes: Bytes) -> Bool where Bytes.Element == UInt8 {
        bytes.starts(with: [0x1F, 0x8B])
    }

    /// One gzip member holding `bytes`. Deterministic: no file name, mtime 0.
    public static func compress(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        Deflater(level: level).member(bytes)
    }

    /// Inflates every member of `bytes`. A file that ends inside a member is reported as
    /// `truncated` with the text of the complete members before it; corrupt data throws.
    public static func decompress(_ bytes: [UInt8]) throws(Failure) -> Inflated {
        var result = Inflated(bytes: [], completeMembers: 0, completeInputLength: 0, truncated: false)
        guard !bytes.isEmpty else { return result }
        result.bytes.reserveCapacity(bytes.count * 4)
        var stream = z_stream()
        guard mockrouter_inflateInit2(&stream, 15 + 16) == Z_OK else { fatalError("zlib inflateInit2 failed") }
        defer { inflateEnd(&stream) }
        var scratch = [UInt8](repeating: 0, count: 64 * 1024)
        var pending: [UInt8] = []
        var failure: Failure?
        var input = bytes
        input.withUnsafeMutableBufferPointer { inBuffer in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = uInt(inBuffer.count)
            scratch.withUnsafeMutableBufferPointer { outBuffer in
                while true {
                    stream.next_out = outBuffer.baseAddress
                    stream.avail_out = uInt(outBuffer.count)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    pending.append(contentsOf: outBuffer[0..<(outBuffer.count - Int(stream.avail_out))])
                    switch status {
                    case Z_STREAM_END:
                        result.completeMembers += 1
                        result.completeInputLength = inBuffer.count - Int(stream.avail_in)
                        result.bytes.append(contentsOf: pending)
                        pending.removeAll(keepingCapacity: true)
                        if stream.avail_in == 0 { return }
                        inflateReset(&stream)
                    case Z_OK:
                        if stream.avail_in == 0 && stream.avail_out != 0 {
                            result.truncated = true
                            return
                        }
                    case Z_BUF_ERROR:
                        result.truncated = true
                        return
                    default:
                        let reason = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                        failure = Failure(
                            member: result.completeMembers + 1,
                            linesBefore: result.bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }, message: reason)
                        return
                    }
                }
            }
        }
        if let failure { throw failure }
        return result
    }
}
