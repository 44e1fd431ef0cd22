import CassetteFormat
import Foundation
import Playback
import Testing

/// `X-MockRouter-Fault`: faults a request asks for, on cassette replays and scenario answers alike.
@Suite("X-MockRouter-Fault over a socket")
struct FaultHeaderTests {
    /// The bundled streamed-text recording, which a plain replay answers in full.
    static func streamedText() throws -> Interaction {
        try #require(
            try TestServer.bundledInteractions().first { $0.file.hasSuffix("stream-text.cassette.jsonl.gz") }?
                .interaction)
    }

    func replay(_ port: Int, _ interaction: Interaction, fault: String) throws -> RawHTTPClient.Response {
        let client = try RawHTTPClient(port: port)
        client.send(interaction.request, headers: [("X-MockRouter-Fault", fault)])
        return try client.readResponse()
    }

    func dataFrames(_ response: RawHTTPClient.Response) -> [String] {
        response.text.components(separatedBy: "\n").filter { $0.hasPrefix("data:") }
    }

    func healthy(_ port: Int) throws -> Bool {
        let client = try RawHTTPClient(port: port)
        client.send(method: "GET", path: "/__admin/health")
        return try client.readResponse().status == 200
    }

    @Test("disconnect after=2 cuts a replayed stream after two data frames, without the final chunk")
    func disconnectReplay() async throws {
        let interaction = try Self.streamedText()
        try await TestServer.with(replayIDs: .recorded) { server in
            let whole = try replay(server.port, interaction, fault: "reset; after=100000")
            #expect(whole.reset || !whole.terminated)
            let cut = try replay(server.port, interaction, fault: "disconnect; after=2")
            #expect(cut.status == 200)
            #expect(!cut.terminated)
            #expect(
                dataFrames(cut)
                    == Array(dataFrames(try replay(server.port, interaction, fault: "stall; ms=1")).prefix(2)))
        }
    }

    @Test(
        "error; status=429; retry_after=3 answers OpenRouter's 429 instead of the recording (Anthropic's on /messages)")
    func httpError() async throws {
        let interaction = try Self.streamedText()
        try await TestServer.with(scenarios: [TestServer.bundledScenarios]) { server in
            let response = try replay(server.port, interaction, fault: "error; status=429; retry_after=3")
            #expect(response.status == 429)
            #expect(response.header("retry-after") == "3")
            #expect(try json(response)["error"]?["code"]?.intValue == 429)
            #expect(try json(response)["error"]?["message"]?.stringValue == "Rate limit exceeded")
            let client = try RawHTTPClient(port: server.port)
            client.send(
                method: "POST", path: "/scenario/hello/api/v1/messages",
                body: Array(#"{"model":"m","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}"#.utf8),
                headers: [("X-MockRouter-Fault", "error; status=503")])
            let anthropic = try client.readResponse()
            #expect(anthropic.status == 503)
            #expect(try json(anthropic)["type"]?.stringValue == "error")
        }
    }

    @Test("midstream_error after=1 ends a scenario stream with the dialect's in-band error and no [DONE]")
    func midstream() async throws {
        try await TestServer.with(cassettes: [], scenarios: [TestServer.bundledScenarios]) { server in
            let client = try RawHTTPClient(port: server.port)
            client.send(
                method: "POST", path: "/scenario/hello/api/v1/chat/completions",
                body: Array(#"{"model":"m","messages":[],"stream":true}"#.utf8),
                headers: [("X-MockRouter-Fault", "midstream_error; after=1; status=502")])
            let response = try client.readResponse()
            #expect(response.status == 200)
            let frames = dataFrames(response)
            #expect(frames.count == 2)
            let error = try JSONParser.parse(String(frames[1].dropFirst(6)))
            #expect(error["error"]?["code"]?.intValue == 502)
            #expect(!response.text.contains("[DONE]"))
            #expect(response.terminated)
        }
    }

    @Test("a misbehaviour by header changes a scenario's answer, and is refused on a recording")
    func misbehaviour() async throws {
        let interaction = try Self.streamedText()
        try await TestServer.with(scenarios: [TestServer.bundledScenarios]) { server in
            let client = try RawHTTPClient(port: server.port)
            client.send(
                method: "POST", path: "/scenario/tool-call/api/v1/chat/completions",
                body: Array(#"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#.utf8),
                headers: [("X-MockRouter-Fault", "tool_unknown_name")])
            let answer = try json(try client.readResponse())
            let call = answer["choices"]?.arrayValue?.first?["message"]?["tool_calls"]?.arrayValue?.first
            #expect(call?["function"]?["name"]?.stringValue == "get_weather_v2")
            let refused = try replay(server.port, interaction, fault: "empty_response")
            #expect(refused.status == 400)
            #expect(
                try json(refused)["error"]?["message"]?.stringValue?.contains("needs a scenario's answer") == true)
            let doubled = try replay(server.port, interaction, fault: "duplicated_frame; after=3")
            let frames = dataFrames(doubled)
            #expect(frames.count == dataFrames(try replay(server.port, interaction, fault: "stall; ms=1")).count + 1)
            #expect(frames[2] == frames[3])
        }
    }

    @Test(
        "a bad header is a 400 that says what is wrong, and the server keeps serving",
        arguments: [
            ("explode", "unknown kind \"explode\"; kinds: disconnect, reset, stall"),
            ("disconnect; after=-1", "after=-1 is not a whole number in 0...1000000"),
            ("error; status=200", "status=200 is not an error status (400–599)"),
            ("error; retry_after=soon", "retry_after=soon is not whole seconds in 0...86400"),
            ("stall; ms=1e400", "ms=1e400 is not a duration in 0...86400000 ms"),
            ("stall; ms=NaN", "ms=NaN is not a duration"),
            ("reset; status=500", "status does not apply to reset"),
            ("disconnect; after", "\"after\" is not NAME=VALUE"),
        ])
    func badHeader(value: String, expected: String) async throws {
        let interaction = try Self.streamedText()
        try await TestServer.with { server in
            let response = try replay(server.port, interaction, fault: value)
            #expect(response.status == 400)
            let message = try json(response)["error"]?["message"]?.stringValue ?? ""
            #expect(message.hasPrefix("MockRouter: X-MockRouter-Fault: " + expected), "\(message)")
            #expect(try healthy(server.port))
        }
    }
}
