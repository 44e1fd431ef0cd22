import Testing

/// A Swift Testing trait that gives each test (each case of a parameterized test) its own mock:
/// `@Test(.mockRouter) func …` then `let mock = try #require(MockRouter.current)`. On a suite it
/// applies to every test in it. See `withMockRouter` for what the arguments mean.
public struct MockRouterTrait: TestTrait, SuiteTrait, TestScoping {
    let server: ServerChoice
    let scenarios: @Sendable () throws -> [Scenario]
    let reportMisses: Bool

    public var isRecursive: Bool { true }

    public func scopeProvider(for test: Test, testCase: Test.Case?) -> MockRouterTrait? {
        testCase == nil ? nil : self
    }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        try await withMockRouter(server, scenarios: try scenarios(), reportMisses: reportMisses) { mock in
            try await MockRouter.$current.withValue(mock) { try await function() }
        }
    }
}

extension Trait where Self == MockRouterTrait {
    /// A mock on a dedicated server with the bundled cassettes and scenarios.
    public static var mockRouter: Self { .mockRouter() }

    /// A mock on `server`, with `scenarios` added for the test's session.
    public static func mockRouter(
        _ server: ServerChoice = .dedicated, reportMisses: Bool = true, scenarios: [Scenario]
    ) -> Self {
        MockRouterTrait(server: server, scenarios: { scenarios }, reportMisses: reportMisses)
    }

    /// A mock on `server`, with the scenarios `scenarios` builds added for the test's session (a
    /// closure, so a scenario that does not build fails the test with the builder's error).
    public static func mockRouter(
        _ server: ServerChoice = .dedicated, reportMisses: Bool = true,
        scenarios: @escaping @Sendable () throws -> [Scenario] = { [] }
    ) -> Self {
        MockRouterTrait(server: server, scenarios: scenarios, reportMisses: reportMisses)
    }
}
