import CassetteFormat
import Foundation
import Testing

@Suite("Scenarios over a socket")
struct ScenarioServingTests {
    static let chatBody = #"{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"stream":true}"#

    /// How many scenarios the bundled folder holds.
    static let bundledCount =
        (try? FileManager.default.contentsOfDirectory(atPath: TestServer.bundledScenarios))?.filter {
            $0.hasSuffix(".yaml")
        }.count ?? -1

    func post(
        _ port: Int, _ path: String = "/api/v1/chat/completions", body: String = chatBody,
        headers: [(String, String)] = []
    ) throws -> RawHTTPClient.Response {
        let client = try RawHTTPClient(port: port)
        client.send(method: "POST", path: path, body: Array(body.utf8), headers: headers)
        return try client.readResponse()
    }

    func get(_ port: Int, _ path: String) throws -> RawHTTPClient.Response {
        let client = try RawHTTPClient(port: port)
        client.send(method: "GET", path: path)
        return try client.readResponse()
    }

    func addScenario(_ port: Int, _ yaml: String) throws -> RawHTTPClient.Response {
        try post(port, "/__admin/scenarios", body: yaml, headers: [("Content-Type", "application/yaml")])
    }

    @Test("a scenario is selected by header, by base URL, and by model mockrouter/NAME")
    func selection() async throws {
        try await TestServer.with(cassettes: [], scenarios: [TestServer.bundledScenarios]) { server in
            let byHeader = try post(server.port, headers: [("X-MockRouter-Scenario", "hello")])
            let byPath = try post(server.port, "/scenario/hello/api/v1/chat/completions")
            let byModel = try post(server.port, body: #"{"model":"mockrouter/hello","messages":[],"stream":true}"#)
            for response in [byHeader, byPath, byModel] {
                #expect(response.status == 200)
                #expect(response.header("content-type") == "text/event-stream")
                #expect(response.text.hasSuffix("data: [DONE]\n\n"))
            }
            #expect(byHeader.textWithoutIdentity == byPath.textWithoutIdentity)
            #expect(byHeader.generationIDs.count == 1 && byPath.generationIDs.count == 1)
            #expect(byHeader.generationIDs != byPath.generationIDs, "each answer has its own generation id")
            #expect(byModel.text.contains(#""model":"openai/gpt-4o-mini""#))
        }
    }

    @Test("naming an unknown scenario lists the known ones")
    func unknown() async throws {
        try await TestServer.with(cassettes: [], scenarios: [TestServer.bundledScenarios]) { server in
            for response in [
                try post(server.port, "/scenario/nope/api/v1/chat/completions"),
                try post(server.port, body: #"{"model":"mockrouter/nope","messages":[]}"#),
            ] {
                #expect(response.status == 404)
                let message = try json(response)["error"]?["message"]?.stringValue ?? ""
                #expect(
                    message.hasPrefix(
                        "MockRouter: unknown scenario \"nope\"; known scenarios: broken-framing, content-filter, credits-exhausted"
                    ))
                #expect(
                    try json(response)["error"]?["metadata"]?["known_scenarios"]?.arrayValue?.count == Self.bundledCount
                )
            }
        }
    }

    @Test("steps advance per session: 429, 429, then success; another session starts over; reset rewinds")
    func sequences() async throws {
        try await TestServer.with(cassettes: [], scenarios: [TestServer.bundledScenarios]) { server in
            let path = { (session: String) in "/session/\(session)/scenario/rate-limit/api/v1/chat/completions" }
            let a = try (0..<4).map { _ in try post(server.port, path("a")).status }
            #expect(a == [429, 429, 200, 200])
            #expect(try post(server.port, path("b")).status == 429)
            let limited = try post(server.port, path("c"))
            #expect(limited.header("retry-after") == "1")
            #expect(limited.header("x-ratelimit-remaining") == "0")
            _ = try post(server.port, "/__admin/reset?session=a", body: "")
            #expect(try post(server.port, path("a")).status == 429)
            #expect(try post(server.port, path("b")).status == 429)
        }
    }

    @Test("after_last: cycle starts over, error answers 400 naming the scenario")
    func afterLast() async throws {
        try await TestServer.with(cassettes: [], scenarios: []) { server in
            #expect(
                try addScenario(server.port, "name: two\nafter_last: cycle\nsteps:\n  - text: one\n  - text: two\n")
                    .status == 201)
            #expect(
                try addScenario(server.port, "name: once\nafter_last: error\nsteps:\n  - text: only\n").status == 201)
            let texts = try (0..<3).map { _ in
                try post(server.port, "/scenario/two/api/v1/chat/completions", body: #"{"messages":[]}"#)
            }
            .map { try json($0)["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue }
            #expect(texts == ["one", "two", "one"])
            #expect(try post(server.port, "/scenario/once/api/v1/chat/completions").status == 200)
            let exhausted = try post(server.port, "/scenario/once/api/v1/chat/completions")
            #expect(exhausted.status == 400)
            #expect(
                try json(exhausted)["error"]?["message"]?.stringValue?.contains("scenario \"once\" has only 1 step")
                    == true)
        }
    }

    @Test("a match rule answers unnamed requests, and a recording beats it")
    func matchRule() async throws {
        try await TestServer.with(scenarios: []) { server in
            #expect(
                try addScenario(server.port, "name: weather\nmatch: { contains: weather }\nsteps:\n  - text: Sunny.\n")
                    .status == 201)
            let matched = try post(
                server.port, body: #"{"model":"m","messages":[{"role":"user","content":"What's the weather?"}]}"#)
            #expect(try json(matched)["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue == "Sunny.")
            #expect(
                try addScenario(
                    server.port,
                    "name: everything\nmatch: { path: /api/v1/chat/completions }\nsteps:\n  - text: scripted\n"
                ).status == 201)
            let recorded = try post(
                server.port,
                body:
                    #"{"messages":[{"role":"user","content":"Say hello in five words."}],"model":"openai/gpt-4o-mini"}"#
            )
            #expect(
                try json(recorded)["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue
                    == "Hello there, how are you?")
        }
    }

    @Test("a bad scenario posted at run time gets 400 with the loader's message and changes nothing")
    func badPost() async throws {
        try await TestServer.with(cassettes: [], scenarios: [TestServer.bundledScenarios]) { server in
            let response = try addScenario(
                server.port, "name: hello\nsteps:\n  - text: hi\n    fault: { kind: explode }\n")
            #expect(response.status == 400)
            #expect(
                try json(response)["error"]?["message"]?.stringValue
                    == "POST /__admin/scenarios:4: steps[0].fault.kind: \"explode\" is not one of disconnect, reset, stall, malformed, broken_framing"
            )
            let listed = try json(try get(server.port, "/__admin/scenarios"))["scenarios"]?.arrayValue ?? []
            #expect(listed.count == Self.bundledCount)
            #expect(try post(server.port, "/scenario/hello/api/v1/chat/completions").text.contains("data: [DONE]"))
        }
    }

    @Test("a scenario that cannot be rendered in the asked dialect gets a clear 400")
    func notRenderable() async throws {
        try await TestServer.with(cassettes: [], scenarios: [TestServer.bundledScenarios]) { server in
            let response = try post(
                server.port, "/scenario/tool-call/api/v1/completions", body: #"{"model":"m","prompt":"hi"}"#)
            #expect(response.status == 400)
            #expect(
                try json(response)["error"]?["message"]?.stringValue?.contains(
                    "cannot be rendered as /api/v1/completions: it has tool calls") == true)
        }
    }

    @Test("GET /generation answers for a served generation with the usage and cost that were streamed")
    func generation() async throws {
        try await TestServer.with(cassettes: [], scenarios: [TestServer.bundledScenarios]) { server in
            let stream = try post(server.port, "/scenario/hello/api/v1/chat/completions")
            let id = try #require(stream.header("x-generation-id"))
            let usage = try #require(dataChunks(stream).last?["usage"])
            let record = try json(try get(server.port, "/api/v1/generation?id=\(id)"))["data"]
            #expect(record?["id"]?.stringValue == id)
            #expect(record?["total_cost"] == usage["cost"])
            #expect(record?["tokens_prompt"] == usage["prompt_tokens"])
            #expect(record?["tokens_completion"] == usage["completion_tokens"])
            #expect(record?["streamed"]?.boolValue == true)
            #expect(try get(server.port, "/api/v1/generation?id=gen-0-unknown").status == 404)
            let credits = try json(try get(server.port, "/api/v1/credits"))["data"]
            #expect(credits?["total_usage"]?.doubleValue == usage["cost"]?.doubleValue)
        }
    }

    @Test("the bundled catalogue answers /models, /endpoints and /key when no cassette does")
    func catalogue() async throws {
        try await TestServer.with(cassettes: [], scenarios: []) { server in
            let models = try json(try get(server.port, "/api/v1/models"))["data"]?.arrayValue ?? []
            let ids = models.compactMap { $0["id"]?.stringValue }
            #expect(ids.contains("anthropic/claude-sonnet-4.5"))
            let endpoints = try json(try get(server.port, "/api/v1/models/openai/gpt-4o-mini/endpoints"))["data"]
            #expect(endpoints?["endpoints"]?.arrayValue?.first?["model_id"]?.stringValue == "openai/gpt-4o-mini")
            #expect(try get(server.port, "/api/v1/models/acme/nothing/endpoints").status == 404)
            #expect(try json(try get(server.port, "/v1/key"))["data"]?["limit_remaining"] != nil)
        }
    }

    @Test("wire faults as a raw client sees them")
    func faults() async throws {
        try await TestServer.with(cassettes: [], scenarios: [TestServer.bundledScenarios]) { server in
            let client = try RawHTTPClient(port: server.port)
            client.send(
                method: "POST", path: "/scenario/disconnect/api/v1/chat/completions", body: Array(Self.chatBody.utf8))
            let cut = try client.readResponse()
            #expect(cut.status == 200 && !cut.terminated && !cut.reset)
            #expect(!cut.text.contains("[DONE]") && cut.text.contains("data: {"))
            #expect(try client.isClosedByPeer())

            let resetClient = try RawHTTPClient(port: server.port)
            resetClient.send(
                method: "POST", path: "/scenario/reset/api/v1/chat/completions", body: Array(Self.chatBody.utf8))
            let reset = try resetClient.readResponse()
            #expect(reset.reset && !reset.terminated)
            #expect(dataChunks(reset).count >= 5)

            let stallClient = try RawHTTPClient(port: server.port, receiveTimeout: 1)
            stallClient.send(
                method: "POST", path: "/scenario/stall/api/v1/chat/completions", body: Array(Self.chatBody.utf8))
            #expect(throws: RawHTTPClient.ClientError.self) { _ = try stallClient.readResponse() }

            let malformed = try post(server.port, "/scenario/malformed-chunk/api/v1/chat/completions")
            let lines = malformed.text.components(separatedBy: "\n").filter { $0.hasPrefix("data: {") }
            #expect(lines.filter { (try? JSONParser.parse(String($0.dropFirst(6)))) == nil }.count == 1)
            #expect(malformed.terminated && malformed.text.hasSuffix("data: [DONE]\n\n"))
        }
    }

    @Test("a scenario based on a recording replays its frames, then cuts where the fault says")
    func recordedBase() async throws {
        let cassette = TestServer.bundledCassettes + "/stream-text.cassette.jsonl.gz"
        try await TestServer.with(cassettes: [cassette], scenarios: []) { server in
            #expect(
                try addScenario(
                    server.port, "name: by-path\nsteps:\n  - base: { cassette: \(cassette) }\n"
                ).status == 400, "a posted scenario names a loaded cassette, never a path")
            #expect(
                try addScenario(
                    server.port,
                    "name: cut\nsteps:\n  - base: { cassette: stream-text }\n    fault: { kind: disconnect, after: 3 }\n"
                ).status == 201)
            let response = try post(server.port, "/scenario/cut/api/v1/chat/completions")
            #expect(!response.terminated)
            #expect(dataChunks(response).count == 3)
            let recorded = try CassetteReader.read(path: cassette).interactions[0].response.body.wireBytes
            #expect(Array(recorded.prefix(response.body.count)) == response.body)
        }
    }

    @Test("a fault on a non-stream request announces the whole body and delivers half of it")
    func nonStreamFault() async throws {
        try await TestServer.with(cassettes: [], scenarios: [TestServer.bundledScenarios]) { server in
            let client = try RawHTTPClient(port: server.port)
            client.send(
                method: "POST", path: "/scenario/disconnect/api/v1/chat/completions",
                body: Array(#"{"model":"m","messages":[]}"#.utf8))
            let response = try client.readResponse()
            let announced = try #require(response.header("content-length").flatMap(Int.init))
            #expect(!response.terminated)
            #expect(response.body.count == announced / 2)
            #expect(try client.isClosedByPeer())
        }
    }

    @Test("pipelined requests on one connection are all answered, in order")
    func pipelining() async throws {
        try await TestServer.with(scenarios: [TestServer.bundledScenarios]) { server in
            let client = try RawHTTPClient(port: server.port)
            let hello = #"{"model":"m","messages":[],"stream":true}"#
            let recorded =
                #"{"messages":[{"role":"user","content":"Say hello in five words."}],"model":"openai/gpt-4o-mini"}"#
            var bytes: [UInt8] = []
            for (path, body) in [
                ("/scenario/hello/api/v1/chat/completions", hello), ("/api/v1/chat/completions", recorded),
                ("/scenario/hello/api/v1/chat/completions", hello),
            ] {
                bytes += Array(
                    "POST \(path) HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
                        .utf8)
            }
            client.send(bytes)
            let first = try client.readResponse()
            let second = try client.readResponse()
            let third = try client.readResponse()
            #expect(first.text.hasSuffix("data: [DONE]\n\n") && third.textWithoutIdentity == first.textWithoutIdentity)
            #expect(
                try json(second)["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue
                    == "Hello there, how are you?")
        }
    }

    @Test("a timed stall is silence on an open connection, then the stream goes on", .timeLimit(.minutes(1)))
    func timedStall() async throws {
        try await TestServer.with(cassettes: [], scenarios: []) { server in
            #expect(
                try addScenario(
                    server.port,
                    "name: pause\nsteps:\n  - text: one two three four\n    fault: { kind: stall, after: 2, stall_ms: 400 }\n"
                ).status == 201)
            let response = try post(server.port, "/scenario/pause/api/v1/chat/completions")
            #expect(response.terminated)
            let arrivals = response.chunks.map(\.arrival)
            let gaps = zip(arrivals.dropFirst(), arrivals).map { $0 - $1 }
            #expect(gaps.filter { $0 >= .milliseconds(390) }.count == 1)
            #expect(response.text.hasSuffix("data: [DONE]\n\n"))
        }
    }
}

/// The JSON `data:` chunks of a response body.
func dataChunks(_ response: RawHTTPClient.Response) -> [JSONValue] {
    response.text.components(separatedBy: "\n").compactMap { line in
        guard line.hasPrefix("data: {") else { return nil }
        return try? JSONParser.parse(String(line.dropFirst(6)))
    }
}
