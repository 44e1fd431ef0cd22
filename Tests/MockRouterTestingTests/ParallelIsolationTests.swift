import Foundation
import MockRouterTesting
import Testing

/// Many tests at once on the process's shared server: each has its own session, so its own
/// step counters, its own scenarios (even under one name) and its own journal.
struct ParallelIsolationTests {
    @Test(arguments: 0..<16)
    func parallelTestsShareOneServerAndStayIsolated(number: Int) async throws {
        let sequence = try Scenario("sequence") {
            ScenarioStep.error(status: 429, message: "slow down", retryAfter: 0)
            ResponseStep.text("first answer of test \(number)")
            ResponseStep.text("second answer of test \(number)")
        }
        try await withMockRouter(.shared, scenarios: [sequence]) { mock in
            let shared = try await MockRouterServer.shared
            #expect(mock.server === shared)
            let client = ChatClient(baseURL: mock.scenarioURL("sequence"))
            let first = try await client.complete("one")
            let second = try await client.stream("two")
            #expect(first == "first answer of test \(number)")
            #expect(second.text == "second answer of test \(number)")
            let requests = mock.requests()
            #expect(requests.map(\.status) == [429, 200, 200])
            #expect(requests.allSatisfy { $0.path.contains("/session/\(mock.session)/") })
        }
    }
}

/// The trait on a suite: every test in it gets its own mock, here on the shared server.
@Suite(.mockRouter(.shared))
struct TraitOnASuiteTests {
    @Test func firstTestHasItsOwnSession() async throws {
        let mock = try #require(MockRouter.current)
        _ = try await ChatClient(baseURL: mock.scenarioURL("hello")).complete("hi")
        #expect(mock.requests().count == 1)
    }

    @Test func secondTestHasItsOwnSession() async throws {
        let mock = try #require(MockRouter.current)
        #expect(mock.requests().isEmpty)
        _ = try await ChatClient(baseURL: mock.scenarioURL("hello")).stream("hi")
        _ = try await ChatClient(baseURL: mock.scenarioURL("hello")).stream("hi")
        #expect(mock.requests().count == 2)
    }

    @Test(arguments: ["tool-call", "parallel-tool-calls"])
    func eachCaseOfAParameterizedTestGetsAMock(scenario: String) async throws {
        let mock = try #require(MockRouter.current)
        let answer = try await ChatClient(baseURL: mock.scenarioURL(scenario)).stream("weather?")
        #expect(answer.toolCalls[0]?.name == "get_weather")
        #expect(mock.requests().count == 1)
    }
}

struct TraitTests {
    @Test(.mockRouter) func theTraitStartsADedicatedServer() async throws {
        let mock = try #require(MockRouter.current)
        let shared = try await MockRouterServer.shared
        #expect(mock.server !== shared)
        let answer = try await ChatClient(baseURL: mock.scenarioURL("reasoning")).stream("17 × 24?")
        #expect(answer.reasoning.hasPrefix("The user wants 17 × 24."))
        #expect(answer.text == "17 × 24 = 408.")
    }

    @Test func withoutTheTraitThereIsNoCurrentMock() {
        #expect(MockRouter.current == nil)
    }
}
