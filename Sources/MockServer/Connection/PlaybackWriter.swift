import CassetteFormat
import NIOCore
import NIOHTTP1
import NIOPosix
import Playback

/// Plays one `PlaybackPlan` onto a connection as bytes: the head, then each byte step at its
/// offset (scaled by speed; at speed 0 everything back to back with one flush), then the end of
/// the body, or a fault. An HTTP/1.1 keep-alive answer at speed 0 is the plan's prepared `wire`
/// bytes, written whole when the plan is one run of bytes; nothing is copied or re-encoded.
final class PlaybackWriter: PacedWriter {
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
    /// Whether the body goes out in chunks (a chunked plan to an HTTP/1.1 client).
    private let chunked: Bool
    /// Whether the plan's prepared head fits this answer (HTTP/1.1, kept alive).
    private let preparedHead: Bool
    private let onComplete: (PlaybackWriter) -> Void
    /// Set when the connection went away; callbacks that fire later do nothing.
    private var cancelled = false
    private var state = State.waitingForHead
    private var lastWrite: EventLoopFuture<Void>?
    /// The drain before a reset, when one is pending.
    private var scheduled: Scheduled<Void>?
    /// Wakes this writer when its next step is due.
    private let pacing: PacingWheel
    /// The connection, held while the writer waits on the wheel.
    private var pacedContext: ChannelHandlerContext?
    /// Time added by pauses so far; later offsets move by it.
    private var pauseShift = TimeAmount.zero
    /// Timed frames due together, framed into one buffer and written as one.
    private var batch: ByteBuffer?

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
        pacing: PacingWheel, onComplete: @escaping (PlaybackWriter) -> Void
    ) {
        self.plan = plan
        self.pacing = pacing
        body = speed > 0 ? plan.steps : plan.coalescedSteps
        self.speed = speed
        self.start = start
        let hasChunks = ResponseHead.hasChunks(version)
        let streamsToClose = !hasChunks && plan.framing == .chunked
        self.ending = ending == .keepAlive && streamsToClose ? .close : ending
        self.version = version
        chunked = hasChunks && plan.framing == .chunked && !ResponseHead.isBodyless(plan.status)
        preparedHead = version == .http1_1 && self.ending == .keepAlive
        self.onComplete = onComplete
    }

    /// Stops any pending step; used when the connection goes away.
    func cancel() {
        plan.stallObserver?.connectionEnded()
        cancelled = true
        scheduled?.cancel()
        scheduled = nil
        pacedContext = nil
        state = .finished
    }

    var isPaced: Bool { !cancelled && pacedContext != nil }

    func wheelFired() {
        guard let context = pacedContext else { return }
        pacedContext = nil
        advance(context)
    }

    /// Sends everything that is due, then schedules itself for the next step.
    func advance(_ context: ChannelHandlerContext) {
        let now = NIODeadline.now()
        if case .waitingForHead = state {
            if let due = deadline(plan.headOffsetMs), due > now { return schedule(at: due, context) }
            if preparedHead && speed == 0 && plan.isOneWrite {
                state = .finished
                return end(with: plan.wire, context)
            }
            write(head, context)
            state = .sendingBody(next: 0)
        }
        guard case .sendingBody(var next) = state else { return }
        let steps = body
        while next < steps.count {
            switch steps[next] {
            case .bytes(let buffer, let offset):
                if let due = deadline(offset), due > now {
                    state = .sendingBody(next: next)
                    flush(context)
                    return schedule(at: due, context)
                }
                if speed == 0, let framed = plan.framedRun(next), chunked || plan.framing == .contentLength {
                    write(framed, context)
                } else if chunked {
                    if batch == nil { batch = context.channel.allocator.buffer(capacity: buffer.readableBytes + 16) }
                    ChunkFraming.append(buffer, to: &batch!)
                } else {
                    write(buffer, context)
                }
                next += 1
            case .pause(let ms):
                state = .sendingBody(next: next + 1)
                flush(context)
                let length = TimeAmount.nanoseconds(Saturating.nanoseconds(milliseconds: ms))
                pauseShift = .nanoseconds(
                    min(pauseShift.nanoseconds + length.nanoseconds, Limits.maxScheduleNanoseconds))
                return schedule(at: .now() + length, context)
            case .fault(let fault):
                state = .finished
                let promise = context.eventLoop.makePromise(of: Void.self)
                write(context.channel.allocator.buffer(capacity: 0), context, promise: promise)
                lastWrite = promise.futureResult
                flush(context)
                return execute(fault, context)
            }
        }
        state = .finished
        end(with: chunked ? plan.terminator : nil, context)
    }

    /// Writes the last bytes of the answer (if any) with everything batched, flushes, and ends the
    /// response as `ending` says.
    private func end(with last: ByteBuffer?, _ context: ChannelHandlerContext) {
        if let last { write(last, context) }
        let onComplete = self.onComplete
        switch ending {
        case .keepAlive:
            flush(context)
            onComplete(self)
        case .close, .halfClose:
            let promise = context.eventLoop.makePromise(of: Void.self)
            write(context.channel.allocator.buffer(capacity: 0), context, promise: promise)
            flush(context)
            let ending = self.ending
            promise.futureResult.assumeIsolated().whenComplete { [self] _ in
                if ending == .close { return context.close(promise: nil) }
                context.close(mode: .output, promise: nil)
                onComplete(self)
            }
        }
    }

    /// Queues `bytes` behind the frames batched so far.
    private func write(_ bytes: ByteBuffer, _ context: ChannelHandlerContext, promise: EventLoopPromise<Void>? = nil) {
        if let batched = batch {
            batch = nil
            context.write(NIOAny(batched), promise: nil)
        }
        context.write(NIOAny(bytes), promise: promise)
    }

    private func flush(_ context: ChannelHandlerContext) {
        if let batched = batch {
            batch = nil
            context.write(NIOAny(batched), promise: nil)
        }
        context.flush()
    }

    /// The head for this answer: the plan's prepared one when it fits, else encoded for the
    /// client's version and the connection's ending.
    private var head: ByteBuffer {
        if preparedHead { return plan.wire.getSlice(at: 0, length: plan.headLength) ?? ByteBuffer() }
        let connection: String? =
            ending != .keepAlive ? "close" : (version.major == 1 && version.minor == 0 ? "keep-alive" : nil)
        return ResponseHead.encode(
            status: plan.status, headers: plan.headers, framing: plan.framing, contentLength: plan.contentLength,
            version: version, connection: connection
        ).bytes
    }

    private func deadline(_ offsetMs: Double) -> NIODeadline? {
        guard speed > 0, offsetMs > 0 else { return nil }
        return start + pauseShift + .nanoseconds(Saturating.nanoseconds(milliseconds: offsetMs, speed: speed))
    }

    private func schedule(at deadline: NIODeadline, _ context: ChannelHandlerContext) {
        pacedContext = context
        pacing.wake(self, at: deadline)
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
