import AsyncHTTPClient
import Foundation
import MockRouterTesting
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// `withMockRouter` used as a user would: a client built on AsyncHTTPClient and EventSource
/// talking to an in-process server over a real socket.
struct WithMockRouterTests {
    @Test func streamsABundledScenario() async throws {
        try await withMockRouter { mock in
            let answer = try await ChatClient(baseURL: mock.scenarioURL("hello")).stream("hi")
            #expect(answer.text == "Hi there! How can I help you today?")
            #expect(answer.finishReason == "stop")
            #expect(mock.requests().map(\.answer) == [.scenario(name: "hello", step: 1)])
        }
    }

    @Test func retriesA429AfterRetryAfter() async throws {
        let flaky = try Scenario("flaky") {
            ScenarioStep.error(status: 429, message: "Rate limit exceeded", retryAfter: 0)
            ScenarioStep.error(status: 503, message: "No provider available", retryAfter: 0)
            ResponseStep.text("Third time lucky.")
        }
        try await withMockRouter(scenarios: [flaky]) { mock in
            let text = try await ChatClient(baseURL: mock.scenarioURL("flaky")).complete("hi")
            #expect(text == "Third time lucky.")
            #expect(mock.requests().map(\.status) == [429, 503, 200])
        }
    }

    @Test func bundledRateLimitSendsRetryAfterOne() async throws {
        try await withMockRouter { mock in
            let started = ContinuousClock.now
            let text = try await ChatClient(baseURL: mock.scenarioURL("rate-limit")).complete("hi")
            #expect(text == "Thanks for waiting! Here is your answer: yes, that works.")
            #expect(ContinuousClock.now - started >= .seconds(2))
            #expect(mock.requests().compactMap { $0.status == 429 ? $0.answer : nil }.count == 2)
        }
    }

    @Test func seesAMidstreamError() async throws {
        try await withMockRouter { mock in
            let answer = try await ChatClient(baseURL: mock.scenarioURL("midstream-error")).stream("tell me")
            #expect(answer.text == "The lighthouse keeper climbed the stairs")
            #expect(answer.error == "Provider disconnected unexpectedly")
            #expect(answer.finishReason == "error")
        }
    }

    @Test func replaysABundledCassette() async throws {
        try await withMockRouter { mock in
            let answer = try await ChatClient(baseURL: mock.baseURL).stream("Write a haiku about the sea.")
            #expect(!answer.text.isEmpty)
            let recorded = try #require(mock.requests().first)
            #expect(recorded.answer == .cassette(path: "bundled:cassettes/stream-text.cassette.jsonl.gz", number: 1))
        }
    }

    @Test func journalHasHeadersAndRedactsSecrets() async throws {
        try await withMockRouter { mock in
            var client = ChatClient(baseURL: mock.scenarioURL("hello"))
            client.apiKey = "sk-or-v1-0123456789abcdef0123456789abcdef"
            _ = try await client.stream("my key is sk-or-v1-0123456789abcdef0123456789abcdef")
            let request = try #require(mock.requests().first)
            #expect(request.method == "POST")
            #expect(request.path.hasSuffix("/scenario/hello/api/v1/chat/completions"))
            #expect(request.header("content-type") == "application/json")
            #expect(request.header("authorization") == "[REDACTED]")
            #expect(!request.text.contains("sk-or-v1-0123"))
            #expect(request.json?["stream"] == .bool(true))
        }
    }

    @Test func aMissFailsWithItsNearMissReport() async throws {
        let error = await #expect(throws: MockRouterMisses.self) {
            try await withMockRouter { mock in
                do {
                    _ = try await ChatClient(baseURL: mock.baseURL).stream("Write a haiku about the moon.")
                    Issue.record("a request that matches nothing was answered")
                } catch let error as ChatClient.APIError {
                    #expect(error.status == 404)
                }
            }
        }
        let report = try #require(error).description
        #expect(report.contains("no recorded interaction matches"))
        #expect(report.contains("Closest: stream-text.cassette.jsonl.gz #1"))
        #expect(report.contains("about the moon"))
    }

    @Test func anUnknownScenarioIsAMissThatListsTheKnownOnes() async throws {
        let error = await #expect(throws: MockRouterMisses.self) {
            try await withMockRouter { mock in
                _ = try await ChatClient(baseURL: mock.scenarioURL("helo")).complete("hi")
            }
        }
        let report = try #require(error).description
        #expect(report.contains(#"unknown scenario "helo""#))
        #expect(report.contains("hello"))
        #expect(report.contains("The test also threw: HTTP 404"))
    }

    @Test func missesCanBeAllowed() async throws {
        try await withMockRouter(reportMisses: false) { mock in
            await #expect(throws: ChatClient.APIError.self) {
                _ = try await ChatClient(baseURL: mock.scenarioURL("nope")).complete("hi")
            }
            #expect(mock.misses().count == 1)
        }
    }

    @Test func theServerStopsEvenWhenTheTestThrows() async throws {
        struct Expected: Error {}
        let port = Mutex(0)
        await #expect(throws: Expected.self) {
            try await withMockRouter { mock in
                port.withLock { $0 = mock.server.server.port }
                _ = try await ChatClient(baseURL: mock.scenarioURL("hello")).complete("hi")
                throw Expected()
            }
        }
        let stoppedPort = port.withLock { $0 }
        await #expect(throws: (any Error).self) {
            _ = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: stoppedPort).get()
        }
    }

    @Test func resetRewindsTheSessionsSteps() async throws {
        try await withMockRouter { mock in
            let client = ChatClient(baseURL: mock.scenarioURL("rate-limit"), maxRetries: 0)
            await #expect(throws: ChatClient.APIError.self) { _ = try await client.complete("hi") }
            mock.reset()
            #expect(mock.requests().isEmpty)
            await #expect(throws: ChatClient.APIError.self) { _ = try await client.complete("hi") }
            #expect(mock.requests().map(\.answer) == [.scenario(name: "rate-limit", step: 1)])
        }
    }

    @Test func aWireFaultCutsTheStream() async throws {
        let cut = try Scenario("cut") {
            ResponseStep.text("one two three four five six").fault(.disconnect, after: 2)
        }
        try await withMockRouter(scenarios: [cut]) { mock in
            await #expect(throws: (any Error).self) {
                _ = try await ChatClient(baseURL: mock.scenarioURL("cut")).stream("hi")
            }
        }
    }

    @Test func aDedicatedServerTakesOptions() async throws {
        let options = ServerOptions(cassettes: .none, scenarios: .none, requiredKey: "right-key")
        try await withMockRouter(.dedicated(options)) { mock in
            var client = ChatClient(baseURL: mock.baseURL)
            client.apiKey = "wrong-key"
            let error = await #expect(throws: ChatClient.APIError.self) { _ = try await client.complete("hi") }
            #expect(error?.status == 401)
        }
    }
}
