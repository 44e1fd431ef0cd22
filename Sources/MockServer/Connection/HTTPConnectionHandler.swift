import NIOCore
import NIOHTTP1
import NIOPosix
import Playback
import Synchronization

/// One HTTP/1.1 connection, after NIO's request decoder: collects each request (refusing bodies
/// over the limit with 413), asks the service for a plan, and plays it with a `PlaybackWriter`,
/// which writes bytes straight to the socket. Pipelined requests wait here, in order, until the
/// answer before them has ended; a request that cannot be parsed gets 400 and the connection closes.
final class HTTPConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum State {
        case idle
        case receiving(HTTPRequestHead, start: NIODeadline)
        /// The body went over the limit: 413 is being sent, the rest of the body is ignored, and the
        /// connection closes once both the answer is out and the request has ended.
        case rejecting(answered: Bool, requestEnded: Bool)
        /// The answer is being prepared off the event loop.
        case preparing
        case responding(PlaybackWriter)
        /// An upstream is answering (record and hybrid modes).
        case forwarding(ResponseSink)
    }

    private let service: MockService
    private let connectionGuard: ConnectionGuard
    private var state = State.idle
    private var body: [UInt8] = []
    /// When bytes last arrived, and whether some of a request have arrived since the last answer ended.
    private var lastBytes = NIODeadline.now()
    private var requestStarted = false
    /// When the connection last became idle (opened, or an answer ended).
    private var idleSince = NIODeadline.now()
    private var clock: Scheduled<Void>?
    /// Parts of requests that arrived while an answer was being prepared or sent; taken in order
    /// once it has ended. While any wait, the connection reads no more.
    private var waiting = CircularBuffer<HTTPServerRequestPart>()
    /// A read was asked for while requests waited; it is passed on once they are taken.
    private var readHeld = false
    /// Set while waiting requests are being taken, so an answer that ends at once does not start
    /// taking them a second time.
    private var takingWaiting = false
    private var context: ChannelHandlerContext?

    private let pacing: PacingWheel

    init(service: MockService, connectionGuard: ConnectionGuard, pacing: PacingWheel) {
        self.service = service
        self.connectionGuard = connectionGuard
        self.pacing = pacing
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        connectionGuard.onBytes = { [unowned self] in
            lastBytes = .now()
            requestStarted = true
        }
        scheduleCheck(context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        clock?.cancel()
        connectionGuard.onBytes = {}
    }

    /// Every tick: a request that stopped arriving gets 408 and the connection closes; a kept-alive
    /// connection idle for too long closes. Waiting on the server (answering, forwarding) is never timed.
    private func scheduleCheck(_ context: ChannelHandlerContext) {
        let timeouts = service.configuration.timeouts
        clock = context.eventLoop.assumeIsolated().scheduleTask(in: timeouts.tick) { [self] in
            let now = NIODeadline.now()
            switch state {
            case .receiving where now - lastBytes >= timeouts.read,
                .idle where requestStarted && now - lastBytes >= timeouts.read:
                state = .rejecting(answered: true, requestEnded: true)
                let seconds = Double(timeouts.read.nanoseconds) / 1e9
                return connectionGuard.answerAndClose(
                    ErrorResponse(
                        status: 408,
                        message: "Request timeout: no bytes of the request arrived for \(seconds) s (--read-timeout)",
                        metadata: [("error_type", .string("timeout"))]))
            case .idle where !requestStarted && now - idleSince >= timeouts.idle:
                return context.close(promise: nil)
            default:
                scheduleCheck(context)
            }
        }
    }

    /// The answer has ended and the connection takes the next request: one that waits, else the
    /// next to arrive.
    private func becameIdle() {
        state = .idle
        idleSince = .now()
        requestStarted = false
        guard !takingWaiting, let context else { return }
        takingWaiting = true
        while !isAnswering, let part = waiting.popFirst() {
            handle(part, context)
        }
        takingWaiting = false
        if waiting.isEmpty && readHeld {
            readHeld = false
            context.read()
        }
    }

    /// Whether an answer is being prepared or sent, so a request that arrives now must wait.
    private var isAnswering: Bool {
        switch state {
        case .preparing, .responding, .forwarding: true
        case .idle, .receiving, .rejecting: false
        }
    }

    func read(context: ChannelHandlerContext) {
        if waiting.isEmpty {
            context.read()
        } else {
            readHeld = true
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if isAnswering || !waiting.isEmpty {
            waiting.append(part)
        } else {
            handle(part, context)
        }
    }

    /// A request the decoder could not parse: 400 in OpenRouter's error shape when no answer is
    /// under way, and the connection closes (the bytes after it cannot be framed).
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is HTTPParserError else { return context.fireErrorCaught(error) }
        waiting.removeAll()
        switch state {
        case .idle, .receiving:
            state = .rejecting(answered: true, requestEnded: true)
            let answer = ErrorResponse(
                status: 400, message: "Bad request: the HTTP request could not be parsed (\(error))",
                metadata: [("error_type", .string("bad_request"))])
            context.writeAndFlush(wrapOutboundOut(answer.closingBytes)).assumeIsolated().whenComplete { _ in
                context.close(promise: nil)
            }
        default:
            context.close(promise: nil)
        }
    }

    private func handle(_ part: HTTPServerRequestPart, _ context: ChannelHandlerContext) {
        switch part {
        case .head(let head):
            let declared = head.headers.first(name: "content-length").flatMap(Int.init) ?? 0
            if declared > service.configuration.maxBodyBytes { return reject(context, head) }
            body.removeAll(keepingCapacity: true)
            state = .receiving(head, start: .now())
        case .body(let buffer):
            guard case .receiving(let head, _) = state else { return }
            if body.count + buffer.readableBytes > service.configuration.maxBodyBytes { return reject(context, head) }
            body.append(contentsOf: buffer.readableBytesView)
        case .end:
            if case .rejecting(let answered, _) = state {
                state = .rejecting(answered: answered, requestEnded: true)
                if answered { context.close(promise: nil) }
                return
            }
            guard case .receiving(let head, let start) = state else { return }
            let request = ReceivedRequest(head: head, body: body)
            body.removeAll(keepingCapacity: body.count < 64 * 1024)
            if service.draining.load(ordering: .acquiring) {
                let closing = ErrorResponse(
                    status: 503, message: "MockRouter is shutting down",
                    metadata: [("error_type", .string("provider_overloaded"))])
                return play(closing.plan, head: head, start: start, ending: .close, context)
            }
            switch service.reply(to: request) {
            case .plan(let plan):
                play(plan, head: head, start: start, ending: head.isKeepAlive ? .keepAlive : .close, context)
            case .offLoop(let work): prepare(work, head: head, start: start, context)
            case .forward(let forwarded, let upstream): forward(forwarded, to: upstream, head: head, context)
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        switch state {
        case .responding(let writer): writer.cancel()
        case .forwarding(let sink): sink.markGone()
        default: break
        }
        clock?.cancel()
        waiting.removeAll()
        state = .idle
        context.fireChannelInactive()
    }

    private func play(
        _ plan: PlaybackPlan, head: HTTPRequestHead, start: NIODeadline, ending: PlaybackWriter.Ending,
        _ context: ChannelHandlerContext
    ) {
        let writer = PlaybackWriter(
            plan: plan, speed: service.configuration.speed, start: start, ending: ending,
            version: head.version, pacing: pacing
        ) { [self] finished in
            if case .responding(let current) = state, current === finished { becameIdle() }
        }
        state = .responding(writer)
        writer.advance(context)
    }

    /// Runs `work` on NIO's thread pool, then plays its plan here (unless the client left meanwhile).
    private func prepare(
        _ work: @escaping @Sendable () -> PlaybackPlan, head: HTTPRequestHead, start: NIODeadline,
        _ context: ChannelHandlerContext
    ) {
        state = .preparing
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        NIOThreadPool.singleton.runIfActive(eventLoop: context.eventLoop, work).whenComplete { result in
            let (handler, context) = bound.value
            guard case .preparing = handler.state, context.channel.isActive else { return }
            let plan: PlaybackPlan
            switch result {
            case .success(let prepared): plan = prepared
            case .failure: plan = ErrorResponse(status: 503, message: "MockRouter is shutting down").plan
            }
            handler.play(plan, head: head, start: start, ending: head.isKeepAlive ? .keepAlive : .close, context)
        }
    }

    /// Hands the request to the upstream; the connection takes the next request once the upstream's
    /// answer has ended normally.
    private func forward(
        _ request: ForwardRequest, to upstream: any UpstreamForwarding, head: HTTPRequestHead,
        _ context: ChannelHandlerContext
    ) {
        let service = self.service
        let rawPath = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        let sink = ResponseSink(channel: context.channel, version: head.version, keepAlive: head.isKeepAlive) {
            recorded in
            service.didForward(request, rawPath: rawPath, recorded: recorded)
        }
        state = .forwarding(sink)
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        service.inFlight.add(1, ordering: .relaxed)
        upstream.forward(request, to: sink, on: context.eventLoop).whenComplete { _ in
            if case .forwarding(let current) = handler.value.state, current === sink, sink.endedNormally {
                handler.value.becameIdle()
            }
            service.inFlight.subtract(1, ordering: .relaxed)
        }
    }

    private func reject(_ context: ChannelHandlerContext, _ head: HTTPRequestHead) {
        state = .rejecting(answered: false, requestEnded: false)
        body.removeAll()
        let limit = service.configuration.maxBodyBytes
        var error = ErrorResponse(
            status: 413, message: "Request payload too large: the limit is \(limit) bytes (--max-body)",
            metadata: [("error_type", .string("payload_too_large"))])
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        error.anthropic = Endpoint.isAnthropic(APIPath.canonical(RoutedPath(path).apiPath))
        let writer = PlaybackWriter(
            plan: error.plan, speed: 0, start: .now(), ending: .halfClose, version: head.version, pacing: pacing
        ) { [self] _ in
            guard case .rejecting(_, let requestEnded) = state else { return }
            state = .rejecting(answered: true, requestEnded: requestEnded)
            if requestEnded { context.close(promise: nil) }
        }
        writer.advance(context)
        context.eventLoop.assumeIsolated().scheduleTask(in: .seconds(2)) { context.close(promise: nil) }
    }
}
