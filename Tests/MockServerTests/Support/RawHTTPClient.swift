import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A deliberately plain HTTP/1.1 client over a blocking POSIX socket, so tests see exactly what
/// is on the wire: status line, headers, each chunk of a chunked body with its arrival time,
/// whether the body was properly terminated, and whether the peer reset the connection.
final class RawHTTPClient {
    struct Response {
        var status: Int
        var headers: [(String, String)]
        /// The decoded body.
        var body: [UInt8] { chunks.flatMap(\.bytes) }
        /// The body as it arrived: one entry per HTTP chunk (or one for a Content-Length body),
        /// with the time since the request was sent.
        var chunks: [(bytes: [UInt8], arrival: Duration)]
        /// Whether the body ended properly (terminating zero-length chunk, or full Content-Length).
        var terminated: Bool
        /// Whether reading ended with ECONNRESET.
        var reset: Bool

        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
        var text: String { String(decoding: body, as: UTF8.self) }
        /// The body with what every answer makes its own (generation ids, `created` times, tool-call
        /// ids) replaced by fixed marks, to compare two answers of the same step.
        var textWithoutIdentity: String {
            text.replacing(/gen-\d{10}-[A-Za-z0-9]{20}/, with: "gen-ID")
                .replacing(/"created(_at)?":\d{10}/, with: "\"created\":N")
                .replacing(/(call|toolu|tool)_[A-Za-z0-9]{24}/, with: "call_ID")
                .replacing(/_tmp_[a-z0-9]{10}/, with: "_tmp_ID")
        }
        /// The generation ids the body carries, in order, without repeats.
        var generationIDs: [String] {
            var seen: [String] = []
            for match in text.matches(of: /gen-\d{10}-[A-Za-z0-9]{20}/) where !seen.contains(String(match.output)) {
                seen.append(String(match.output))
            }
            return seen
        }
    }

    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var sentAt = ContinuousClock.now
    private(set) var sawReset = false

    init(port: Int, receiveTimeout: Double = 10) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(descriptor)
            throw ClientError.connectFailed(errno)
        }
        var timeout = timeval(
            tv_sec: Int(receiveTimeout), tv_usec: Int((receiveTimeout - receiveTimeout.rounded(.down)) * 1_000_000))
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(descriptor) }

    enum ClientError: Error {
        case connectFailed(Int32)
        case timedOut
        case malformed(String)
    }

    /// Sends raw bytes and starts the clock for arrival times.
    func send(_ bytes: [UInt8]) {
        sentAt = .now
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL))
            }
            if n <= 0 { return }
            sent += n
        }
    }

    /// Sends a request with a body and the usual headers.
    func send(method: String, path: String, body: [UInt8] = [], headers: [(String, String)] = []) {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        var all = headers
        if !body.isEmpty || method == "POST" {
            if !all.contains(where: { $0.0.lowercased() == "content-type" }) {
                all.append(("Content-Type", "application/json"))
            }
            all.append(("Content-Length", "\(body.count)"))
        }
        for (name, value) in all { text += "\(name): \(value)\r\n" }
        send(Array((text + "\r\n").utf8) + body)
    }

    /// Reads one response.
    func readResponse() throws -> Response {
        guard let statusLine = try readLine() else { throw ClientError.malformed("no status line") }
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, let status = Int(parts[1]) else { throw ClientError.malformed(statusLine) }
        var headers: [(String, String)] = []
        while let line = try readLine(), !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { throw ClientError.malformed(line) }
            headers.append(
                (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        var response = Response(status: status, headers: headers, chunks: [], terminated: false, reset: false)
        if response.header("transfer-encoding")?.lowercased() == "chunked" {
            while let sizeLine = try readLine(), let size = Int(sizeLine, radix: 16) {
                if size == 0 {
                    _ = try readLine()
                    response.terminated = true
                    break
                }
                guard let bytes = try read(exactly: size) else { break }
                response.chunks.append((bytes, sentAt.duration(to: .now)))
                guard try readLine() == "" else { break }
            }
        } else if let length = response.header("content-length").flatMap(Int.init) {
            if length == 0 {
                response.terminated = true
            } else if let bytes = try read(exactly: length) {
                response.chunks.append((bytes, sentAt.duration(to: .now)))
                response.terminated = true
            } else if !buffer.isEmpty {
                response.chunks.append((buffer, sentAt.duration(to: .now)))
                buffer.removeAll()
            }
        } else {
            while try fill() {}
            response.chunks.append((buffer, sentAt.duration(to: .now)))
            buffer.removeAll()
        }
        response.reset = sawReset
        return response
    }

    /// Whether the server has closed the connection (reads EOF within `timeout`).
    func isClosedByPeer() throws -> Bool {
        buffer.isEmpty ? !(try fill()) : false
    }

    /// Reads more bytes; false on EOF or reset.
    @discardableResult
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if n > 0 {
            buffer.append(contentsOf: chunk[0..<n])
            return true
        }
        if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { throw ClientError.timedOut }
        if n < 0 && errno == ECONNRESET { sawReset = true }
        return false
    }

    private func readLine() throws -> String? {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                var line = Array(buffer[..<newline])
                buffer.removeFirst(newline + 1)
                if line.last == 0x0D { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            guard try fill() else { return nil }
        }
    }

    private func read(exactly count: Int) throws -> [UInt8]? {
        while buffer.count < count {
            guard try fill() else { return nil }
        }
        let bytes = Array(buffer[0..<count])
        buffer.removeFirst(count)
        return bytes
    }
}
