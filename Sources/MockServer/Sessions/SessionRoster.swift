import Synchronization

/// The sessions the server keeps state for (scenario steps, positions in recorded sequences,
/// scenarios added for one session), at most `capacity` of them: when a new session would be one
/// too many, the least recently used one is evicted and its state forgotten. A long run that names
/// a fresh session per test, or a client that invents ids, cannot grow the server without bound.
final class SessionRoster: Sendable {
    let capacity: Int
    private let state = Mutex(State())

    /// Each session's last use, and uses in order; entries whose stamp is no longer current are
    /// skipped when looking for the least recently used (and compacted away now and then).
    private struct State {
        var lastUse: [String: UInt64] = [:]
        var uses: [(session: String, stamp: UInt64)] = []
        var head = 0
        var clock: UInt64 = 0
    }

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Marks `session` as used now; returns the sessions evicted to make room for it.
    func touch(_ session: String) -> [String] {
        state.withLock { state in
            state.clock += 1
            state.lastUse[session] = state.clock
            state.uses.append((session, state.clock))
            var evicted: [String] = []
            while state.lastUse.count > capacity, state.head < state.uses.count {
                let oldest = state.uses[state.head]
                state.head += 1
                if state.lastUse[oldest.session] == oldest.stamp {
                    state.lastUse[oldest.session] = nil
                    evicted.append(oldest.session)
                }
            }
            if state.uses.count - state.head > 2 * state.lastUse.count + 1024 {
                state.uses = state.lastUse.map { (session: $0.key, stamp: $0.value) }.sorted { $0.stamp < $1.stamp }
                state.head = 0
            } else if state.head > 1024 && state.head * 2 > state.uses.count {
                state.uses.removeFirst(state.head)
                state.head = 0
            }
            return evicted
        }
    }

    /// How many sessions have state now.
    var count: Int { state.withLock { $0.lastUse.count } }

    /// Uses still on record (current and stale): stays within twice the sessions plus 1,024.
    var bookkeeping: Int { state.withLock { $0.uses.count - $0.head } }
}
