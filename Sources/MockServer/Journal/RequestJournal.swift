import Synchronization

/// The requests a server answered, per session, oldest first. Holds the latest `capacity` entries
/// in a ring (the oldest is overwritten), so recording one costs the same whether the journal is
/// empty or full, and a long load test cannot grow it without bound.
final class RequestJournal: Sendable {
    let capacity: Int
    private let ring: Mutex<Ring>

    private struct Ring {
        var slots: [JournalEntry?]
        /// Where the next entry goes.
        var next = 0
        var count = 0

        mutating func append(_ entry: JournalEntry) {
            slots[next] = entry
            next = (next + 1) % slots.count
            count = min(count + 1, slots.count)
        }

        /// Entries oldest first.
        var ordered: [JournalEntry] {
            let start = (next - count + slots.count) % slots.count
            return (0..<count).compactMap { slots[(start + $0) % slots.count] }
        }
    }

    init(capacity: Int = 10_000) {
        self.capacity = capacity
        ring = Mutex(Ring(slots: Array(repeating: nil, count: capacity)))
    }

    func record(_ entry: JournalEntry) {
        ring.withLock { $0.append(entry) }
    }

    /// Entries of `session`, or of every session when `nil`.
    func entries(session: String?) -> [JournalEntry] {
        let all = ring.withLock { $0.ordered }
        return session.map { name in all.filter { $0.session == name } } ?? all
    }

    /// Forgets the entries of `session`, or all when `nil`.
    func reset(session: String?) {
        ring.withLock { ring in
            let kept = session.map { name in ring.ordered.filter { $0.session != name } } ?? []
            ring = Ring(slots: Array(repeating: nil, count: capacity))
            for entry in kept { ring.append(entry) }
        }
    }
}
