// libFuzzer target: request resolution without sockets (`MockService.plan`), with the repository's
// cassettes and scenarios, as `mockrouter serve` loads them. Each input is up to four requests to
// one fresh service (so that a crash reproduces from its input alone), in this layout:
//
//   flags                 bits 0-1: requests - 1; bit 2: --require-key sk-fuzz and --admin-token
//                         fuzz-token; bit 3: --max-sessions 2 and a 256-byte journal
//   per request:
//     method              byte: index into `methods`; the last entry reads a length-prefixed token
//     path                byte: index into `paths`, then a length-prefixed suffix appended to it
//     headers             byte: count % 5, each a name byte (index into `headerNames`; the last
//                         entry reads a length-prefixed name) and a length-prefixed value
//     body                2-byte little-endian length, then the bytes; the last request's body is
//                         the rest of the input
//
// A length prefix is one byte. Running out of input ends the field early (missing bytes are zero).
// Bytes no HTTP parser would pass on (controls and spaces in the target and in header names;
// CR, LF and NUL in header values) are dropped. `Fuzz/make_seeds.py` writes inputs in this layout.
import CassetteFormat
import Foundation
import Logging
import MockRouterTesting  // re-exports Scenarios and Playback, which are not products
import MockServer
import NIOCore

let methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "post", "<token>"]
let paths = [
    "/api/v1/chat/completions", "/api/v1/completions", "/api/v1/responses", "/api/v1/messages",
    "/api/v1/embeddings", "/api/v1/models", "/api/v1/models/", "/api/v1/models/user", "/api/v1/key",
    "/api/v1/auth/key", "/api/v1/credits", "/api/v1/generation", "/api/v1/providers", "/api/v1/",
    "/v1/chat/completions", "/v1/messages", "/v1/", "/session/", "/session/X/api/v1/chat/completions",
    "/session/X/scenario/hello/api/v1/messages", "/session/X/scenario/", "/scenario/",
    "/scenario/hello/api/v1/chat/completions", "/scenario/rate-limit/v1/chat/completions",
    "/scenario/midstream-error/api/v1/responses", "/__admin/health", "/__admin/requests",
    "/__admin/requests?session=x", "/__admin/reset", "/__admin/reset?session=x", "/__admin/cassettes",
    "/__admin/scenarios", "/__admin/scenarios?session=x", "/__admin/", "/", "",
]
let headerNames = [
    "content-type", "authorization", "x-api-key", "x-mockrouter-scenario", "x-mockrouter-session", "accept",
    "content-length", "x-title", "<token>",
]

/// The repository's root, found from this file's path (Fuzz/Sources/FuzzResolution/FuzzResolution.swift).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

/// Loaded once, before the first input.
let catalog: CassetteCatalog = {
    do {
        return try CassetteCatalog.load(
            paths: [repositoryRoot.appendingPathComponent("cassettes").path], skipBad: false)
    } catch {
        fatalError("FuzzResolution: cannot load the bundled cassettes: \(error)")
    }
}()
let scenarios: [Scenario] = {
    do {
        return try ScenarioLibrary.load(
            paths: [repositoryRoot.appendingPathComponent("scenarios").path], skipBad: false
        ).all
    } catch {
        fatalError("FuzzResolution: cannot load the bundled scenarios: \(error)")
    }
}()
let silent = Logger(label: "fuzz", factory: { _ in SwiftLogNoOpLogHandler() })
/// `FUZZ_VERBOSE=1` prints each decoded request and its answer's status, to check seeds and read crashes.
let verbose = ProcessInfo.processInfo.environment["FUZZ_VERBOSE"] == "1"

struct Reader {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    var atEnd: Bool { index >= bytes.count }

    mutating func byte() -> UInt8 {
        guard index < bytes.count else { return 0 }
        defer { index += 1 }
        return bytes[index]
    }

    mutating func take(_ count: Int) -> [UInt8] {
        let n = max(0, min(count, bytes.count - index))
        defer { index += n }
        return Array(bytes[index..<(index + n)])
    }

    mutating func short() -> [UInt8] { take(Int(byte())) }

    mutating func rest() -> [UInt8] { take(bytes.count - index) }
}

func text(_ bytes: [UInt8], dropping drop: (UInt8) -> Bool) -> String {
    String(decoding: bytes.filter { !drop($0) }, as: UTF8.self)
}

func isControlOrSpace(_ byte: UInt8) -> Bool { byte <= 0x20 || byte == 0x7F }
func isLineBreakOrNul(_ byte: UInt8) -> Bool { byte == 0x0A || byte == 0x0D || byte == 0x00 }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var reader = Reader(bytes: UnsafeBufferPointer(start: data, count: size))
    let flags = reader.byte()
    let requestCount = Int(flags & 3) + 1

    var configuration = ServerConfiguration(threads: 1)
    if flags & 4 != 0 {
        configuration.requiredKey = "sk-fuzz"
        configuration.adminToken = "fuzz-token"
    }
    if flags & 8 != 0 {
        configuration.maxSessions = 2
        configuration.journalBytes = 256
    }
    let service = MockService(
        configuration: configuration, catalog: catalog, scenarios: ScenarioLibrary(scenarios: scenarios),
        logger: silent)

    for number in 1...requestCount {
        var method = methods[Int(reader.byte()) % methods.count]
        if method == "<token>" {
            method = text(reader.short(), dropping: isControlOrSpace)
            if method.isEmpty { method = "GET" }
        }
        let base = paths[Int(reader.byte()) % paths.count]
        let target = base + text(reader.short(), dropping: isControlOrSpace)
        var headers: [(String, String)] = []
        for _ in 0..<(Int(reader.byte()) % 5) {
            var name = headerNames[Int(reader.byte()) % headerNames.count]
            if name == "<token>" {
                name = text(reader.short(), dropping: { isControlOrSpace($0) || $0 == UInt8(ascii: ":") })
                if name.isEmpty { name = "x-fuzz" }
            }
            headers.append((name, text(reader.short(), dropping: isLineBreakOrNul)))
        }
        let body: [UInt8]
        if number == requestCount {
            body = reader.rest()
        } else {
            let length = Int(reader.byte()) | Int(reader.byte()) << 8
            body = reader.take(length)
        }

        guard let plan = service.plan(method: method, target: target, headers: headers, body: body) else {
            fatalError("FuzzResolution: a replay-mode service forwarded \(method) \(target)")
        }
        if verbose {
            let shownHeaders = headers.map { "\($0.0): \($0.1)" }.joined(separator: "; ")
            print(
                "request \(number)/\(requestCount): \(method) \(target) [\(shownHeaders)] body \(body.count) bytes → \(plan.status)"
            )
        }
        check(plan, "\(method) \(target)")
    }
    _ = service.requests(session: nil).count
    return 0
}

func check(_ plan: PlaybackPlan, _ request: @autoclosure () -> String) {
    precondition((100...999).contains(plan.status), "FuzzResolution: status \(plan.status) for \(request())")
    var total = 0
    for step in plan.steps {
        switch step {
        case .bytes(let buffer, let offset):
            total += buffer.readableBytes
            precondition(offset.isFinite && offset >= 0, "FuzzResolution: offset \(offset) for \(request())")
        case .pause(let ms):
            precondition(ms.isFinite && ms >= 0, "FuzzResolution: pause \(ms) for \(request())")
        case .fault:
            break
        }
    }
    var joined = 0
    for step in plan.coalescedSteps {
        if case .bytes(let buffer, _) = step { joined += buffer.readableBytes }
    }
    precondition(
        joined == total, "FuzzResolution: coalesced steps hold \(joined) bytes, steps \(total), for \(request())")
    _ = plan.contentLength
    for (name, value) in plan.headers { _ = name.utf8.count + value.utf8.count }
}
