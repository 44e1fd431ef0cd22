import Synchronization

/// The requests a server answered, per session, newest last. Holds at most `capacity` entries
/// (oldest dropped first) so a long load test cannot grow it without bound.
final class RequestJournal: Sendable {
    let capacity: Int
    private let entries = Mutex<[JournalEntry]>([])

    init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    func record(_ entry: JournalEntry) {
        entries.withLock { entries in
            entries.append(entry)
            if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
        }
    }

    /// Entries of `session`, or of every session when `nil`.
    func entries(session: String?) -> [JournalEntry] {
        entries.withLock { entries in session.map { name in entries.filter { $0.session == name } } ?? entries }
    }

    /// Forgets the entries of `session`, or all when `nil`.
    func reset(session: String?) {
        entries.withLock { entries in
            if let session { entries.removeAll { $0.session == session } } else { entries.removeAll() }
        }
    }
}
