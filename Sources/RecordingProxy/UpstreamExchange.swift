import AsyncHTTPClient
import CassetteFormat
import Foundation
import MockServer
import NIOCore
import NIOHTTP1

/// One forwarded request on its way back: an AsyncHTTPClient delegate that runs on the client
/// connection's event loop. It writes the upstream's head and each body chunk to the client and
/// records it in the same step; the next chunk is read only once the client has taken this one.
/// All its state is touched on `eventLoop` only.
final class UpstreamExchange: HTTPClientResponseDelegate, @unchecked Sendable {
    typealias Response = Void

    let request: ForwardRequest
    let client: ResponseSink
    let eventLoop: any EventLoop
    private let started = Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    private var recorder = StreamRecorder(start: .now)
    private var status = 502
    private var headers: [HeaderField] = []
    private var afterHead = false
    private var outcome = Outcome.complete
    private var upstreamFailed = false
    /// The upstream's `Content-Length`, when it sent one, and the body bytes passed on so far.
    private var expectedLength: Int?
    private var passedOn = 0
    /// The body's last piece, kept from the client until the interaction is recorded (see `isFinal`).
    private var heldBack: ByteBuffer?

    init(request: ForwardRequest, client: ResponseSink, eventLoop: any EventLoop) {
        self.request = request
        self.client = client
        self.eventLoop = eventLoop
    }

    /// Whether the client's response may end normally (else it is cut, as the upstream's was).
    var endsNormally: Bool { !afterHead || (!upstreamFailed && outcome == .complete) }

    func didReceiveHead(task: HTTPClient.Task<Void>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        recorder.markHead()
        afterHead = true
        status = Int(head.status.code)
        headers = head.headers.map { HeaderField($0.name, $0.value) }
        let chunked = head.headers[canonicalForm: "transfer-encoding"].contains { $0.lowercased() == "chunked" }
        let length = chunked ? nil : head.headers.first(name: "content-length").flatMap(Int.init)
        expectedLength = length
        return client.sendHead(status: status, headers: headers.map { ($0.name, $0.value) }, contentLength: length)
            .flatMapErrorThrowing { error in
                self.outcome = .clientCancelled(atMs: self.recorder.nowMs)
                throw error
            }
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Void>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        if client.clientGone {
            outcome = .clientCancelled(atMs: recorder.nowMs)
            return eventLoop.makeFailedFuture(ChannelError.ioOnClosedChannel)
        }
        let at = recorder.append(buffer)
        passedOn += buffer.readableBytes
        // A piece held back as final is followed by more: it goes first after all.
        let earlier = heldBack.map { client.sendBody($0) } ?? eventLoop.makeSucceededVoidFuture()
        heldBack = nil
        let sent: EventLoopFuture<Void>
        if isFinal(buffer) {
            heldBack = buffer
            sent = earlier
        } else {
            sent = earlier.flatMap { self.client.sendBody(buffer) }
        }
        return sent.flatMapErrorThrowing { error in
            self.outcome = .clientCancelled(atMs: at)
            throw error
        }
    }

    func didFinishRequest(task: HTTPClient.Task<Void>) throws {}

    /// Whether `buffer` is the last piece of the body as a client sees it: it completes the
    /// `Content-Length`, or it ends with the stream's `data: [DONE]` frame. That piece reaches the
    /// client only after the interaction is on disk and journaled, so a client that stops reading
    /// there finds its request recorded (and, in hybrid mode, replayable) when it asks next.
    private func isFinal(_ buffer: ByteBuffer) -> Bool {
        if let expectedLength { return passedOn >= expectedLength }
        let view = buffer.readableBytesView
        var end = view.endIndex
        while end > view.startIndex, view[end - 1] == 0x0A || view[end - 1] == 0x0D { end -= 1 }
        let done = UpstreamExchange.doneFrame
        guard view.endIndex - end >= 2, end - view.startIndex >= done.count else { return false }
        return view[(end - done.count)..<end].elementsEqual(done)
    }

    private static let doneFrame = Array("data: [DONE]".utf8)

    /// Sends the piece held back by `isFinal`, if any (once the interaction is recorded).
    func releaseHeldBack() -> EventLoopFuture<Void> {
        guard let heldBack, !client.clientGone else { return eventLoop.makeSucceededVoidFuture() }
        self.heldBack = nil
        return client.sendBody(heldBack)
    }

    /// Settles the outcome once the upstream request is over (`error` is why it failed, if it did):
    /// before the head, the client gets a 502 in OpenRouter's shape, recorded as sent. Returns the
    /// interaction as it happened (not yet redacted).
    func finished(_ error: (any Error)?, origin: String) -> EventLoopFuture<Interaction> {
        var sent = eventLoop.makeSucceededVoidFuture()
        if let error, outcome == .complete {
            let stage = UpstreamFailure.stage(of: error, afterHead: afterHead)
            let message = UpstreamFailure.message(error)
            upstreamFailed = true
            outcome =
                client.clientGone
                ? .clientCancelled(atMs: recorder.nowMs)
                : .upstreamFailed(stage: stage, message: message, atMs: recorder.nowMs)
            if !afterHead {
                let body = UpstreamFailure.body(origin: origin, stage: stage, message: message)
                status = 502
                headers = [HeaderField("content-type", "application/json")]
                recorder.markHead()
                recorder.append(ByteBuffer(bytes: body))
                sent = client.sendHead(
                    status: 502, headers: [("content-type", "application/json")], contentLength: body.count
                )
                .flatMap { self.client.sendBody(ByteBuffer(bytes: body)) }
                .recover { _ in }
            }
        }
        return sent.map { self.interaction() }
    }

    private func interaction() -> Interaction {
        let contentType = headers.first(named: "content-type")
        return Interaction(
            request: RecordedRequest(
                method: request.method, path: request.path, query: request.query,
                headers: request.headers.filter {
                    !RecordingForwarder.unrecordedRequestHeaders.contains($0.name.lowercased())
                },
                body: Body.request(request.body)),
            response: RecordedResponse(
                status: status,
                headers: headers.filter {
                    !["transfer-encoding", "connection", "keep-alive"].contains($0.name.lowercased())
                },
                body: recorder.body(contentType: contentType, complete: endsNormally)),
            timing: Timing(started: started, ttfbMs: recorder.headAtMs, durationMs: recorder.nowMs),
            outcome: outcome)
    }
}
