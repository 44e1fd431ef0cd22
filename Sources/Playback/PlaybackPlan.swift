import NIOCore

/// Everything needed to put one response on the wire, prepared ahead of time: the head, how the
/// body is framed, and the steps of the body. Cassette interactions and scenarios both compile
/// to a plan; one writer plays any plan.
public struct PlaybackPlan: Sendable {
    /// How the body is delimited on the wire. The server computes framing headers from this,
    /// never from a recording.
    public enum Framing: Sendable, Equatable {
        /// `Content-Length` of the total of the byte steps.
        case contentLength
        /// `Transfer-Encoding: chunked`: one chunk per byte step.
        case chunked
    }

    public var status: Int
    /// Response headers without framing headers (`Content-Length`, `Transfer-Encoding`, `Connection`, `Keep-Alive`).
    public var headers: [(String, String)]
    public var framing: Framing
    /// Milliseconds from the request's start to sending the head, before speed scaling.
    public var headOffsetMs: Double
    /// The body, step by step, as timed playback sends it (one write per frame).
    public var steps: [PlaybackStep] {
        get { slicesStale ? resliced() : slicedSteps }
        set {
            (slicedSteps, coalescedSteps, slicePositions) = PlaybackPlan.coalesce(newValue)
            slicesStale = false
        }
    }
    private var slicedSteps: [PlaybackStep] = []
    /// Set by `editBytes`: `slicedSteps` still point at the buffers before the edit, so `steps`
    /// slices the edited ones when asked (a `--speed 0` answer never asks).
    private var slicesStale = false
    /// The same body for `--speed 0`: each run of byte steps joined into one buffer (one write, one
    /// chunk). `steps` holds slices of these buffers, so the bytes are stored once.
    public private(set) var coalescedSteps: [PlaybackStep] = []
    /// For each byte step in order: the index of the joined step holding it and where it starts.
    private var slicePositions: [SlicePosition] = []

    struct SlicePosition {
        let joined: Int
        let start: Int
    }
    /// The `Content-Length` to announce when it is not the sum of the byte steps: a fault that cuts
    /// a non-stream body short still announces the whole body, so the client sees it incomplete.
    public var declaredLength: Int?
    /// Told when an endless stall at the end of the plan begins and when the connection ends.
    public var stallObserver: (any StallObserver)?

    public init(
        status: Int, headers: [(String, String)], framing: Framing, headOffsetMs: Double = 0, steps: [PlaybackStep]
    ) {
        self.status = status
        self.headers = headers.filter { !PlaybackPlan.isFramingHeader($0.0) }
        self.framing = framing
        self.headOffsetMs = headOffsetMs
        (slicedSteps, coalescedSteps, slicePositions) = PlaybackPlan.coalesce(steps)
    }

    /// Rewrites bytes of the body in place, keeping every length: `edit` gets each joined byte
    /// step of `coalescedSteps` (its index and buffer); `steps` then slice the edited buffers, so
    /// both forms stay one copy of the bytes. A buffer `edit` leaves alone is not copied.
    public mutating func editBytes(_ edit: (_ joinedIndex: Int, _ buffer: inout ByteBuffer) -> Void) {
        for index in coalescedSteps.indices {
            guard case .bytes(var buffer, let offset) = coalescedSteps[index] else { continue }
            coalescedSteps[index] = .pause(ms: 0)
            edit(index, &buffer)
            coalescedSteps[index] = .bytes(buffer, offsetMs: offset)
        }
        slicesStale = true
    }

    /// `slicedSteps` re-pointed at slices of the current `coalescedSteps`.
    private func resliced() -> [PlaybackStep] {
        var sliced = slicedSteps
        var byteStep = 0
        for index in sliced.indices {
            guard case .bytes(let old, let offset) = sliced[index], byteStep < slicePositions.count else { continue }
            let position = slicePositions[byteStep]
            byteStep += 1
            guard case .bytes(let whole, _) = coalescedSteps[position.joined],
                let slice = whole.getSlice(at: whole.readerIndex + position.start, length: old.readableBytes)
            else { continue }
            sliced[index] = .bytes(slice, offsetMs: offset)
        }
        return sliced
    }

    /// Joins each run of consecutive byte steps into one buffer, and returns the steps re-pointed
    /// at slices of those buffers together with the joined steps.
    static func coalesce(_ steps: [PlaybackStep]) -> (
        sliced: [PlaybackStep], joined: [PlaybackStep], positions: [SlicePosition]
    ) {
        var sliced: [PlaybackStep] = []
        var joined: [PlaybackStep] = []
        var positions: [SlicePosition] = []
        sliced.reserveCapacity(steps.count)
        var run: [(ByteBuffer, Double)] = []
        func flushRun() {
            guard !run.isEmpty else { return }
            guard run.count > 1 else {
                positions.append(SlicePosition(joined: joined.count, start: 0))
                sliced.append(.bytes(run[0].0, offsetMs: run[0].1))
                joined.append(.bytes(run[0].0, offsetMs: run[0].1))
                run = []
                return
            }
            var whole = ByteBuffer()
            whole.reserveCapacity(run.reduce(0) { $0 + $1.0.readableBytes })
            var starts: [Int] = []
            for (buffer, _) in run {
                starts.append(whole.writerIndex)
                var copy = buffer
                whole.writeBuffer(&copy)
            }
            for ((buffer, offset), start) in zip(run, starts) {
                positions.append(SlicePosition(joined: joined.count, start: start))
                sliced.append(.bytes(whole.getSlice(at: start, length: buffer.readableBytes)!, offsetMs: offset))
            }
            joined.append(.bytes(whole, offsetMs: run[0].1))
            run = []
        }
        for step in steps {
            if case .bytes(let buffer, let offset) = step {
                run.append((buffer, offset))
            } else {
                flushRun()
                sliced.append(step)
                joined.append(step)
            }
        }
        flushRun()
        return (sliced, joined, positions)
    }

    /// Whether the body ends in a stall that lasts until the client gives up.
    public var endsInEndlessStall: Bool {
        if case .fault(.stallForever) = coalescedSteps.last { return true }
        return false
    }

    /// The `Content-Length` announced: the declared length, else the total of the byte steps.
    public var contentLength: Int {
        if let declaredLength { return declaredLength }
        return coalescedSteps.reduce(0) { total, step in
            if case .bytes(let buffer, _) = step { return total + buffer.readableBytes }
            return total
        }
    }

    static let framingHeaders: Set<String> = ["content-length", "transfer-encoding", "connection", "keep-alive"]

    /// Whether `name` is a header the server must compute itself.
    public static func isFramingHeader(_ name: String) -> Bool { framingHeaders.contains(name.lowercased()) }
}

/// One step of a response body.
public enum PlaybackStep: Sendable {
    /// Bytes prepared at load time, sent at `offsetMs` after the request's start (scaled by speed).
    case bytes(ByteBuffer, offsetMs: Double)
    /// Silence on an open connection for this long (wall-clock, not scaled by speed), after
    /// which the steps go on; later offsets move by the same amount.
    case pause(ms: Double)
    /// Something going wrong on the wire; ends the response.
    case fault(Fault)

    /// The step's offset from the request's start, when it has one.
    public var offsetMs: Double? {
        if case .bytes(_, let offset) = self { return offset }
        return nil
    }
}

/// A wire-level failure the writer executes. Faults are data; the transport carries them out.
public enum Fault: Sendable, Equatable {
    /// Close the connection after the bytes before it are delivered, without ending the body
    /// (no terminating zero-length chunk, a short `Content-Length` body).
    case disconnect
    /// Reset the connection (TCP RST) after the bytes before it are delivered.
    case reset
    /// Keep the connection open and send nothing more, until the client gives up.
    case stallForever
}
