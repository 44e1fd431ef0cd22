import AsyncHTTPClient
import MockRouterTesting
import NIOCore
import Testing

// The README's Swift Testing quickstart, kept here verbatim so it compiles and passes.
func weatherScenario() throws -> Scenario {
    try Scenario("weather", model: "openai/gpt-4.1") {
        ScenarioStep.error(status: 429, message: "Rate limit exceeded", retryAfter: 0)
        ResponseStep.toolCall("get_weather", arguments: ["city": "Paris"])
    }
}

struct WeatherClientTests {
    @Test(.mockRouter(scenarios: { [try weatherScenario()] }))
    func rateLimitThenToolCall() async throws {
        let mock = try #require(MockRouter.current)
        // The client under test only needs a base URL: mock.baseURL, or mock.scenarioURL(NAME).
        var request = HTTPClientRequest(url: mock.scenarioURL("weather").absoluteString + "/chat/completions")
        request.method = .POST
        request.body = .bytes(
            ByteBuffer(string: #"{"model":"openai/gpt-4.1","messages":[{"role":"user","content":"Paris?"}]}"#))

        let first = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        #expect(first.status == .tooManyRequests)
        #expect(first.headers.first(name: "retry-after") == "0")
        let second = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = String(buffer: try await second.body.collect(upTo: 1 << 20))
        #expect(body.contains(#""name":"get_weather""#))

        let sent = mock.requests()
        #expect(sent.map(\.status) == [429, 200])
        #expect(sent[1].answer == .scenario(name: "weather", step: 2))
        #expect(sent[1].json?["model"]?.stringValue == "openai/gpt-4.1")
    }
}
