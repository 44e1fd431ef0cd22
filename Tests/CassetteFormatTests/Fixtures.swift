import CassetteFormat
import Foundation

/// Small, realistic interactions for format tests.
enum Fixtures {
    /// The bytes an appending writer leaves: every line its own gzip member when `compressed`.
    static func appended(_ interactions: [Interaction], compressed: Bool) -> [UInt8] {
        ([header.jsonValue] + interactions.map(\.jsonValue)).flatMap { value -> [UInt8] in
            let line = CassetteWriter.encodeLine(value)
            return compressed ? Gzip.compress(line) : line
        }
    }

    static let header = CassetteHeader(
        created: "2026-11-21T00:00:00Z", tool: "mockrouter 0.1.0", origin: "test fixture")

    static func chat(_ content: String) -> Interaction {
        let request = RecordedRequest(
            method: "POST", path: "/api/v1/chat/completions",
            headers: [HeaderField("content-type", "application/json"), HeaderField("authorization", "[REDACTED]")],
            body: .json(
                try! JSONParser.parse(
                    #"{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"\#(content)"}]}"#)))
        let response = RecordedResponse(
            status: 200, headers: [HeaderField("content-type", "application/json")],
            body: .json(try! JSONParser.parse(#"{"id":"gen-1","object":"chat.completion","usage":{"cost":0.00021}}"#)))
        return Interaction(
            request: request, response: response,
            timing: Timing(started: "2026-11-21T00:00:00.000Z", ttfbMs: 120.5, durationMs: 121))
    }

    static func stream(frames: [String], outcome: Outcome = .complete) -> Interaction {
        let request = RecordedRequest(
            method: "POST", path: "/api/v1/chat/completions",
            body: .json(try! JSONParser.parse(#"{"model":"m","stream":true}"#)))
        let timed = frames.enumerated().map { TimedFrame(offsetMs: Double($0.offset) * 25.125, text: $0.element) }
        return Interaction(
            request: request,
            response: RecordedResponse(
                status: 200, headers: [HeaderField("content-type", "text/event-stream")], body: .sse(timed)),
            timing: Timing(ttfbMs: 0), outcome: outcome)
    }

    static let interactions: [Interaction] = [
        chat("one"),
        stream(frames: [
            ": OPENROUTER PROCESSING\n\n", "data: {\"choices\":[{\"delta\":{\"content\":\"Hé\"}}]}\n\n",
            "data: [DONE]\n\n",
        ]),
        chat("three"),
        stream(
            frames: ["data: {\"a\":1}\n\n", "data: {\"a\":"],
            outcome: .upstreamFailed(stage: .midstream, message: "connection reset", atMs: 40)),
    ]

    static func temporaryPath(_ name: String) -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mockrouter-tests-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent(name).path
    }
}
