import CassetteFormat
import Synchronization

/// Answers requests from a catalog, keeping each session's position in every recorded sequence.
/// Identical requests get their recordings in recorded order; after the last, the last repeats.
/// Interactions recorded while serving (hybrid mode) are added and answer at once.
public final class CassetteReplayer: Sendable {
    /// The catalog and every session's positions, behind one lock: a request takes it once.
    private let state: Mutex<State>

    private struct State {
        var catalog: CassetteCatalog
        var positions: [String: [RequestKey: Int]] = [:]
    }

    public init(catalog: CassetteCatalog) {
        state = Mutex(State(catalog: catalog))
    }

    /// The catalog as it is now.
    public var catalog: CassetteCatalog { state.withLock { $0.catalog } }

    /// Adds an interaction recorded to `cassette` while serving.
    public func add(_ interaction: Interaction, cassette: String) {
        state.withLock { $0.catalog.append(interaction, cassette: cassette) }
    }

    /// A recorded answer and where it sits in its sequence.
    public struct Match: Sendable {
        public let entry: CatalogEntry
        /// 1-based position of this answer among the identical requests of the session.
        public let occurrence: Int
        /// Whether the sequence was exhausted and the last recording is repeated.
        public let isRepeat: Bool
    }

    /// The recording that answers `request` in `session`, advancing the session's position.
    public func answer(_ request: IncomingRequest, session: String) -> Match? {
        let key = RequestKey(request)
        return state.withLock { state -> Match? in
            let candidates = state.catalog.indices(for: key)
            guard !candidates.isEmpty else { return nil }
            let served = state.positions[session, default: [:]][key, default: 0]
            state.positions[session, default: [:]][key] = served + 1
            let entry = state.catalog.entries[candidates[min(served, candidates.count - 1)]]
            return Match(entry: entry, occurrence: served + 1, isRepeat: served >= candidates.count)
        }
    }

    /// Rewinds every sequence of `session`, or of every session when `nil`.
    public func reset(session: String?) {
        state.withLock { state in
            if let session { state.positions[session] = nil } else { state.positions.removeAll() }
        }
    }
}
