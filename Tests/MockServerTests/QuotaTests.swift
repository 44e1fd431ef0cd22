import CassetteFormat
import Foundation
import Scenarios
import Testing

/// Quotas: the server's (`--quota-*`) and a scenario's (`quota:`), per key or per session.
@Suite("Quotas over a socket")
struct QuotaTests {
    static let hello = #"{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"Hello there"}]}"#

    func post(_ port: Int, _ path: String = "/scenario/hello/api/v1/chat/completions", headers: [(String, String)] = [])
        throws -> RawHTTPClient.Response
    {
        let client = try RawHTTPClient(port: port)
        client.send(method: "POST", path: path, body: Array(Self.hello.utf8), headers: headers)
        return try client.readResponse()
    }

    @Test("past --quota-rpm a key gets OpenRouter's 429 with Retry-After and X-RateLimit-*; another key does not")
    func serverQuotaPerKey() async throws {
        let quota = Quota(requestsPerMinute: 2)
        try await TestServer.with(cassettes: [], scenarios: [TestServer.bundledScenarios], quota: quota) { server in
            let alice = [("Authorization", "Bearer alice")]
            #expect(try post(server.port, headers: alice).status == 200)
            #expect(try post(server.port, headers: alice).status == 200)
            let before = Date().timeIntervalSince1970 * 1000
            let refused = try post(server.port, headers: alice)
            #expect(refused.status == 429)
            #expect(try json(refused)["error"]?["message"]?.stringValue == "Rate limit exceeded: 2 requests per minute")
            #expect(try json(refused)["error"]?["metadata"]?["error_type"]?.stringValue == "rate_limit_exceeded")
            let retryAfter = try #require(refused.header("retry-after").flatMap(Int.init))
            #expect((1...60).contains(retryAfter))
            #expect(refused.header("x-ratelimit-limit") == "2" && refused.header("x-ratelimit-remaining") == "0")
            let reset = try #require(refused.header("x-ratelimit-reset").flatMap(Double.init))
            #expect(reset > before && reset <= before + 61_000)
            #expect(try post(server.port, headers: [("Authorization", "Bearer bob")]).status == 200)
            // Not an inference request: never counted, never refused.
            let models = try RawHTTPClient(port: server.port)
            models.send(method: "GET", path: "/api/v1/models", headers: alice)
            #expect(try models.readResponse().status == 200)
        }
    }

    @Test("a scenario's token quota per session, a window that resets, and POST /__admin/reset")
    func scenarioQuotaPerSession() async throws {
        try await TestServer.with(cassettes: [], scenarios: []) { server in
            // "user" and "Hello there": ⌈15 / 4⌉ + 4 = 8 prompt tokens a request; 20 admit two.
            let yaml = """
                name: metered
                quota: { tokens_per_minute: 20, per: session, window_seconds: 3 }
                steps:
                  - text: ok
                """
            let admin = try RawHTTPClient(port: server.port)
            admin.send(method: "POST", path: "/__admin/scenarios", body: Array(yaml.utf8))
            #expect(try admin.readResponse().status == 201)
            let path = "/session/a/scenario/metered/api/v1/chat/completions"
            let first = try post(server.port, path)
            #expect(first.status == 200, "\(first.status) \(first.text)")
            #expect(try post(server.port, path).status == 200)
            let refused = try post(server.port, path)
            #expect(refused.status == 429, "\(refused.text)")
            #expect(
                try json(refused)["error"]?["message"]?.stringValue
                    == "Rate limit exceeded: 20 tokens per minute (scenario metered)")
            #expect(try post(server.port, "/session/b/scenario/metered/api/v1/chat/completions").status == 200)
            try await Task.sleep(for: .milliseconds(3_100))
            #expect(try post(server.port, path).status == 200, "a new window")
            #expect(try post(server.port, path).status == 200)
            #expect(try post(server.port, path).status == 429)
            let reset = try RawHTTPClient(port: server.port)
            reset.send(method: "POST", path: "/__admin/reset")
            #expect(try reset.readResponse().status == 200)
            #expect(try post(server.port, path).status == 200)
        }
    }

    @Test(
        "bad quota: the loader names file, line and key",
        arguments: [
            (
                "name: x\nquota: {}\nsteps:\n  - text: hi\n",
                "inline.yaml:2: quota: give requests_per_minute, tokens_per_minute or both"
            ),
            (
                "name: x\nquota: { requests_per_minute: 0 }\nsteps:\n  - text: hi\n",
                "inline.yaml:2: quota.requests_per_minute: 0 is outside 1...1000000000"
            ),
            (
                "name: x\nquota: { requests_per_minute: 1, per: user }\nsteps:\n  - text: hi\n",
                "inline.yaml:2: quota.per: \"user\" is not one of key, session"
            ),
            (
                "name: x\nquota: { requests_per_minute: 1, window_seconds: 0 }\nsteps:\n  - text: hi\n",
                "inline.yaml:2: quota.window_seconds: must be from 0.1 to 3600 seconds"
            ),
        ])
    func bad(yaml: String, expected: String) {
        let error = #expect(throws: ScenarioLoadError.self) { try ScenarioLoader.load(text: yaml, path: "inline.yaml") }
        #expect(error?.description.hasPrefix(expected) == true, "\(error?.description ?? "no error")")
    }
}
