import NIOCore

/// Something the wheel wakes when its time has come.
protocol PacedWriter: AnyObject {
    /// Whether the writer still wants waking (its connection may have gone).
    var isPaced: Bool { get }
    /// Its time has come: it sends what is due and asks the wheel again for its next time.
    func wheelFired()
}

/// One timer per event loop for every timed answer on it: a hashed timing wheel of one-millisecond
/// slots. A writer waiting for its next frame takes a slot (an array append, no allocation per
/// frame), and the loop's one scheduled task wakes, in slot order, every writer whose slot has
/// come; each sends all of its frames that are due in one write and one flush. A frame goes out
/// at most one slot (plus the loop's own latency) after its time, never before it.
///
/// Used only on its event loop.
final class PacingWheel: @unchecked Sendable {
    /// The width of a slot.
    static let resolutionNanoseconds: Int64 = 1_000_000
    /// Slots in one turn of the wheel (4.096 s); later times wait in `overflow` until their turn.
    static let slotCount = 4096

    private let eventLoop: any EventLoop
    private var slots: [[Entry]]
    /// Times beyond the current turn.
    private var overflow: [Entry] = []
    /// The next tick (slot time, in resolutions since boot) to process.
    private var cursor: Int64
    private var waiting = 0
    /// The slot whose writers are being woken, if any: a writer it wakes goes to a later slot.
    private var processing: Int64?
    private var armed: (tick: Int64, task: Scheduled<Void>)?
    /// A spare slot array, swapped in while a slot's writers are woken, so no array is allocated per slot.
    private var spare: [Entry] = []

    private struct Entry {
        let tick: Int64
        let writer: any PacedWriter
    }

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
        slots = Array(repeating: [], count: Self.slotCount)
        cursor = Self.tick(NIODeadline.now())
    }

    /// The slot that `deadline` falls in (rounded down).
    private static func tick(_ deadline: NIODeadline) -> Int64 {
        Int64(clamping: deadline.uptimeNanoseconds / UInt64(resolutionNanoseconds))
    }

    /// Wakes `writer` at the first slot at or after `deadline`.
    func wake(_ writer: any PacedWriter, at deadline: NIODeadline) {
        assert(eventLoop.inEventLoop)
        let nanoseconds = Int64(clamping: deadline.uptimeNanoseconds)
        var tick = nanoseconds / Self.resolutionNanoseconds
        if nanoseconds % Self.resolutionNanoseconds != 0 { tick += 1 }
        if let processing {
            // Woken while a slot is being processed: a later slot, which the loop still reaches.
            tick = max(tick, processing + 1)
        } else {
            // An idle wheel's cursor may be far behind; it starts again from now.
            if waiting == 0 { cursor = max(cursor, Self.tick(NIODeadline.now())) }
            tick = max(tick, cursor)
        }
        place(Entry(tick: tick, writer: writer))
        waiting += 1
        // No later than the next turn's start: there overflow entries are taken in or dropped.
        arm(at: min(tick, cursor - cursor % Int64(Self.slotCount) + Int64(Self.slotCount)))
    }

    private func place(_ entry: Entry) {
        if entry.tick - cursor < Int64(Self.slotCount) {
            slots[Self.index(entry.tick)].append(entry)
        } else {
            overflow.append(entry)
        }
    }

    private static func index(_ tick: Int64) -> Int { Int(tick % Int64(slotCount)) }

    private func arm(at tick: Int64) {
        if let armed, armed.tick <= tick { return }
        armed?.task.cancel()
        let (nanoseconds, overflowed) = tick.multipliedReportingOverflow(by: Self.resolutionNanoseconds)
        let deadline = overflowed ? NIODeadline.distantFuture : .uptimeNanoseconds(UInt64(max(0, nanoseconds)))
        armed = (tick, eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in fire() })
    }

    /// Wakes the writers of every slot up to now, then arms the timer for the next slot in use.
    private func fire() {
        armed = nil
        let now = Self.tick(NIODeadline.now())
        while cursor <= now {
            let index = Self.index(cursor)
            if !slots[index].isEmpty {
                processing = cursor
                defer { processing = nil }
                swap(&slots[index], &spare)
                waiting -= spare.count
                for entry in spare where entry.writer.isPaced {
                    entry.writer.wheelFired()
                }
                spare.removeAll(keepingCapacity: true)
            }
            cursor += 1
            if index == Self.slotCount - 1 { takeOverflowIntoThisTurn() }
        }
        if waiting > 0, let next = nextTick() { arm(at: next) }
    }

    /// Moves the overflow entries whose time falls in the turn now starting into their slots, and
    /// drops those of writers that no longer wait (their connection went away during a long pause),
    /// so a client that keeps leaving long pauses does not make the list grow.
    private func takeOverflowIntoThisTurn() {
        guard !overflow.isEmpty else { return }
        let later = overflow
        overflow.removeAll(keepingCapacity: true)
        for entry in later {
            if entry.writer.isPaced {
                place(entry)
            } else {
                waiting -= 1
            }
        }
    }

    /// The first slot in use from the cursor on; when only overflow entries wait, the start of
    /// the next turn (their turn is taken in, and the writers gone are dropped, as the cursor
    /// passes a turn's start).
    private func nextTick() -> Int64? {
        for offset in 0..<Int64(Self.slotCount) where !slots[Self.index(cursor + offset)].isEmpty {
            return cursor + offset
        }
        guard !overflow.isEmpty else { return nil }
        return cursor - cursor % Int64(Self.slotCount) + Int64(Self.slotCount)
    }

    /// How many wakes are pending, those of writers gone included until they are dropped.
    var pending: Int { waiting }
}

/// The wheels of a server's event loops, one each, made when the server starts.
struct PacingWheels: Sendable {
    private let wheels: [ObjectIdentifier: PacingWheel]

    init(group: any EventLoopGroup) {
        var wheels: [ObjectIdentifier: PacingWheel] = [:]
        for loop in group.makeIterator() {
            wheels[ObjectIdentifier(loop)] = PacingWheel(eventLoop: loop)
        }
        self.wheels = wheels
    }

    /// The wheel of `loop` (a loop of the group the server was started on).
    func wheel(for loop: any EventLoop) -> PacingWheel {
        wheels[ObjectIdentifier(loop)] ?? PacingWheel(eventLoop: loop)
    }
}
