import CassetteFormat
import NIOCore
import NIOHTTP1
import Playback
import Synchronization

/// The client side of a forwarded request: writes the head, each body chunk (flushed at once; the
/// returned future completes when the kernel has it, so a forwarder that waits for it slows the
/// upstream read instead of filling memory), the end, or a cut.
public final class ResponseSink: Sendable {
    private let channel: any Channel
    private let version: HTTPVersion
    private let keepAlive: Bool
    private let gone = Atomic<Bool>(false)
    private let finished = Atomic<Bool>(false)
    private let recorded: @Sendable (Interaction?) -> Void

    init(
        channel: any Channel, version: HTTPVersion, keepAlive: Bool,
        recorded: @escaping @Sendable (Interaction?) -> Void
    ) {
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
    public func sendHead(status: Int, headers: [(String, String)], contentLength: Int?) -> EventLoopFuture<Void> {
        var fields = HTTPHeaders(headers.filter { !PlaybackPlan.isFramingHeader($0.0) })
        if let contentLength {
            fields.add(name: "content-length", value: String(contentLength))
        } else if version.minor >= 1 {
            fields.add(name: "transfer-encoding", value: "chunked")
        }
        if !keepAlive || (contentLength == nil && version.minor == 0) { fields.add(name: "connection", value: "close") }
        return channel.writeAndFlush(
            HTTPServerResponsePart.head(
                HTTPResponseHead(version: version, status: HTTPResponseStatus(statusCode: status), headers: fields)))
    }

    /// Sends one body chunk; the future completes when it is handed to the kernel.
    public func sendBody(_ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(buffer)))
    }

    /// Ends the body normally.
    public func end() -> EventLoopFuture<Void> {
        channel.writeAndFlush(HTTPServerResponsePart.end(nil)).flatMap { [self] in
            finished.store(true, ordering: .releasing)
            guard !keepAlive || version.minor == 0 else { return channel.eventLoop.makeSucceededVoidFuture() }
            return channel.close()
        }
    }

    /// Cuts the connection: no terminating chunk, as the upstream cut it.
    public func cut() -> EventLoopFuture<Void> {
        channel.close()
    }
}
