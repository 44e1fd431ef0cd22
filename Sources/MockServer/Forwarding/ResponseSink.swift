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
    /// Whether the body goes out in chunks, decided by `sendHead`.
    private let chunked = Atomic<Bool>(false)
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
    /// with `Content-Length` when `contentLength` is given, else chunked (HTTP/1.1) or until the
    /// connection closes (HTTP/1.0).
    public func sendHead(status: Int, headers: [(String, String)], contentLength: Int?) -> EventLoopFuture<Void> {
        chunked.store(contentLength == nil && ResponseHead.hasChunks(version), ordering: .relaxed)
        let closes = !keepAlive || (contentLength == nil && !ResponseHead.hasChunks(version))
        let head = ResponseHead.encode(
            status: status, headers: headers.filter { !PlaybackPlan.isFramingHeader($0.0) },
            framing: contentLength == nil ? .chunked : .contentLength, contentLength: contentLength ?? 0,
            version: version, connection: closes ? "close" : nil)
        return channel.writeAndFlush(head.bytes)
    }

    /// Sends one body chunk; the future completes when it is handed to the kernel.
    public func sendBody(_ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        guard chunked.load(ordering: .relaxed) else { return channel.writeAndFlush(buffer) }
        var framed = channel.allocator.buffer(capacity: buffer.readableBytes + 16)
        ChunkFraming.append(buffer, to: &framed)
        return channel.writeAndFlush(framed)
    }

    /// Ends the body normally.
    public func end() -> EventLoopFuture<Void> {
        let last = chunked.load(ordering: .relaxed) ? ChunkFraming.terminator : channel.allocator.buffer(capacity: 0)
        return channel.writeAndFlush(last).flatMap { [self] in
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
