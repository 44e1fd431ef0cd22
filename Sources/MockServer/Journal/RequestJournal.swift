import Synchronization

/// The requests a server answered, per session, oldest first. Holds at most `capacity` entries
/// whose bodies add up to at most `byteLimit` bytes, in a ring: the oldest entries are dropped to
/// make room, so recording one costs the same whether the journal is empty or full, and a long
/// load test cannot grow it without bound.
final class RequestJournal: Sendable {
    let capacity: Int
    let byteLimit: Int
    private let ring: Mutex<Ring>

    private struct Ring {
        var slots: [JournalEntry?]
        /// Where the oldest entry is.
        var start = 0
        var count = 0
        var bytes = 0

        mutating func append(_ entry: JournalEntry, byteLimit: Int) {
            while count > 0 && (count == slots.count || bytes + entry.body.count > byteLimit) { dropOldest() }
            slots[(start + count) % slots.count] = entry
            count += 1
            bytes += entry.body.count
        }

        mutating func dropOldest() {
            bytes -= slots[start]?.body.count ?? 0
            slots[start] = nil
            start = (start + 1) % slots.count
            count -= 1
        }

        /// Empties the slots of `session`'s entries in place (the holes go when the ring wraps):
        /// no copy of the ring, so a per-session reset costs a scan, not a rebuild.
        mutating func remove(session: String) {
            for offset in 0..<count {
                let index = (start + offset) % slots.count
                if let entry = slots[index], entry.session == session {
                    bytes -= entry.body.count
                    slots[index] = nil
                }
            }
        }

        /// Entries oldest first.
        var ordered: [JournalEntry] { (0..<count).compactMap { slots[(start + $0) % slots.count] } }
    }

    init(capacity: Int = 10_000, byteLimit: Int) {
        self.capacity = max(1, capacity)
        self.byteLimit = byteLimit
        ring = Mutex(Ring(slots: Array(repeating: nil, count: max(1, capacity))))
    }

    func record(_ entry: JournalEntry) {
        ring.withLock { $0.append(entry, byteLimit: byteLimit) }
    }

    /// Entries of `session`, or of every session when `nil`.
    func entries(session: String?) -> [JournalEntry] {
        ring.withLock { ring in
            guard let session else { return ring.ordered }
            return (0..<ring.count).compactMap { offset in
                ring.slots[(ring.start + offset) % ring.slots.count].flatMap { $0.session == session ? $0 : nil }
            }
        }
    }

    /// Forgets the entries of `session`, or all when `nil`.
    func reset(session: String?) {
        ring.withLock { ring in
            if let session {
                ring.remove(session: session)
            } else {
                ring = Ring(slots: Array(repeating: nil, count: ring.slots.count))
            }
        }
    }
}
