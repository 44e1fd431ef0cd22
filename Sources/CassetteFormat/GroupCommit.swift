import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Group commit for one file descriptor: writers take a ticket after their `write`, then wait
/// until an `fsync` that began after that write has finished. One `fsync` runs at a time, on its
/// own queue, and covers every ticket taken before it began, so many concurrent writers share a
/// flush instead of queueing for one each.
final class GroupCommit: @unchecked Sendable {
    typealias Completion = @Sendable (Result<Void, CassetteError>) -> Void
    private typealias Waiter = (ticket: Int, completion: Completion)

    private let descriptor: Int32
    private let path: String
    private let lock = NSLock()
    private let queue = DispatchQueue(label: "mockrouter.cassette.fsync")
    private var issued = 0
    private var synced = 0
    /// Set when an `fsync` failed: every ticket issued by then may be lost (Linux reports a write-back
    /// error once, so a later `fsync` can succeed without those pages), and is answered with it.
    private var failure: (through: Int, error: CassetteError)?
    private var running = false
    private var waiters: [Waiter] = []

    init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    /// A ticket for data written to the descriptor just now; call it after the `write` returns.
    func ticket() -> Int {
        lock.withLock {
            issued += 1
            return issued
        }
    }

    /// Calls `completion` (on the flushing queue, or at once) when an `fsync` covering `ticket` has
    /// finished, or with the error of the one that failed.
    func whenDurable(_ ticket: Int, _ completion: @escaping Completion) {
        enum Next {
            case alreadyDurable
            case failed(CassetteError)
            case wait, startFlushing
        }
        let next: Next = lock.withLock {
            if let failure, ticket <= failure.through { return .failed(failure.error) }
            if synced >= ticket { return .alreadyDurable }
            waiters.append((ticket, completion))
            if running { return .wait }
            running = true
            return .startFlushing
        }
        switch next {
        case .alreadyDurable: completion(.success(()))
        case .failed(let error): completion(.failure(error))
        case .wait: break
        case .startFlushing: queue.async { self.flushWhileWaited() }
        }
    }

    /// Waits until no flush is running; call it before the descriptor is closed.
    func drain() {
        queue.sync {}
    }

    private func flushWhileWaited() {
        while true {
            let target: Int? = lock.withLock {
                if waiters.isEmpty {
                    running = false
                    return nil
                }
                return issued
            }
            guard let target else { return }
            let result: Result<Void, CassetteError> =
                fsync(descriptor) == 0
                ? .success(())
                : .failure(CassetteError(path: path, message: "fsync failed: \(String(cString: strerror(errno)))"))
            let covered: [Waiter] = lock.withLock {
                switch result {
                case .success: synced = max(synced, target)
                case .failure(let error): failure = (issued, error)
                }
                let through = max(target, failure?.through ?? 0)
                let covered = waiters.filter { $0.ticket <= through }
                waiters.removeAll { $0.ticket <= through }
                return covered
            }
            for waiter in covered { waiter.completion(result) }
        }
    }
}
