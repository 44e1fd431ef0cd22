import AsyncHTTPClient
import MockRouterTesting
import NIOCore
import Testing

/// `MockRouter.verdict()`: what the session's traffic says about the client.
struct VerdictTests {
    func post(_ mock: MockRouter, _ body: String, headers: [(String, String)] = []) async throws -> Int {
        var request = HTTPClientRequest(url: mock.scenarioURL("busy").absoluteString + "/chat/completions")
        request.method = .POST
        request.body = .bytes(ByteBuffer(string: body))
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }

    static func busy() throws -> Scenario {
        try Scenario("busy") {
            ScenarioStep.error(status: 429, message: "Rate limit exceeded", retryAfter: 5)
            ResponseStep.text("done")
        }
    }

    @Test(.mockRouter(scenarios: { [try VerdictTests.busy()] }))
    func aClientThatRetriesAtOnceWithABadParameter() async throws {
        let mock = try #require(MockRouter.current)
        let body = #"{"model":"m","messages":[{"role":"user","content":"hi"}],"temperature":9}"#
        #expect(try await post(mock, body) == 429)
        #expect(try await post(mock, body) == 200)
        let verdict = mock.verdict()
        #expect(verdict.requests == 2)
        #expect(verdict.codes == ["invalid-request", "missing-attribution", "retry-after-ignored"])
        #expect(
            verdict.findings(atLeast: .error).map(\.code).sorted() == [
                "invalid-request", "invalid-request", "retry-after-ignored",
            ])
        #expect(verdict.findings.first { $0.code == "retry-after-ignored" }?.entries == 2)
    }

    @Test(.mockRouter(scenarios: { [try VerdictTests.busy()] }))
    func aClientThatGivesUpOnA429HasOnlyAnInfo() async throws {
        let mock = try #require(MockRouter.current)
        let body = #"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#
        #expect(try await post(mock, body, headers: [("X-Title", "tests")]) == 429)
        #expect(mock.verdict().findings(atLeast: .warning).isEmpty)
        #expect(mock.verdict().codes == ["no-retry-on-retryable"])
    }
}
