import CassetteFormat
import Playback
import Testing

@Suite("Byte-exact replay over a socket")
struct ByteExactReplayTests {
    @Test("every bundled interaction replays its recorded status, headers and exact body bytes")
    func bundledCassettes() async throws {
        let recorded = try TestServer.bundledInteractions()
        #expect(recorded.count >= 8)
        try await TestServer.with(replayIDs: .recorded) { server in
            for (file, number, interaction) in recorded {
                let client = try RawHTTPClient(port: server.port)
                client.send(interaction.request)
                let response = try client.readResponse()
                let label = "\(file) #\(number)"
                #expect(response.status == interaction.response.status, "\(label)")
                #expect(response.body == interaction.response.body.wireBytes, "\(label)")
                #expect(response.terminated, "\(label)")
                let expectedHeaders = interaction.response.headers.filter { !PlaybackPlan.isFramingHeader($0.name) }.map
                { [$0.name.lowercased(), $0.value] }
                let servedHeaders = response.headers.filter { !PlaybackPlan.isFramingHeader($0.0) }.map {
                    [$0.0.lowercased(), $0.1]
                }
                #expect(servedHeaders == expectedHeaders, "\(label)")
                if case .sse = interaction.response.body {
                    #expect(response.header("transfer-encoding") == "chunked", "\(label)")
                } else {
                    #expect(
                        response.header("content-length") == String(interaction.response.body.wireBytes.count),
                        "\(label)")
                }
            }
        }
    }

    @Test("fresh ids (the default): each replay is the recording with a new generation id and created time")
    func freshIDs() async throws {
        let recorded = try TestServer.bundledInteractions().compactMap { file, number, interaction in
            RecordedGeneration(interaction: interaction, plan: PlaybackPlan(replaying: interaction)).map {
                (label: "\(file) #\(number)", interaction: interaction, generation: $0)
            }
        }
        #expect(recorded.count >= 6)
        try await TestServer.with { server in
            let client = try RawHTTPClient(port: server.port)
            var seen = Set<String>()
            for (label, interaction, generation) in recorded {
                for _ in 0..<2 {
                    client.send(interaction.request)
                    let response = try client.readResponse()
                    let id = try #require(response.header("x-generation-id"), "\(label)")
                    #expect(seen.insert(id).inserted, "\(label): \(id) served twice")
                    #expect(id.count == generation.sites.template.generationID.count, "\(label)")
                    let created = String(id.split(separator: "-")[1])
                    let expected = String(decoding: interaction.response.body.wireBytes, as: UTF8.self)
                        .replacingOccurrences(of: generation.sites.template.generationID, with: id)
                        .replacingOccurrences(
                            of: "\"created\":\(generation.sites.template.created)", with: "\"created\":\(created)")
                    #expect(response.text == expected, "\(label)")
                    client.send(method: "GET", path: "/api/v1/generation?id=\(id)")
                    let record = try #require(try json(client.readResponse())["data"], "\(label)")
                    #expect(record["id"]?.stringValue == id)
                    #expect(record["tokens_prompt"]?.intValue == generation.promptTokens, "\(label)")
                    #expect(record["tokens_completion"]?.intValue == generation.completionTokens, "\(label)")
                    #expect(record["total_cost"] == generation.cost, "\(label)")
                    #expect(record["streamed"]?.boolValue == interaction.response.body.isStream, "\(label)")
                }
            }
        }
    }

    @Test("the /v1 alias and a /session/ID prefix reach the same recordings")
    func aliases() async throws {
        let interaction = try #require(
            try TestServer.bundledInteractions().first { $0.file.hasSuffix("chat-completion.cassette.jsonl.gz") }?
                .interaction)
        try await TestServer.with(replayIDs: .recorded) { server in
            for path in [
                "/v1/chat/completions", "/session/alpha/api/v1/chat/completions", "/session/beta/v1/chat/completions",
            ] {
                let client = try RawHTTPClient(port: server.port)
                client.send(interaction.request, path: path)
                let response = try client.readResponse()
                #expect(response.status == 200, "\(path)")
                #expect(response.body == interaction.response.body.wireBytes, "\(path)")
            }
        }
    }

    @Test("a recording made with secrets removed matches the live request that carried them")
    func redactedRecordingMatches() async throws {
        let live =
            #"{"model":"m","messages":[{"role":"user","content":"use sk-or-v1-0123456789abcdef01"}],"tools":[{"type":"mcp","headers":{"Authorization":"Bearer t0k3n"}}]}"#
        let request = RecordedRequest(
            method: "POST", path: "/api/v1/responses", query: "key=[REDACTED]",
            body: .json(Redactor.standard.redact(try JSONParser.parse(live))))
        let interaction = Interaction(
            request: request,
            response: RecordedResponse(
                status: 200, headers: [HeaderField("content-type", "application/json")],
                body: .json(.object([("ok", .bool(true))]))))
        #expect(!JSONWriter.string(interaction.jsonValue).contains("t0k3n"))
        try await TestServer.with(cassettes: [try TestServer.cassette([interaction])]) { server in
            let client = try RawHTTPClient(port: server.port)
            client.send(
                method: "POST", path: "/api/v1/responses?key=sk-or-v1-fedcba9876543210fe", body: Array(live.utf8))
            #expect(try client.readResponse().status == 200)
        }
    }

    @Test("keep-alive: many requests on one connection, each answered in full")
    func keepAlive() async throws {
        let recorded = try TestServer.bundledInteractions()
        try await TestServer.with(replayIDs: .recorded) { server in
            let client = try RawHTTPClient(port: server.port)
            for _ in 0..<3 {
                for (_, _, interaction) in recorded {
                    client.send(interaction.request)
                    let response = try client.readResponse()
                    #expect(response.body == interaction.response.body.wireBytes)
                    #expect(response.header("connection") != "close")
                }
            }
        }
    }

    @Test("a recording that ended in a cut replays its frames and then cuts: no terminating chunk")
    func cutReplay() async throws {
        let frames = [
            "data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n",
            "data: {\"choices\":[{\"delta\":{\"content\":\"lo\"}}]}\n\n",
        ]
        let interaction = Interaction(
            request: RecordedRequest(
                method: "POST", path: "/api/v1/chat/completions",
                body: .json(try JSONParser.parse(#"{"model":"m","stream":true}"#))),
            response: RecordedResponse(
                status: 200, headers: [HeaderField("content-type", "text/event-stream")],
                body: .sse(frames.enumerated().map { TimedFrame(offsetMs: Double($0.offset), text: $0.element) })),
            outcome: .upstreamFailed(stage: .midstream, message: "upstream closed", atMs: 5))
        try await TestServer.with(cassettes: [try TestServer.cassette([interaction])]) { server in
            let client = try RawHTTPClient(port: server.port)
            client.send(interaction.request)
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.text == frames.joined())
            #expect(!response.terminated)
            #expect(try client.isClosedByPeer())
        }
    }
}
