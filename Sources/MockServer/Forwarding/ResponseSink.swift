import CassetteFormat
import NIOCore
import NIOHTTP1
import Synchronization

/// The client side of a forwarded request: writes the head, each body chunk (flushed at once, and
/// awaited, so a slow client slows the upstream read instead of filling memory), the end, or a cut.
public final class ResponseSink: Sendable {
    private let channel: any Channel
    private let version: HTTPVersion
    private let keepAlive: Bool
    private let gone = Atomic<Bool>(false)
    private let finished = Atomic<Bool>(false)
    private let recorded: @Sendable (Interaction?) -> Void

    init(channel: any Channel, version: HTTPVersion, keepAlive: Bool, recorded: @escaping @Sendable (Interaction?) -> Void) {
        self.channel = channel
        self.version = version
        self.keepAlive = keepAlive
        self.recorded = recorded
    }

    /// Hands the finished interaction to the server (journal, and replay in hybrid mode). Call it
    /// before `end()` or `cut()`, so a client's next request already sees the recording.
    public func record(_ interaction: Interaction?) {
        recorded(interaction)
    }

    /// Whether the client has gone away.
    public var clientGone: Bool { gone.load(ordering: .acquiring) }

    /// Whether the response ended normally, so the connection can serve the next request.
    var endedNormally: Bool { finished.load(ordering: .acquiring) && !clientGone }

    func markGone() { gone.store(true, ordering: .releasing) }

    /// Sends the status and headers. Framing headers in `headers` are ignored: the body is sent
    /// with `Content-Length` when `contentLength` is given, else chunked.
    public func sendHead(status: Int, headers: [(String, String)], contentLength: Int?) async throws {
        var fields = HTTPHeaders(headers.filter { !["content-length", "transfer-encoding", "connection", "keep-alive"].contains($0.0.lowercased()) })
        if let contentLength {
            fields.add(name: "content-length", value: String(contentLength))
        } else if version.minor >= 1 {
            fields.add(name: "transfer-encoding", value: "chunked")
        }
        if !keepAlive || (contentLength == nil && version.minor == 0) { fields.add(name: "connection", value: "close") }
        try await channel.writeAndFlush(HTTPServerResponsePart.head(HTTPResponseHead(version: version, status: HTTPResponseStatus(statusCode: status), headers: fields))).get()
    }

    /// Sends one body chunk and waits until it is handed to the kernel.
    public func sendBody(_ buffer: ByteBuffer) async throws {
        try await channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(buffer))).get()
    }

    /// Ends the body normally.
    public func end() async throws {
        try await channel.writeAndFlush(HTTPServerResponsePart.end(nil)).get()
        finished.store(true, ordering: .releasing)
        if !keepAlive || version.minor == 0 { try? await channel.close() }
    }

    /// Cuts the connection: no terminating chunk, as the upstream cut it.
    public func cut() async {
        try? await channel.close()
    }
}
