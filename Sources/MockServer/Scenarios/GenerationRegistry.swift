import CassetteFormat
import Synchronization

/// The generations served so far, by id, for `GET /generation?id=`, and what they cost, in total
/// and per session, for `GET /credits`. Every answer counts toward the totals; the records of the
/// latest `Limits.maxGenerations` answers are kept in a ring. Recording is the hot path (every
/// answer, under a lock both event loops take), so it only writes a slot of the ring; a lookup,
/// which is rare, reads the ring from the newest record back.
final class GenerationRegistry: Sendable {
    private let state = Mutex(State())

    private struct State {
        /// The latest records, a ring of `Limits.maxGenerations`.
        var records: [GenerationRecord] = []
        var next = 0
        var total = 0.0
        var bySession: [String: Double] = [:]
    }

    func record(_ generation: GenerationRecord, session: String) {
        let cost = generation.cost.doubleValue ?? 0
        state.withLock { state in
            if state.records.count < Limits.maxGenerations {
                state.records.append(generation)
            } else {
                state.records[state.next] = generation
                state.next = (state.next + 1) % Limits.maxGenerations
            }
            state.total += cost
            if cost != 0 { state.bySession[session, default: 0] += cost }
        }
    }

    /// The latest record of generation `id`, while it is among the latest `Limits.maxGenerations`.
    func lookup(_ id: String) -> GenerationRecord? {
        state.withLock { state in
            let count = state.records.count
            for back in 0..<count {
                let record = state.records[(state.next - 1 - back + count) % count]
                if record.id == id { return record }
            }
            return nil
        }
    }

    /// What every answer cost, for `/credits`: of `session`, or of every session when `nil`.
    func totalCost(session: String?) -> Double {
        state.withLock { state in session.map { state.bySession[$0] ?? 0 } ?? state.total }
    }

    /// Starts `session`'s spending over (a reset or evicted session); the total and the session's
    /// generations stay.
    func forget(session: String) {
        _ = state.withLock { $0.bySession.removeValue(forKey: session) }
    }

    /// Forgets everything.
    func reset() { state.withLock { $0 = State() } }
}
