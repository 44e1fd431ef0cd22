import NIOCore
import NIOHTTP1
import Playback
import Synchronization

/// One HTTP/1.1 connection: collects each request (refusing bodies over the limit with 413),
/// asks the service for a plan, and plays it with a `PlaybackWriter`. Keep-alive and pipelining
/// come from NIO's server pipeline, which holds the next request until this response has ended.
final class HTTPConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        case idle
        case receiving(HTTPRequestHead, start: NIODeadline)
        /// The body went over the limit: 413 was sent and the connection closes; the rest is ignored.
        case rejecting
        case responding(PlaybackWriter)
        /// An upstream is answering (record and hybrid modes).
        case forwarding(ResponseSink)
    }

    private let service: MockService
    private var state = State.idle
    private var body: [UInt8] = []

    init(service: MockService) {
        self.service = service
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
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
            guard case .receiving(let head, let start) = state else { return }
            let request = ReceivedRequest(head: head, body: body)
            body.removeAll(keepingCapacity: body.count < 64 * 1024)
            switch service.reply(to: request) {
            case .plan(let plan): play(plan, head: head, start: start, context)
            case let .forward(forwarded, upstream): forward(forwarded, to: upstream, head: head, context)
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        switch state {
        case .responding(let writer): writer.cancel()
        case .forwarding(let sink): sink.markGone()
        default: break
        }
        state = .idle
        context.fireChannelInactive()
    }

    private func play(_ plan: PlaybackPlan, head: HTTPRequestHead, start: NIODeadline, _ context: ChannelHandlerContext) {
        let writer = PlaybackWriter(plan: plan, speed: service.configuration.speed, start: start, keepAlive: head.isKeepAlive,
                                    version: head.version) { [self] in state = .idle }
        state = .responding(writer)
        writer.advance(context)
    }

    /// Hands the request to the upstream; the connection takes the next request once the upstream's
    /// answer has ended normally.
    private func forward(_ request: ForwardRequest, to upstream: any UpstreamForwarding, head: HTTPRequestHead, _ context: ChannelHandlerContext) {
        let sink = ResponseSink(channel: context.channel, version: head.version, keepAlive: head.isKeepAlive)
        state = .forwarding(sink)
        let service = self.service
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        service.inFlight.add(1, ordering: .relaxed)
        Task {
            let recorded = await upstream.forward(request, to: sink)
            service.didForward(request, rawPath: head.uri.split(separator: "?").first.map(String.init) ?? head.uri, recorded: recorded)
            service.inFlight.subtract(1, ordering: .relaxed)
            eventLoop.execute {
                if case .forwarding = handler.value.state, sink.endedNormally { handler.value.state = .idle }
            }
        }
    }

    private func reject(_ context: ChannelHandlerContext, _ head: HTTPRequestHead) {
        state = .rejecting
        body.removeAll()
        let limit = service.configuration.maxBodyBytes
        var error = ErrorResponse(status: 413, message: "Request payload too large: the limit is \(limit) bytes (--max-body)",
                                  metadata: [("error_type", .string("payload_too_large"))])
        error.anthropic = Endpoint.isAnthropic(APIPath.canonical(RoutedPath(head.uri).apiPath))
        let writer = PlaybackWriter(plan: error.plan, speed: 0, start: .now(), keepAlive: false, version: head.version) {}
        writer.advance(context)
    }
}
