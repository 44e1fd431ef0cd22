import NIOCore

/// The first handler of a connection, next to the socket: notes when bytes arrive (so a request
/// head that stops half-way is timed like a body that stops), and writes the few answers that go
/// out below the HTTP codec (408 for such a head, 503 over `--max-connections`) before closing.
final class ConnectionGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Called on the event loop for every read, before the bytes are decoded.
    var onBytes: () -> Void = {}
    /// Set on a connection over `--max-connections`: answered with it as soon as it is active, then closed.
    var refusal: ErrorResponse?
    private var context: ChannelHandlerContext?

    func channelActive(context: ChannelHandlerContext) {
        context.fireChannelActive()
        if let refusal { answerAndClose(refusal) }
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        onBytes()
        context.fireChannelRead(data)
    }

    /// Writes `error` as a complete response straight to the socket, then closes the connection.
    func answerAndClose(_ error: ErrorResponse) {
        guard let context else { return }
        context.writeAndFlush(wrapOutboundOut(error.closingBytes)).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}
