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

    public var status: Int { didSet { prepareWire() } }
    /// Response headers without framing headers (`Content-Length`, `Transfer-Encoding`, `Connection`, `Keep-Alive`).
    public var headers: [(String, String)] {
        get { fields }
        set {
            fields = newValue.filter { !PlaybackPlan.isFramingHeader($0.0) }
            prepareWire()
        }
    }
    private var fields: [(String, String)]
    public var framing: Framing { didSet { prepareWire() } }
    /// Milliseconds from the request's start to sending the head, before speed scaling.
    public var headOffsetMs: Double
    /// The body, step by step, as timed playback sends it (one write per frame).
    public var steps: [PlaybackStep] {
        get { bytesMoved ? PlaybackPlan.resliced(slicedSteps, positions: slicePositions, in: joined()) : slicedSteps }
        set {
            (slicedSteps, joinedSteps, slicePositions) = PlaybackPlan.coalesce(newValue)
            bytesMoved = false
            prepareWire()
        }
    }
    private var slicedSteps: [PlaybackStep] = []
    /// The same body for `--speed 0`: each run of byte steps joined into one buffer (one write, one
    /// chunk). `steps` holds slices of these buffers, and these are slices of `wire`, so the bytes
    /// are stored once.
    public var coalescedSteps: [PlaybackStep] { bytesMoved ? joined() : joinedSteps }
    private var joinedSteps: [PlaybackStep] = []
    /// For each byte step in order: the index of the joined step holding it and where it starts.
    private var slicePositions: [SlicePosition] = []
    /// Set by `editWire`: the step buffers still point at the bytes before the edit, so the steps
    /// are cut again from `wire` when asked (an answer sent as `wire` whole never asks).
    private var bytesMoved = false

    struct SlicePosition {
        let joined: Int
        let start: Int
    }
    /// The `Content-Length` to announce when it is not the sum of the byte steps: a fault that cuts
    /// a non-stream body short still announces the whole body, so the client sees it incomplete.
    public var declaredLength: Int? { didSet { prepareWire() } }
    /// Told when an endless stall at the end of the plan begins and when the connection ends.
    public var stallObserver: (any StallObserver)?

    /// The answer as an HTTP/1.1 keep-alive client receives it, encoded once: the head (status
    /// line, headers, framing header), each joined run of byte steps (as one chunk when chunked),
    /// and, when chunked, the last chunk. A plan that is one run of bytes (`isOneWrite`) is sent
    /// as this buffer alone at `--speed 0`; other plans are sent as slices of it.
    public private(set) var wire = ByteBuffer()
    /// How many bytes of `wire` are the head.
    public private(set) var headLength = 0
    /// Where each joined byte step sits in `wire` (`nil` for pauses and faults).
    private var placements: [Placement?] = []
    /// Where each header's value starts in `wire` (`nil` for a field left out as invalid).
    private var valueOffsets: [Int?] = []

    struct Placement {
        /// The run's own bytes.
        let body: Range<Int>
        /// The run with its chunk framing (the same as `body` for `.contentLength`).
        let framed: Range<Int>
    }

    public init(
        status: Int, headers: [(String, String)], framing: Framing, headOffsetMs: Double = 0, steps: [PlaybackStep]
    ) {
        self.status = status
        fields = headers.filter { !PlaybackPlan.isFramingHeader($0.0) }
        self.framing = framing
        self.headOffsetMs = headOffsetMs
        (slicedSteps, joinedSteps, slicePositions) = PlaybackPlan.coalesce(steps)
        prepareWire()
    }

    /// Whether the whole answer is one run of bytes (no pause, no fault), so `wire` is all of it.
    public var isOneWrite: Bool {
        joinedSteps.allSatisfy { if case .bytes = $0 { true } else { false } }
    }

    /// The joined byte step at `index` as it goes on the wire: with its chunk framing when the plan
    /// is chunked; `nil` for a pause or fault.
    public func framedRun(_ index: Int) -> ByteBuffer? {
        guard index < placements.count, let placement = placements[index] else { return nil }
        return wire.getSlice(at: placement.framed.lowerBound, length: placement.framed.count)
    }

    /// The last chunk that ends a chunked body, a slice of `wire` (empty for `.contentLength`).
    public var terminator: ByteBuffer {
        guard framing == .chunked else { return ByteBuffer() }
        let length = ChunkFraming.terminator.readableBytes
        return wire.getSlice(at: wire.writerIndex - length, length: length) ?? ChunkFraming.terminator
    }

    /// Rewrites bytes of `wire` in place, keeping every length, with one copy of the buffer at
    /// most: `edit` gets the bytes, where each joined byte step starts in them, and where each
    /// header value starts. The steps are cut from the edited bytes when next asked for.
    mutating func editWire(
        _ edit: (UnsafeMutableRawBufferPointer, _ runStart: (Int) -> Int?, _ valueStart: (Int) -> Int?) -> Void
    ) {
        let placements = self.placements
        let valueOffsets = self.valueOffsets
        wire.withUnsafeMutableReadableBytes { bytes in
            edit(
                bytes, { index in index < placements.count ? placements[index]?.body.lowerBound : nil },
                { index in index < valueOffsets.count ? valueOffsets[index] : nil })
        }
        bytesMoved = true
    }

    /// Sets header `index`'s value to `value` of the same length, whose bytes `editWire` wrote.
    mutating func setValueWrittenInPlace(header index: Int, to value: String) {
        fields[index].1 = value
    }

    /// Encodes `wire` from the head and steps as they are now, and points the steps at it.
    private mutating func prepareWire() {
        let current = coalescedSteps
        let total = PlaybackPlan.byteCount(of: current)
        let chunked = framing == .chunked && !ResponseHead.isBodyless(status)
        let head = ResponseHead.encode(
            status: status, headers: fields, framing: framing, contentLength: declaredLength ?? total)
        var wire = head.bytes
        headLength = wire.readableBytes
        valueOffsets = head.valueOffsets
        wire.reserveCapacity(headLength + total + current.count * 12 + ChunkFraming.terminator.readableBytes)
        placements = current.map { step in
            guard case .bytes(let buffer, _) = step else { return nil }
            let framedStart = wire.writerIndex
            if chunked {
                ChunkFraming.append(buffer, to: &wire)
                let start = framedStart + ChunkFraming.prefixLength(forLength: buffer.readableBytes)
                return Placement(body: start..<(start + buffer.readableBytes), framed: framedStart..<wire.writerIndex)
            }
            wire.writeImmutableBuffer(buffer)
            return Placement(body: framedStart..<wire.writerIndex, framed: framedStart..<wire.writerIndex)
        }
        if chunked { wire.writeImmutableBuffer(ChunkFraming.terminator) }
        self.wire = wire
        joinedSteps = joined()
        slicedSteps = PlaybackPlan.resliced(slicedSteps, positions: slicePositions, in: joinedSteps)
        bytesMoved = false
    }

    /// The joined steps cut from `wire`.
    private func joined() -> [PlaybackStep] {
        var steps = joinedSteps
        for index in steps.indices {
            guard case .bytes(_, let offset) = steps[index], index < placements.count,
                let placement = placements[index],
                let slice = wire.getSlice(at: placement.body.lowerBound, length: placement.body.count)
            else { continue }
            steps[index] = .bytes(slice, offsetMs: offset)
        }
        return steps
    }

    /// `sliced` re-pointed at slices of `joined`.
    private static func resliced(
        _ sliced: [PlaybackStep], positions: [SlicePosition], in joined: [PlaybackStep]
    ) -> [PlaybackStep] {
        var sliced = sliced
        var byteStep = 0
        for index in sliced.indices {
            guard case .bytes(let old, let offset) = sliced[index], byteStep < positions.count else { continue }
            let position = positions[byteStep]
            byteStep += 1
            guard case .bytes(let whole, _) = joined[position.joined],
                let slice = whole.getSlice(at: whole.readerIndex + position.start, length: old.readableBytes)
            else { continue }
            sliced[index] = .bytes(slice, offsetMs: offset)
        }
        return sliced
    }

    private static func byteCount(of steps: [PlaybackStep]) -> Int {
        steps.reduce(0) { total, step in
            if case .bytes(let buffer, _) = step { return total + buffer.readableBytes }
            return total
        }
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
        if case .fault(.stallForever) = joinedSteps.last { return true }
        return false
    }

    /// The `Content-Length` announced: the declared length, else the total of the byte steps.
    public var contentLength: Int { declaredLength ?? PlaybackPlan.byteCount(of: joinedSteps) }

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
