import CassetteFormat
import Foundation
import Testing

/// Conversation-aware steps and per-answer identities over a socket: what a client of an agent
/// loop sees.
@Suite("Agent scenarios over a socket")
struct AgentScenarioServingTests {
    static let firstTurn =
        #"{"model":"openai/gpt-4.1","messages":[{"role":"user","content":"Weather in Paris?"}],"tools":[{"type":"function","function":{"name":"get_weather"}}]}"#

    static func secondTurn(callID: String) -> String {
        #"{"model":"openai/gpt-4.1","messages":[{"role":"user","content":"Weather in Paris?"},{"role":"assistant","content":null,"tool_calls":[{"id":""#
            + callID
            + #"","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},{"role":"tool","tool_call_id":""#
            + callID + #"","content":"18 C"}]}"#
    }

    func post(
        _ port: Int, _ path: String = "/api/v1/chat/completions", body: String, headers: [(String, String)] = []
    ) throws -> RawHTTPClient.Response {
        let client = try RawHTTPClient(port: port)
        client.send(
            method: "POST", path: path, body: Array(body.utf8),
            headers: [("Content-Type", "application/json")] + headers)
        return try client.readResponse()
    }

    func get(_ port: Int, _ path: String) throws -> RawHTTPClient.Response {
        let client = try RawHTTPClient(port: port)
        client.send(method: "GET", path: path)
        return try client.readResponse()
    }

    @Test("the bundled tool-call scenario ends its loop: the tool call, then text once the result is back")
    func toolLoopEnds() async throws {
        try await TestServer.with(cassettes: [], scenarios: [TestServer.bundledScenarios]) { server in
            let scenario = [("X-MockRouter-Scenario", "tool-call")]
            for _ in 0..<3 {
                let call = try json(try post(server.port, body: Self.firstTurn, headers: scenario))
                let message = call["choices"]?.arrayValue?.first?["message"]
                let callID = try #require(message?["tool_calls"]?.arrayValue?.first?["id"]?.stringValue)
                #expect(callID.hasPrefix("call_") && callID.count == 29)
                let answer = try json(try post(server.port, body: Self.secondTurn(callID: callID), headers: scenario))
                #expect(
                    answer["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue
                        == "It is 18 °C and sunny in Paris.")
                #expect(answer["choices"]?.arrayValue?.first?["finish_reason"]?.stringValue == "stop")
            }
        }
    }

    @Test("every answer has its own generation id, created time and tool-call ids; /generation answers for each")
    func freshIdentity() async throws {
        try await TestServer.with(cassettes: [], scenarios: [TestServer.bundledScenarios]) { server in
            let scenario = [("X-MockRouter-Scenario", "parallel-tool-calls")]
            var generations: Set<String> = []
            var callIDs: Set<String> = []
            let before = Int(Date().timeIntervalSince1970)
            for stream in [false, true, false, true] {
                let body = Self.firstTurn.replacingOccurrences(of: #""model""#, with: #""stream":\#(stream),"model""#)
                let response = try post(server.port, body: body, headers: scenario)
                #expect(response.status == 200)
                let ids = response.generationIDs
                #expect(ids.count == 1, "one generation id throughout the answer")
                let id = try #require(ids.first)
                #expect(response.header("x-generation-id") == id)
                generations.insert(id)
                let created = response.text.matches(of: /"created":(\d+)/).map { Int($0.output.1)! }
                #expect(!created.isEmpty && Set(created).count == 1)
                #expect(created.allSatisfy { $0 >= before && $0 <= Int(Date().timeIntervalSince1970) + 1 })
                #expect(id.hasPrefix("gen-\(created[0])-"))
                let calls = Set(response.text.matches(of: /call_[A-Za-z0-9]{24}/).map { String($0.output) })
                #expect(calls.count == 2, "two parallel calls, each id the same in every chunk")
                callIDs.formUnion(calls)
                let record = try json(try get(server.port, "/api/v1/generation?id=\(id)"))
                #expect(record["data"]?["id"]?.stringValue == id)
                #expect(record["data"]?["streamed"]?.boolValue == stream)
            }
            #expect(generations.count == 4)
            #expect(callIDs.count == 8)
        }
    }

    @Test("ids: seeded gives the same ids for the same session and answer number, others for another session")
    func seededIdentity() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mockrouter-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try """
        name: seeded
        ids: seeded
        seed: 7
        steps:
          - tool_calls: [{ name: f, arguments: {} }]
        """.write(to: folder.appendingPathComponent("seeded.yaml"), atomically: true, encoding: .utf8)
        func run(session: String) async throws -> [String] {
            try await TestServer.with(cassettes: [], scenarios: [folder.path]) { server in
                try (0..<2).map { _ in
                    let response = try post(
                        server.port, body: Self.firstTurn,
                        headers: [("X-MockRouter-Scenario", "seeded"), ("X-MockRouter-Session", session)])
                    return response.textWithoutIdentity == response.text
                        ? ""
                        : String(
                            response.text.firstMatch(of: /gen-\d{10}-([A-Za-z0-9]{20})/)!.output.1)
                            + (response.text.firstMatch(of: /call_[A-Za-z0-9]{24}/).map { String($0.output) } ?? "")
                }
            }
        }
        let first = try await run(session: "a")
        let again = try await run(session: "a")
        let other = try await run(session: "b")
        #expect(first == again)
        #expect(first[0] != first[1])
        #expect(first != other)
    }

    @Test("provider Anthropic: native finish reasons end_turn / tool_use and toolu_ ids, as OpenRouter passes them on")
    func anthropicConventions() async throws {
        try await TestServer.with(cassettes: [], scenarios: []) { server in
            let yaml = """
                name: claude-tool
                provider: Anthropic
                steps:
                  - tool_calls: [{ name: get_weather, arguments: { city: Paris } }]
                  - when: { tool_result: get_weather }
                    text: Sunny.
                """
            let client = try RawHTTPClient(port: server.port)
            client.send(method: "POST", path: "/__admin/scenarios", body: Array(yaml.utf8))
            #expect(try client.readResponse().status == 201)
            let headers = [("X-MockRouter-Scenario", "claude-tool")]
            let call = try json(try post(server.port, body: Self.firstTurn, headers: headers))
            let choice = call["choices"]?.arrayValue?.first
            #expect(choice?["native_finish_reason"]?.stringValue == "tool_use")
            let callID = try #require(choice?["message"]?["tool_calls"]?.arrayValue?.first?["id"]?.stringValue)
            #expect(callID.hasPrefix("toolu_") && callID.count == 30)
            let text = try json(try post(server.port, body: Self.secondTurn(callID: callID), headers: headers))
            #expect(text["choices"]?.arrayValue?.first?["native_finish_reason"]?.stringValue == "end_turn")
        }
    }

    @Test("attempt: a retry of a 429 falls through to the next step; a new request gets its own 429 first")
    func attempts() async throws {
        try await TestServer.with(cassettes: [], scenarios: []) { server in
            let yaml = """
                name: flaky-agent
                steps:
                  - when: { attempt: 1 }
                    status: 429
                    headers: { Retry-After: "0" }
                    error: { message: Rate limit exceeded }
                  - tool_calls: [{ name: get_weather, arguments: { city: Paris } }]
                  - when: { tool_result: get_weather, attempt: { min: 2 } }
                    text: Sunny.
                """
            let client = try RawHTTPClient(port: server.port)
            client.send(method: "POST", path: "/__admin/scenarios", body: Array(yaml.utf8))
            #expect(try client.readResponse().status == 201)
            let headers = [("X-MockRouter-Scenario", "flaky-agent")]
            #expect(try post(server.port, body: Self.firstTurn, headers: headers).status == 429)
            let call = try json(try post(server.port, body: Self.firstTurn, headers: headers))
            let callID = try #require(
                call["choices"]?.arrayValue?.first?["message"]?["tool_calls"]?.arrayValue?.first?["id"]?.stringValue)
            #expect(try post(server.port, body: Self.secondTurn(callID: callID), headers: headers).status == 429)
            let answer = try json(try post(server.port, body: Self.secondTurn(callID: callID), headers: headers))
            #expect(answer["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue == "Sunny.")
            let otherSession = headers + [("X-MockRouter-Session", "other")]
            #expect(try post(server.port, body: Self.firstTurn, headers: otherSession).status == 429)
        }
    }

    @Test("when no step holds and none answers by position, a 400 names each step's failing predicate")
    func noStepHolds() async throws {
        try await TestServer.with(cassettes: [], scenarios: []) { server in
            let yaml = """
                name: only-after-tools
                steps:
                  - when: { last_role: tool }
                    text: done
                  - when: { turn: 3 }
                    text: three
                """
            let client = try RawHTTPClient(port: server.port)
            client.send(method: "POST", path: "/__admin/scenarios", body: Array(yaml.utf8))
            #expect(try client.readResponse().status == 201)
            let response = try post(
                server.port, body: Self.firstTurn, headers: [("X-MockRouter-Scenario", "only-after-tools")])
            #expect(response.status == 400)
            let message = try json(response)["error"]?["message"]?.stringValue ?? ""
            #expect(message.contains("step 1: last_role: the last message is from user"))
            #expect(message.contains("step 2: turn: this request is turn 1"))
            #expect(try get(server.port, "/__admin/health").status == 200)
        }
    }

    @Test(
        "a JSON body that is not an object gets OpenRouter's 400, not a near-miss 404",
        arguments: ["[]", "null", #""text""#, "1"])
    func nonObjectBody(body: String) async throws {
        try await TestServer.with(scenarios: [TestServer.bundledScenarios]) { server in
            let response = try post(server.port, body: body)
            #expect(response.status == 400)
            let message = try json(response)["error"]?["message"]?.stringValue ?? ""
            #expect(message.hasPrefix("Invalid request body: expected a JSON object"))
            #expect(try get(server.port, "/__admin/health").status == 200)
        }
    }

    @Test("/credits counts every answer, per session when the request names one")
    func creditsPerSession() async throws {
        try await TestServer.with(cassettes: [], scenarios: [TestServer.bundledScenarios]) { server in
            for session in ["a", "a", "b"] {
                let response = try post(
                    server.port, body: Self.firstTurn,
                    headers: [("X-MockRouter-Scenario", "tool-call"), ("X-MockRouter-Session", session)])
                #expect(response.status == 200)
            }
            func usage(_ path: String) throws -> Double {
                try json(try get(server.port, path))["data"]?["total_usage"]?.doubleValue ?? -1
            }
            #expect(abs(try usage("/session/a/api/v1/credits") - 0.000512) < 1e-12)
            #expect(abs(try usage("/session/b/api/v1/credits") - 0.000256) < 1e-12)
            #expect(abs(try usage("/api/v1/credits") - 0.000768) < 1e-12)
        }
    }
}

/// Usage that fits the request when a scenario does not fix it.
@Suite("Scenario usage from the request")
struct ScenarioUsageTests {
    @Test("prompt_tokens is estimated from the request and cost priced from the catalogue's model")
    func estimatedUsage() async throws {
        try await TestServer.with(cassettes: [], scenarios: []) { server in
            let yaml = "name: plain\nsteps:\n  - text: one two three\n"
            let admin = try RawHTTPClient(port: server.port)
            admin.send(method: "POST", path: "/__admin/scenarios", body: Array(yaml.utf8))
            #expect(try admin.readResponse().status == 201)
            func usage(_ content: String) throws -> JSONValue? {
                let body = #"{"model":"openai/gpt-4.1","messages":[{"role":"user","content":""# + content + #""}]}"#
                let client = try RawHTTPClient(port: server.port)
                client.send(
                    method: "POST", path: "/scenario/plain/api/v1/chat/completions", body: Array(body.utf8))
                return try json(try client.readResponse())["usage"]
            }
            // Every string under messages counts ("user" and the content), rounded up to tokens, plus 4 per message.
            let short = try #require(try usage(String(repeating: "a", count: 40)))
            let long = try #require(try usage(String(repeating: "a", count: 400)))
            #expect(short["prompt_tokens"]?.intValue == (4 + 40 + 3) / 4 + 4)
            #expect(long["prompt_tokens"]?.intValue == (4 + 400 + 3) / 4 + 4)
            #expect(short["completion_tokens"]?.intValue == 3)
            let prompt = Double(short["prompt_tokens"]?.intValue ?? 0)
            let cost = try #require(short["cost"]?.doubleValue)
            #expect(abs(cost - (prompt * 0.000002 + 3 * 0.000008)) < 1e-12, "openai/gpt-4.1 at $2/M in, $8/M out")
        }
    }
}
