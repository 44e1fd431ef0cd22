import CassetteFormat
import Synchronization

/// Answers requests from a catalog, keeping each session's position in every recorded sequence.
/// Identical requests get their recordings in recorded order; after the last, the last repeats.
/// Interactions recorded while serving (hybrid mode) are added and answer at once.
public final class CassetteReplayer: Sendable {
    private let loaded: Mutex<CassetteCatalog>
    private let positions = Mutex<[String: [RequestKey: Int]]>([:])

    public init(catalog: CassetteCatalog) {
        loaded = Mutex(catalog)
    }

    /// The catalog as it is now.
    public var catalog: CassetteCatalog { loaded.withLock { $0 } }

    /// Adds an interaction recorded to `cassette` while serving.
    public func add(_ interaction: Interaction, cassette: String) {
        loaded.withLock { $0.append(interaction, cassette: cassette) }
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
        let candidates = loaded.withLock { $0.entries(for: key) }
        guard !candidates.isEmpty else { return nil }
        let served = positions.withLock { state -> Int in
            let count = state[session, default: [:]][key, default: 0]
            state[session, default: [:]][key] = count + 1
            return count
        }
        let index = min(served, candidates.count - 1)
        return Match(entry: candidates[index], occurrence: served + 1, isRepeat: served >= candidates.count)
    }

    /// Rewinds every sequence of `session`, or of every session when `nil`.
    public func reset(session: String?) {
        positions.withLock { state in
            if let session { state[session] = nil } else { state.removeAll() }
        }
    }
}
