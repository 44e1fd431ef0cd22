import Foundation
import Playback
import Synchronization

/// The loaded scenarios by name, each session's position in each scenario's steps, and scenarios
/// added at run time. Files are consulted for `match` rules in name order.
public final class ScenarioLibrary: Sendable {
    private let state: Mutex<State>

    private struct State {
        var scenarios: [String: Scenario]
        var requestCounts: [String: [String: Int]] = [:]
    }

    public init(scenarios: [Scenario]) {
        state = Mutex(State(scenarios: Dictionary(scenarios.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })))
    }

    /// Every scenario, by name.
    public var all: [Scenario] { state.withLock { $0.scenarios.values.sorted { $0.name < $1.name } } }

    public var names: [String] { all.map(\.name) }

    public func scenario(named name: String) -> Scenario? { state.withLock { $0.scenarios[name] } }

    /// The first scenario (by name) whose `match` rule fits the request.
    public func matching(_ request: IncomingRequest) -> Scenario? {
        all.first { $0.match?.matches(request) ?? false }
    }

    /// Adds or replaces a scenario at run time.
    public func add(_ scenario: Scenario) {
        state.withLock { $0.scenarios[scenario.name] = scenario }
    }

    /// Counts one more request of `session` to `scenario` and returns its 1-based number.
    public func nextRequestNumber(for scenario: String, session: String) -> Int {
        state.withLock { state in
            let next = state.requestCounts[session, default: [:]][scenario, default: 0] + 1
            state.requestCounts[session, default: [:]][scenario] = next
            return next
        }
    }

    /// Rewinds the step counters of `session`, or of every session when `nil`.
    public func reset(session: String?) {
        state.withLock { state in
            if let session { state.requestCounts[session] = nil } else { state.requestCounts.removeAll() }
        }
    }

    /// Loads every scenario file named by `paths` (files, or folders searched recursively for
    /// `.yaml`, `.yml` and `.json`). A bad file or a duplicate name throws unless `skipBad` is set;
    /// then it goes to `onSkip` and is left out.
    public static func load(paths: [String], skipBad: Bool, onSkip: (ScenarioLoadError) -> Void = { _ in }) throws(ScenarioLoadError) -> ScenarioLibrary {
        var scenarios: [Scenario] = []
        for path in try scenarioFiles(in: paths) {
            do throws(ScenarioLoadError) {
                let scenario = try ScenarioLoader.load(path: path)
                if let existing = scenarios.first(where: { $0.name == scenario.name }) {
                    throw ScenarioLoadError(path: path, line: nil, key: "name", message: "\"\(scenario.name)\" is already defined in \(existing.path)")
                }
                scenarios.append(scenario)
            } catch {
                guard skipBad else { throw error }
                onSkip(error)
            }
        }
        return ScenarioLibrary(scenarios: scenarios)
    }

    static let extensions = [".yaml", ".yml", ".json"]

    public static func scenarioFiles(in paths: [String]) throws(ScenarioLoadError) -> [String] {
        var result: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ScenarioLoadError(path: path, line: nil, key: nil, message: "no such file or folder")
            }
            guard isDirectory.boolValue else { result.append(path); continue }
            let found = (FileManager.default.enumerator(atPath: path)?.allObjects as? [String] ?? [])
                .filter { name in extensions.contains { name.hasSuffix($0) } }
                .sorted()
                .map { (path as NSString).appendingPathComponent($0) }
            result.append(contentsOf: found)
        }
        return result
    }
}
