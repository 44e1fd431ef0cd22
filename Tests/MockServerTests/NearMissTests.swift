import CassetteFormat
import Testing

/// One request per facet: each differs from the recording in exactly one way, and the near-miss
/// report names exactly that field.
@Suite("Near-miss reports")
struct NearMissTests {
    static let recorded =
        #"{"model":"openai/gpt-4.1","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Weather in Oslo?"}],"stream":true,"temperature":0.2,"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]}"#

    static func interaction() -> Interaction {
        Interaction(
            request: RecordedRequest(
                method: "POST", path: "/api/v1/chat/completions", body: .json(try! JSONParser.parse(recorded))),
            response: RecordedResponse(
                status: 200, headers: [HeaderField("content-type", "application/json")], body: .json(.object([]))))
    }

    @Test(
        "each facet is reported by its field",
        arguments: [
            (
                #"{"model":"openai/gpt-4o","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Weather in Oslo?"}],"stream":true,"temperature":0.2,"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]}"#,
                "model"
            ),
            (
                #"{"model":"openai/gpt-4.1","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Weather in Bergen?"}],"stream":true,"temperature":0.2,"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]}"#,
                "messages[1].content"
            ),
            (
                #"{"model":"openai/gpt-4.1","messages":[{"role":"developer","content":"Be brief."},{"role":"user","content":"Weather in Oslo?"}],"stream":true,"temperature":0.2,"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]}"#,
                "messages[0].role"
            ),
            (
                #"{"model":"openai/gpt-4.1","messages":[{"role":"user","content":"Weather in Oslo?"}],"stream":true,"temperature":0.2,"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]}"#,
                "messages"
            ),
            (
                #"{"model":"openai/gpt-4.1","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Weather in Oslo?"}],"stream":false,"temperature":0.2,"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]}"#,
                "stream"
            ),
            (
                #"{"model":"openai/gpt-4.1","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Weather in Oslo?"}],"stream":true,"temperature":0.7,"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]}"#,
                "temperature"
            ),
            (
                #"{"model":"openai/gpt-4.1","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Weather in Oslo?"}],"stream":true,"temperature":0.2,"tools":[{"type":"function","function":{"name":"get_time","parameters":{"type":"object"}}}]}"#,
                "tools"
            ),
            (
                #"{"model":"openai/gpt-4.1","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Weather in Oslo?"}],"stream":true,"temperature":0.2,"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}],"max_tokens":10}"#,
                "max_tokens"
            ),
        ])
    func facet(body: String, field: String) async throws {
        try await TestServer.with(cassettes: [try TestServer.cassette([Self.interaction()])]) { server in
            let client = try RawHTTPClient(port: server.port)
            client.send(method: "POST", path: "/api/v1/chat/completions", body: Array(body.utf8))
            let response = try client.readResponse()
            #expect(response.status == 404)
            let error = try #require(try json(response)["error"])
            #expect(error["code"]?.intValue == 404)
            #expect(
                error["message"]?.stringValue?.hasPrefix(
                    "MockRouter: no recorded interaction matches POST /api/v1/chat/completions. Closest: test.cassette.jsonl #1 (\(field)"
                ) == true,
                "\(error["message"]?.stringValue ?? "")")
            let differences = error["metadata"]?["near_misses"]?.arrayValue?.first?["differences"]?.arrayValue ?? []
            #expect(differences.compactMap { $0["field"]?.stringValue } == [field])
        }
    }

    @Test("key order, number spelling and volatile fields do not prevent a match")
    func canonicalMatch() async throws {
        let equivalent =
            #"{"user":"run-42","tools":[{"function":{"parameters":{"type":"object"},"name":"get_weather"},"type":"function"}],"temperature":2e-1,"stream":true,"messages":[{"content":"Be brief.","role":"system"},{"role":"user","content":"Weather in Oslo?"}],"model":"openai/gpt-4.1","metadata":{"trace":"x"}}"#
        try await TestServer.with(cassettes: [try TestServer.cassette([Self.interaction()])]) { server in
            let client = try RawHTTPClient(port: server.port)
            client.send(method: "POST", path: "/api/v1/chat/completions", body: Array(equivalent.utf8))
            #expect(try client.readResponse().status == 200)
        }
    }

    @Test(
        "among 5,000 recordings the index ranks, the report names the one the request differs from in one field, then others of its path"
    )
    func amongThousands() async throws {
        func body(_ city: Int, temperature: Double = 0.2) -> String {
            #"{"model":"openai/gpt-4.1","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Weather in city \#(city)?"}],"temperature":\#(temperature)}"#
        }
        let interactions = (0..<5000).map { city in
            Interaction(
                request: RecordedRequest(
                    method: "POST", path: city == 4999 ? "/api/v1/completions" : "/api/v1/chat/completions",
                    body: .json(try! JSONParser.parse(body(city)))),
                response: RecordedResponse(
                    status: 200, headers: [HeaderField("content-type", "application/json")], body: .json(.object([]))))
        }
        try await TestServer.with(cassettes: [try TestServer.cassette(interactions)]) { server in
            let client = try RawHTTPClient(port: server.port)
            for city in [0, 1234, 4998] {
                client.send(
                    method: "POST", path: "/api/v1/chat/completions", body: Array(body(city, temperature: 0.9).utf8))
                let response = try client.readResponse()
                #expect(response.status == 404)
                let misses = try json(response)["error"]?["metadata"]?["near_misses"]?.arrayValue ?? []
                #expect(misses.count == 3)
                #expect(misses.first?["interaction"]?.intValue == city + 1)
                #expect(
                    misses.first?["differences"]?.arrayValue?.compactMap { $0["field"]?.stringValue } == ["temperature"]
                )
                #expect(misses.dropFirst().allSatisfy { $0["path"]?.stringValue == "/api/v1/chat/completions" })
            }
            client.send(method: "POST", path: "/api/v1/completions", body: Array(body(4999, temperature: 0.9).utf8))
            let other = try json(try client.readResponse())["error"]?["metadata"]?["near_misses"]?.arrayValue ?? []
            #expect(other.first?["interaction"]?.intValue == 5000)
        }
    }
}
