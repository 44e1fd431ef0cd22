import Dispatch
import Foundation

/// SIGINT and SIGTERM, the two signals that stop the server cleanly. Installed before the ready
/// line is printed, so a signal sent the moment a harness reads that line is kept for `wait()`
/// instead of killing the process.
final class ShutdownSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var received: Int32?
    private var waiter: CheckedContinuation<Int32, Never>?
    private var sources: [any DispatchSourceSignal] = []

    /// Blocks both signals in the calling thread and so in every thread it creates afterwards:
    /// call it on the main thread before any other thread starts. Blocked signals are never
    /// discarded; they wait, pending, for the signal sources `install()` sets up.
    static func blockInEveryThread() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Starts catching both signals.
    static func install() -> ShutdownSignal {
        let shutdown = ShutdownSignal()
        let queue = DispatchQueue(label: "mockrouter.signals")
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { shutdown.deliver(number) }
            source.resume()
            shutdown.sources.append(source)
        }
        return shutdown
    }

    /// The first signal caught, now or since `install()`.
    func wait() async -> Int32 {
        await withCheckedContinuation { continuation in
            lock.lock()
            if let received {
                lock.unlock()
                continuation.resume(returning: received)
                return
            }
            waiter = continuation
            lock.unlock()
        }
    }

    private func deliver(_ number: Int32) {
        lock.lock()
        guard received == nil else { return lock.unlock() }
        received = number
        let waiter = self.waiter
        self.waiter = nil
        lock.unlock()
        waiter?.resume(returning: number)
    }
}
