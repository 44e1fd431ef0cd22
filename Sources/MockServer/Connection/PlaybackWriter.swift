import CassetteFormat
import NIOCore
import NIOHTTP1
import NIOPosix
import Playback

/// Plays one `PlaybackPlan` onto a connection: the head, then each byte step at its offset
/// (scaled by speed; at speed 0 everything back to back with one flush), then the end of the
/// body, or a fault. A stream is a cursor into a shared plan; nothing is copied or re-encoded.
final class PlaybackWriter {
    private enum State {
        case waitingForHead
        case sendingBody(next: Int)
        case finished
    }

    /// How long a reset waits after the last bytes were handed to the kernel, so the client has
    /// read them before the RST discards unread data (Linux drops it).
    static let resetDrainDelay = TimeAmount.milliseconds(50)

    private let plan: PlaybackPlan
    /// The body as this writer sends it: frame by frame when timed, joined at `--speed 0`.
    private let body: [PlaybackStep]
    private let speed: Double
    private let start: NIODeadline
    private let ending: Ending
    private let version: HTTPVersion
    private let onComplete: (PlaybackWriter) -> Void
    /// Set when the connection went away; callbacks that fire later do nothing.
    private var cancelled = false
    private var state = State.waitingForHead
    private var lastWrite: EventLoopFuture<Void>?
    private var scheduled: Scheduled<Void>?
    /// Time added by pauses so far; later offsets move by it.
    private var pauseShift = TimeAmount.zero

    /// What happens to the connection once the response has ended.
    enum Ending {
        /// It takes the next request.
        case keepAlive
        /// It closes (`Connection: close`).
        case close
        /// Only our side closes (`Connection: close`), then `onComplete` runs; the client may still
        /// finish sending, and the connection handler closes fully when it has. Used for 413, so the
        /// client reads the answer instead of a reset.
        case halfClose
    }

    /// `onComplete` runs with the writer when the response has ended normally and the connection can
    /// take the next request.
    init(
        plan: PlaybackPlan, speed: Double, start: NIODeadline, ending: Ending, version: HTTPVersion,
        onComplete: @escaping (PlaybackWriter) -> Void
    ) {
        self.plan = plan
        body = speed > 0 ? plan.steps : plan.coalescedSteps
        self.speed = speed
        self.start = start
        let streamsToClose = version.major == 1 && version.minor == 0 && plan.framing == .chunked
        self.ending = ending == .keepAlive && streamsToClose ? .close : ending
        self.version = version
        self.onComplete = onComplete
    }

    /// Stops any pending step; used when the connection goes away.
    func cancel() {
        plan.stallObserver?.connectionEnded()
        cancelled = true
        scheduled?.cancel()
        scheduled = nil
        state = .finished
    }

    /// Sends everything that is due, then schedules itself for the next step.
    func advance(_ context: ChannelHandlerContext) {
        scheduled = nil
        let now = NIODeadline.now()
        if case .waitingForHead = state {
            if let due = deadline(plan.headOffsetMs), due > now { return schedule(at: due, context) }
            let promise = context.eventLoop.makePromise(of: Void.self)
            context.write(NIOAny(HTTPServerResponsePart.head(head)), promise: promise)
            lastWrite = promise.futureResult
            state = .sendingBody(next: 0)
        }
        guard case .sendingBody(var next) = state else { return }
        let steps = body
        while next < steps.count {
            switch steps[next] {
            case .bytes(let buffer, let offset):
                if let due = deadline(offset), due > now {
                    state = .sendingBody(next: next)
                    context.flush()
                    return schedule(at: due, context)
                }
                if next + 1 < steps.count, case .fault = steps[next + 1] {
                    let promise = context.eventLoop.makePromise(of: Void.self)
                    context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(buffer))), promise: promise)
                    lastWrite = promise.futureResult
                } else {
                    context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(buffer))), promise: nil)
                }
                next += 1
            case .pause(let ms):
                state = .sendingBody(next: next + 1)
                context.flush()
                let length = TimeAmount.nanoseconds(Saturating.nanoseconds(milliseconds: ms))
                pauseShift = .nanoseconds(
                    min(pauseShift.nanoseconds + length.nanoseconds, Limits.maxScheduleNanoseconds))
                return schedule(at: .now() + length, context)
            case .fault(let fault):
                state = .finished
                context.flush()
                return execute(fault, context)
            }
        }
        state = .finished
        let ending = self.ending
        let onComplete = self.onComplete
        context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil))).assumeIsolated().whenComplete { [self] _ in
            switch ending {
            case .keepAlive: onComplete(self)
            case .close: context.close(promise: nil)
            case .halfClose:
                context.close(mode: .output, promise: nil)
                onComplete(self)
            }
        }
    }

    private var head: HTTPResponseHead {
        var headers = HTTPHeaders(plan.headers)
        switch plan.framing {
        case .contentLength: headers.add(name: "content-length", value: String(plan.contentLength))
        case .chunked where version.major == 1 && version.minor >= 1:
            headers.add(name: "transfer-encoding", value: "chunked")
        case .chunked: break
        }
        if ending != .keepAlive {
            headers.add(name: "connection", value: "close")
        } else if version.major == 1 && version.minor == 0 {
            headers.add(name: "connection", value: "keep-alive")
        }
        return HTTPResponseHead(version: version, status: HTTPResponseStatus(statusCode: plan.status), headers: headers)
    }

    private func deadline(_ offsetMs: Double) -> NIODeadline? {
        guard speed > 0, offsetMs > 0 else { return nil }
        return start + pauseShift + .nanoseconds(Saturating.nanoseconds(milliseconds: offsetMs, speed: speed))
    }

    private func schedule(at deadline: NIODeadline, _ context: ChannelHandlerContext) {
        scheduled = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in advance(context) }
    }

    /// Carries out a fault once the bytes before it have reached the kernel.
    private func execute(_ fault: Fault, _ context: ChannelHandlerContext) {
        guard let lastWrite else { return }
        switch fault {
        case .disconnect:
            lastWrite.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        case .reset:
            lastWrite.assumeIsolated().whenSuccess { [self] _ in
                guard !cancelled else { return }
                scheduled = context.eventLoop.assumeIsolated().scheduleTask(in: PlaybackWriter.resetDrainDelay) {
                    guard let socket = context.channel as? any SocketOptionProvider else {
                        return context.close(promise: nil)
                    }
                    socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).assumeIsolated().whenComplete { _ in
                        context.close(promise: nil)
                    }
                }
            }
        case .stallForever:
            plan.stallObserver?.stallBegan()
        }
    }
}
