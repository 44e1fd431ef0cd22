/// Runs `body` with a mock of its own: a fresh session on a dedicated in-process server (started
/// on a free port and always stopped, even when `body` throws) or on the process's shared server.
/// `scenarios` are added for this session only. When the mock could not answer a request as
/// asked (no match, unknown scenario) and `reportMisses` is set, it throws `MockRouterMisses`,
/// whose description carries the near-miss report.
///
/// ```swift
/// try await withMockRouter { mock in
///     let client = MyClient(baseURL: mock.scenarioURL("rate-limit"))
///     ...
/// }
/// ```
public func withMockRouter<T>(
    _ server: ServerChoice = .dedicated, scenarios: [Scenario] = [], reportMisses: Bool = true,
    _ body: (MockRouter) async throws -> T
) async throws -> T {
    switch server {
    case .shared:
        return try await run(
            body, on: try await MockRouterServer.shared, scenarios: scenarios, reportMisses: reportMisses)
    case .dedicated(let options):
        let server = try await MockRouterServer.start(options)
        do {
            let result = try await run(body, on: server, scenarios: scenarios, reportMisses: reportMisses)
            try await server.stop()
            return result
        } catch {
            try? await server.stop()
            throw error
        }
    }
}

private func run<T>(
    _ body: (MockRouter) async throws -> T, on server: MockRouterServer, scenarios: [Scenario], reportMisses: Bool
) async throws -> T {
    let mock = server.session()
    scenarios.forEach(mock.add)
    let result: T
    do {
        result = try await body(mock)
    } catch {
        let misses = reportMisses ? mock.misses() : []
        throw misses.isEmpty ? error : MockRouterMisses(misses: misses, testError: error)
    }
    let misses = reportMisses ? mock.misses() : []
    guard misses.isEmpty else { throw MockRouterMisses(misses: misses, testError: nil) }
    return result
}
