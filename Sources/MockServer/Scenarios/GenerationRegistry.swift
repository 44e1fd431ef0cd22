import CassetteFormat
import Synchronization

/// The generations served so far, by id, for `GET /generation?id=`, and what they cost, in total
/// and per session, for `GET /credits`. Every answer counts toward the totals; the records of the
/// latest `Limits.maxGenerations` answers are kept.
final class GenerationRegistry: Sendable {
    private let state = Mutex(State())

    private struct State {
        var records: [String: GenerationRecord] = [:]
        /// Ids in the order they were recorded, a ring of `Limits.maxGenerations`.
        var order: [String] = []
        var next = 0
        var total = 0.0
        var bySession: [String: Double] = [:]
    }

    func record(_ generation: GenerationRecord, session: String) {
        let cost = generation.cost.doubleValue ?? 0
        state.withLock { state in
            if state.records.updateValue(generation, forKey: generation.id) == nil {
                if state.order.count < Limits.maxGenerations {
                    state.order.append(generation.id)
                } else {
                    state.records[state.order[state.next]] = nil
                    state.order[state.next] = generation.id
                    state.next = (state.next + 1) % Limits.maxGenerations
                }
            }
            state.total += cost
            state.bySession[session, default: 0] += cost
        }
    }

    func lookup(_ id: String) -> GenerationRecord? { state.withLock { $0.records[id] } }

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
