import CassetteFormat
import Foundation
import Playback
import Synchronization

/// One answer that ends in an endless stall: when the stall began and when the client gave up
/// (closed the connection), for `stalled-stream-not-abandoned`.
final class StallWatch: StallObserver {
    let session: String
    /// When the request was answered (its journal entry's time).
    let answered: Date
    private let times = Mutex<(began: Date?, ended: Date?)>((nil, nil))

    init(session: String, answered: Date) {
        self.session = session
        self.answered = answered
    }

    func stallBegan() { times.withLock { $0.began = $0.began ?? Date() } }

    func connectionEnded() { times.withLock { $0.ended = $0.ended ?? Date() } }

    /// How long the client has held the stalled connection: until it closed it, or until `now`
    /// when it still holds it; `nil` before the stall began.
    func heldSeconds(now: Date = Date()) -> (seconds: Double, stillOpen: Bool)? {
        times.withLock { times in
            guard let began = times.began else { return nil }
            return ((times.ended ?? now).timeIntervalSince(began), times.ended == nil)
        }
    }
}

/// The stall watches of the latest `Limits.maxWatchedStalls` stalled answers.
final class StallLog: Sendable {
    private let watches = Mutex<[StallWatch]>([])

    func add(_ watch: StallWatch) {
        watches.withLock { watches in
            watches.append(watch)
            if watches.count > Limits.maxWatchedStalls { watches.removeFirst(watches.count - Limits.maxWatchedStalls) }
        }
    }

    /// The watches of `session`, or of every session when `nil`.
    func watches(session: String?) -> [StallWatch] {
        watches.withLock { all in session.map { name in all.filter { $0.session == name } } ?? all }
    }

    /// Forgets `session`'s watches, or every watch when `nil`.
    func reset(session: String?) {
        watches.withLock { all in
            if let session { all.removeAll { $0.session == session } } else { all.removeAll() }
        }
    }
}
