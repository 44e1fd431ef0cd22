import Foundation
import Playback
import Synchronization

/// The loaded scenarios by name, each session's position in each scenario's steps, and scenarios
/// added at run time, for every session or for one session only. Files are consulted for `match`
/// rules in name order; a session's own scenarios come before the shared ones.
public final class ScenarioLibrary: Sendable {
    private let state: Mutex<State>

    private struct State {
        var scenarios: [String: Scenario]
        /// Scenarios added for one session only, by session, then by name.
        var sessionScenarios: [String: [String: Scenario]] = [:]
        var requestCounts: [String: [String: Int]] = [:]
    }

    public init(scenarios: [Scenario]) {
        state = Mutex(
            State(scenarios: Dictionary(scenarios.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })))
    }

    /// Every shared scenario, by name.
    public var all: [Scenario] { state.withLock { $0.scenarios.values.sorted { $0.name < $1.name } } }

    public var names: [String] { all.map(\.name) }

    /// The scenarios `session` sees, by name: its own, and the shared ones it has not replaced.
    public func all(session: String) -> [Scenario] {
        state.withLock { state in
            let own = state.sessionScenarios[session] ?? [:]
            return own.merging(state.scenarios, uniquingKeysWith: { mine, _ in mine }).values.sorted {
                $0.name < $1.name
            }
        }
    }

    /// A shared scenario by name.
    public func scenario(named name: String) -> Scenario? { state.withLock { $0.scenarios[name] } }

    /// The scenario `name` as `session` sees it: its own first, else the shared one.
    public func scenario(named name: String, session: String) -> Scenario? {
        state.withLock { $0.sessionScenarios[session]?[name] ?? $0.scenarios[name] }
    }

    /// The first scenario (by name) whose `match` rule fits the request: the session's own, then the shared ones.
    public func matching(_ request: IncomingRequest, session: String = "default") -> Scenario? {
        let (own, shared) = state.withLock { state in
            (
                (state.sessionScenarios[session] ?? [:]).values.sorted { $0.name < $1.name },
                state.scenarios.values.sorted { $0.name < $1.name }
            )
        }
        return (own + shared).first { $0.match?.matches(request) ?? false }
    }

    /// Adds or replaces a scenario at run time: for every session, or for `session` only.
    /// Returns whether it replaced one of the same name in the same scope.
    @discardableResult
    public func add(_ scenario: Scenario, session: String? = nil) -> Bool {
        state.withLock { state in
            if let session {
                return state.sessionScenarios[session, default: [:]].updateValue(
                    scenario.scoped(to: session), forKey: scenario.name) != nil
            }
            return state.scenarios.updateValue(scenario, forKey: scenario.name) != nil
        }
    }

    /// Counts one more request of `session` to `scenario` and returns its 1-based number.
    public func nextRequestNumber(for scenario: String, session: String) -> Int {
        state.withLock { state in
            let next = state.requestCounts[session, default: [:]][scenario, default: 0] + 1
            state.requestCounts[session, default: [:]][scenario] = next
            return next
        }
    }

    /// Forgets everything kept for `session`: its step counters and the scenarios added for it.
    public func forget(session: String) {
        state.withLock { state in
            state.requestCounts[session] = nil
            state.sessionScenarios[session] = nil
        }
    }

    /// Rewinds the step counters of `session`, or of every session when `nil`. Scenarios added
    /// at run time stay.
    public func reset(session: String?) {
        state.withLock { state in
            if let session { state.requestCounts[session] = nil } else { state.requestCounts.removeAll() }
        }
    }

    /// Loads every scenario file named by `paths` (files, or folders searched recursively for
    /// `.yaml`, `.yml` and `.json`). A bad file or a duplicate name throws unless `skipBad` is set;
    /// then it goes to `onSkip` and is left out.
    public static func load(paths: [String], skipBad: Bool, onSkip: (ScenarioLoadError) -> Void = { _ in })
        throws(ScenarioLoadError) -> ScenarioLibrary
    {
        var scenarios: [Scenario] = []
        for path in try scenarioFiles(in: paths) {
            do throws(ScenarioLoadError) {
                let scenario = try ScenarioLoader.load(path: path)
                if let existing = scenarios.first(where: { $0.name == scenario.name }) {
                    throw ScenarioLoadError(
                        path: path, line: nil, key: "name",
                        message: "\"\(scenario.name)\" is already defined in \(existing.path)")
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
            guard isDirectory.boolValue else {
                result.append(path)
                continue
            }
            let found = (FileManager.default.enumerator(atPath: path)?.allObjects as? [String] ?? [])
                .filter { name in extensions.contains { name.hasSuffix($0) } }
                .sorted()
                .map { (path as NSString).appendingPathComponent($0) }
            result.append(contentsOf: found)
        }
        return result
    }
}
