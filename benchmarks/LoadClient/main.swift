import Dialects
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Scenarios

/// `mockrouter-load hold`: opens many concurrent streams of one scenario against a server running at
/// `--speed 1`, times every frame's arrival against the offset the scenario gives it, and prints one
/// JSON line: streams opened and completed, frame offset error percentiles (ms), and wall time.
/// Offsets are measured two ways: from when the client wrote the request (which includes the time
/// the server takes to accept and read it while hundreds of connections open at once), and from the
/// stream's first frame (sent at offset 0: the pacing the server keeps once it has the request).
/// What wrk cannot do: thousands of open SSE streams at once, and per-frame timing.
///
/// Usage: mockrouter-load hold --port P --scenario FILE [--streams N] [--batch B] [--threads T]
struct Options {
    var port = 8080
    var scenario = ""
    var streams = 1000
    var batch = 500
    var threads = 1

    init(_ arguments: [String]) {
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--port": port = Int(iterator.next() ?? "") ?? port
            case "--scenario": scenario = iterator.next() ?? ""
            case "--streams": streams = Int(iterator.next() ?? "") ?? streams
            case "--batch": batch = Int(iterator.next() ?? "") ?? batch
            case "--threads": threads = Int(iterator.next() ?? "") ?? threads
            case "hold": break
            default: fatalError("unknown argument \(argument)")
            }
        }
    }
}

/// One stream's record: when each frame arrived, in ms since the request was written.
final class StreamTiming: @unchecked Sendable {
    var arrivals: [Double] = []
    var completed = false
}

/// Reads one chunked SSE response and stamps each frame (ending in a blank line) as it completes.
final class StreamReader: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    let request: [UInt8]
    let timing: StreamTiming
    let done: EventLoopPromise<Void>
    var sentAt = ContinuousClock.now
    /// Whether the last byte read ended a line (a frame ends at a blank line: two in a row).
    var afterNewline = false

    init(request: [UInt8], timing: StreamTiming, done: EventLoopPromise<Void>) {
        self.request = request
        self.timing = timing
        self.done = done
    }

    func channelActive(context: ChannelHandlerContext) {
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/api/v1/chat/completions")
        head.headers.add(name: "Host", value: "127.0.0.1")
        head.headers.add(name: "Content-Type", value: "application/json")
        head.headers.add(name: "Content-Length", value: String(request.count))
        sentAt = .now
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: request)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: break
        case .body(let buffer):
            let elapsed = sentAt.duration(to: .now)
            let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            for byte in buffer.readableBytesView {
                guard byte == 0x0A else {
                    afterNewline = false
                    continue
                }
                if afterNewline { timing.arrivals.append(ms) }
                afterNewline.toggle()
            }
        case .end:
            timing.completed = true
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) { done.succeed() }
    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted.isEmpty ? -1 : sorted[min(sorted.count - 1, Int((p / 100 * Double(sorted.count - 1)).rounded()))]
}

let options = Options(Array(CommandLine.arguments.dropFirst()))
let scenario = try ScenarioLoader.load(path: options.scenario)
let expected = try ScenarioRendering.render(scenario, stepIndex: 0, dialect: .chat, stream: true, model: nil).plan.steps
    .compactMap(\.offsetMs)
let body = Array(
    #"{"model":"mockrouter/\#(scenario.name)","messages":[{"role":"user","content":"hold"}],"stream":true}"#.utf8)

let group = MultiThreadedEventLoopGroup(numberOfThreads: options.threads)
let started = ContinuousClock.now
var timings: [StreamTiming] = []
var closed: [EventLoopFuture<Void>] = []
var failedToConnect = 0
var opened = 0
while opened < options.streams {
    let count = min(options.batch, options.streams - opened)
    var connecting: [EventLoopFuture<Void>] = []
    for _ in 0..<count {
        let timing = StreamTiming()
        let loop = group.next()
        let done = loop.makePromise(of: Void.self)
        timings.append(timing)
        closed.append(done.futureResult)
        let connect = ClientBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(
                        StreamReader(request: body, timing: timing, done: done))
                }
            }
            .connect(host: "127.0.0.1", port: options.port)
            .map { _ in () }
        connect.whenFailure { _ in done.succeed() }
        connecting.append(connect)
    }
    for future in connecting {
        do { try future.wait() } catch { failedToConnect += 1 }
    }
    opened += count
}
let allOpenAfter = started.duration(to: .now)
for future in closed { try? future.wait() }
let wall = started.duration(to: .now)
try? group.syncShutdownGracefully()

var errors: [Double] = []
var pacingErrors: [Double] = []
var firstFrames: [Double] = []
for timing in timings where timing.completed {
    guard let first = timing.arrivals.first, let firstOffset = expected.first else { continue }
    firstFrames.append(first - firstOffset)
    for (arrival, offset) in zip(timing.arrivals, expected) {
        errors.append(abs(arrival - offset))
        pacingErrors.append(abs((arrival - first) - (offset - firstOffset)))
    }
}
errors.sort()
pacingErrors.sort()
firstFrames.sort()
let completed = timings.filter { $0.completed && $0.arrivals.count == expected.count }.count
let report: [String: Any] = [
    "streams": options.streams, "completed": completed, "failed_to_connect": failedToConnect,
    "frames_per_stream": expected.count, "offset_error_ms_p50": percentile(errors, 50),
    "offset_error_ms_p99": percentile(errors, 99),
    "offset_error_ms_max": errors.last ?? -1,
    "pacing_error_ms_p50": percentile(pacingErrors, 50), "pacing_error_ms_p99": percentile(pacingErrors, 99),
    "first_frame_ms_p50": percentile(firstFrames, 50), "first_frame_ms_p99": percentile(firstFrames, 99),
    "seconds_to_open_all": Double(allOpenAfter.components.seconds) + Double(allOpenAfter.components.attoseconds) / 1e18,
    "wall_seconds": Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18,
]
let json = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
print(String(decoding: json, as: UTF8.self))
