import CassetteFormat
import Testing

@Suite("Journal, sessions and recorded sequences")
struct JournalAndSequenceTests {
    static func answer(_ text: String) -> Interaction {
        Interaction(
            request: RecordedRequest(
                method: "POST", path: "/api/v1/chat/completions",
                body: .json(try! JSONParser.parse(#"{"model":"m","messages":[{"role":"user","content":"again"}]}"#))),
            response: RecordedResponse(
                status: 200, headers: [HeaderField("content-type", "application/json")],
                body: .json(.object([("answer", .string(text))]))))
    }

    static let sequence = [answer("first"), answer("second"), answer("third")]

    func ask(
        _ port: Int, path: String = "/api/v1/chat/completions", headers: [(String, String)] = [],
        body: String = #"{"messages":[{"content":"again","role":"user"}],"model":"m","user":"volatile-123"}"#
    ) throws -> RawHTTPClient.Response {
        let client = try RawHTTPClient(port: port)
        client.send(method: "POST", path: path, body: Array(body.utf8), headers: headers)
        return try client.readResponse()
    }

    func get(_ port: Int, _ path: String, method: String = "GET") throws -> JSONValue {
        let client = try RawHTTPClient(port: port)
        client.send(method: method, path: path)
        return try json(try client.readResponse())
    }

    @Test("identical requests are answered in recorded order, then the last repeats; reset rewinds")
    func recordedOrder() async throws {
        try await TestServer.with(cassettes: [try TestServer.cassette(Self.sequence)]) { server in
            let answers = try (0..<5).map { _ in try json(try ask(server.port))["answer"]?.stringValue }
            #expect(answers == ["first", "second", "third", "third", "third"])
            _ = try get(server.port, "/__admin/reset", method: "POST")
            #expect(try json(try ask(server.port))["answer"]?.stringValue == "first")
        }
    }

    @Test("sessions keep their own positions, by path prefix or header (the same session either way)")
    func sessions() async throws {
        try await TestServer.with(cassettes: [try TestServer.cassette(Self.sequence)]) { server in
            #expect(
                try json(try ask(server.port, path: "/session/a/api/v1/chat/completions"))["answer"]?.stringValue
                    == "first")
            #expect(
                try json(try ask(server.port, path: "/session/b/v1/chat/completions"))["answer"]?.stringValue == "first"
            )
            #expect(
                try json(try ask(server.port, headers: [("X-MockRouter-Session", "a")]))["answer"]?.stringValue
                    == "second")
            #expect(try json(try ask(server.port))["answer"]?.stringValue == "first")
            let journal = try get(server.port, "/__admin/requests?session=a")["requests"]?.arrayValue ?? []
            #expect(journal.count == 2)
            #expect(journal.compactMap { $0["interaction"]?["number"]?.intValue } == [1, 2])
            _ = try get(server.port, "/__admin/reset?session=a", method: "POST")
            #expect(
                try json(try ask(server.port, headers: [("X-MockRouter-Session", "a")]))["answer"]?.stringValue
                    == "first")
            #expect(
                try json(try ask(server.port, path: "/session/b/api/v1/chat/completions"))["answer"]?.stringValue
                    == "second")
        }
    }

    @Test("the journal records time, method, path, body and which interaction answered, or why none did")
    func journal() async throws {
        let path = try TestServer.cassette(Self.sequence)
        try await TestServer.with(cassettes: [path]) { server in
            _ = try ask(server.port)
            _ = try ask(server.port, body: #"{"model":"m","messages":[{"role":"user","content":"other"}]}"#)
            let entries = try get(server.port, "/__admin/requests")["requests"]?.arrayValue ?? []
            #expect(entries.count == 2)
            let hit = entries[0]
            #expect(hit["method"]?.stringValue == "POST")
            #expect(hit["path"]?.stringValue == "/api/v1/chat/completions")
            #expect(hit["time"]?.stringValue?.hasSuffix("Z") == true)
            #expect(hit["body"]?["model"]?.stringValue == "m")
            #expect(hit["interaction"]?["cassette"]?.stringValue == path)
            #expect(hit["interaction"]?["number"]?.intValue == 1)
            #expect(hit["status"]?.intValue == 200)
            let miss = entries[1]
            #expect(miss["interaction"]?.isNull == true)
            #expect(miss["reason"]?.stringValue == "no_match")
            #expect(miss["status"]?.intValue == 404)
        }
    }

    @Test("admin health and cassettes describe what is loaded")
    func admin() async throws {
        try await TestServer.with { server in
            let health = try get(server.port, "/__admin/health")
            #expect(health["status"]?.stringValue == "ok")
            #expect((health["interactions"]?.intValue ?? 0) >= 8)
            let cassettes = try get(server.port, "/__admin/cassettes")["cassettes"]?.arrayValue ?? []
            let names = cassettes.compactMap { $0["path"]?.stringValue?.split(separator: "/").last.map(String.init) }
            #expect(names.contains("stream-tool-calls.cassette.jsonl.gz"))
            let first = try #require(cassettes.first?["interactions"]?.arrayValue?.first)
            #expect(first["number"]?.intValue == 1)
            #expect(first["method"]?.stringValue != nil)
        }
    }
}
