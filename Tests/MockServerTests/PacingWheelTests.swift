import Foundation
import NIOCore
import NIOPosix
import Testing

@testable import MockServer

/// The timing wheel that paces every timed answer on an event loop.
@Suite("Pacing wheel")
struct PacingWheelTests {
    /// A writer that records when the wheel woke it and, the first time, asks again for a time
    /// that has passed by the time it asks (as a writer does when sending its frames took a while).
    final class SlowWriter: PacedWriter {
        let wheel: PacingWheel
        let done: EventLoopPromise<[NIODeadline]>
        var woken: [NIODeadline] = []
        var isPaced: Bool { true }

        init(wheel: PacingWheel, done: EventLoopPromise<[NIODeadline]>) {
            self.wheel = wheel
            self.done = done
        }

        func wheelFired() {
            woken.append(.now())
            guard woken.count == 1 else { return done.succeed(woken) }
            let next = NIODeadline.now() + .milliseconds(1)
            let busyUntil = NIODeadline.now() + .milliseconds(4)
            while NIODeadline.now() < busyUntil {}
            wheel.wake(self, at: next)
        }
    }

    @Test("a writer that asks, while being woken, for a time already past is woken at the next slot, not a turn later")
    func wakeDuringAWakeThatRanLate() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let loop = group.next()
        let woken = try loop.submit {
            let wheel = PacingWheel(eventLoop: loop)
            let writer = SlowWriter(wheel: wheel, done: loop.makePromise())
            wheel.wake(writer, at: .now() + .milliseconds(20))
            return writer.done.futureResult
        }.flatMap { $0 }.wait()
        #expect(woken.count == 2)
        let gap = woken[1] - woken[0]
        #expect(gap < .milliseconds(200), "woken again after \(Double(gap.nanoseconds) / 1e6) ms")
    }

    @Test("writers due at many times are each woken once, in time order, none early")
    func manyWriters() throws {
        final class Probe: PacedWriter {
            let due: NIODeadline
            var woken: NIODeadline?
            let onWake: (Probe) -> Void
            var isPaced: Bool { true }
            init(due: NIODeadline, onWake: @escaping (Probe) -> Void) {
                self.due = due
                self.onWake = onWake
            }
            func wheelFired() {
                woken = .now()
                onWake(self)
            }
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let loop = group.next()
        let results = try loop.submit { () -> EventLoopFuture<[(due: NIODeadline, woken: NIODeadline)]> in
            let wheel = PacingWheel(eventLoop: loop)
            let done = loop.makePromise(of: [(due: NIODeadline, woken: NIODeadline)].self)
            var finished: [(due: NIODeadline, woken: NIODeadline)] = []
            let start = NIODeadline.now()
            let count = 300
            var probes: [Probe] = []
            for index in 0..<count {
                let probe = Probe(due: start + .milliseconds(Int64(5 + (index * 7) % 250))) { probe in
                    finished.append((probe.due, probe.woken!))
                    if finished.count == count { done.succeed(finished) }
                }
                probes.append(probe)
                wheel.wake(probe, at: probe.due)
            }
            return done.futureResult.map { result in
                _ = probes
                return result
            }
        }.flatMap { $0 }.wait()
        #expect(results.count == 300)
        #expect(results.allSatisfy { $0.woken >= $0.due })
        let late = results.map { Double(($0.woken - $0.due).nanoseconds) / 1e6 }.max() ?? 0
        #expect(late < 100, "the latest wake came \(late) ms after its time")
    }

    @Test("a writer gone during a pause beyond the wheel's turn is dropped within a turn, not kept until its time")
    func goneWritersLeaveTheOverflow() throws {
        final class Gone: PacedWriter {
            var isPaced = true
            func wheelFired() {}
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let loop = group.next()
        let wheel = try loop.submit { () -> PacingWheel in
            let wheel = PacingWheel(eventLoop: loop)
            let writers = (0..<100).map { _ in Gone() }
            for writer in writers {
                wheel.wake(writer, at: .now() + .hours(1))
                writer.isPaced = false
            }
            return wheel
        }.wait()
        #expect(try loop.submit { wheel.pending }.wait() == 100)
        let turn = TimeAmount.nanoseconds(PacingWheel.resolutionNanoseconds * Int64(PacingWheel.slotCount))
        Thread.sleep(forTimeInterval: Double((turn + .milliseconds(300)).nanoseconds) / 1e9)
        #expect(try loop.submit { wheel.pending }.wait() == 0)
    }
}
