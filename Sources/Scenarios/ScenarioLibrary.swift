import CassetteFormat
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
        var sessions: [String: SessionState] = [:]
    }

    /// What one session has of the library: scenarios added for it alone, and its counters.
    private struct SessionState {
        /// Scenarios added for this session only, by name.
        var scenarios: [String: Scenario] = [:]
        /// Requests answered by position, per scenario.
        var positions: [String: Int] = [:]
        /// Every answer, per scenario (seeded ids count on it).
        var answers: [String: Int] = [:]
        /// How often each distinct request (path and body) was seen, by its hash.
        var attempts: [Int: Int] = [:]
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
            let own = state.sessions[session]?.scenarios ?? [:]
            return own.merging(state.scenarios, uniquingKeysWith: { mine, _ in mine }).values.sorted {
                $0.name < $1.name
            }
        }
    }

    /// A shared scenario by name.
    public func scenario(named name: String) -> Scenario? { state.withLock { $0.scenarios[name] } }

    /// The scenario `name` as `session` sees it: its own first, else the shared one.
    public func scenario(named name: String, session: String) -> Scenario? {
        state.withLock { $0.sessions[session]?.scenarios[name] ?? $0.scenarios[name] }
    }

    /// The first scenario (by name) whose `match` rule fits the request: the session's own, then the shared ones.
    public func matching(_ request: IncomingRequest, session: String = "default") -> Scenario? {
        let (own, shared) = state.withLock { state in
            (
                (state.sessions[session]?.scenarios ?? [:]).values.sorted { $0.name < $1.name },
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
                return state.sessions[session, default: SessionState()].scenarios.updateValue(
                    scenario.scoped(to: session), forKey: scenario.name) != nil
            }
            return state.scenarios.updateValue(scenario, forKey: scenario.name) != nil
        }
    }

    /// Counts one more positional request of `session` to `scenario` and returns its 1-based number.
    public func nextRequestNumber(for scenario: String, session: String) -> Int {
        state.withLock { state in
            let next = (state.sessions[session]?.positions[scenario] ?? 0) + 1
            state.sessions[session, default: SessionState()].positions[scenario] = next
            return next
        }
    }

    /// Counts one more answer of `scenario` in `session` and returns its 1-based number.
    public func nextAnswerNumber(for scenario: String, session: String) -> Int {
        state.withLock { state in
            let next = (state.sessions[session]?.answers[scenario] ?? 0) + 1
            state.sessions[session, default: SessionState()].answers[scenario] = next
            return next
        }
    }

    /// Counts one more sighting of `request` (its path and body) in `session` and returns how many
    /// times it has been seen, this one included. A session keeps at most
    /// `Limits.maxCountedRequestsPerSession` distinct requests; past that it starts counting over.
    public func nextAttempt(of request: IncomingRequest, session: String) -> Int {
        var hasher = Hasher()
        hasher.combine(request.path)
        hasher.combine(request.body)
        let key = hasher.finalize()
        return state.withLock { state in
            var counts = state.sessions[session]?.attempts ?? [:]
            if counts[key] == nil && counts.count >= Limits.maxCountedRequestsPerSession { counts.removeAll() }
            let next = (counts[key] ?? 0) + 1
            counts[key] = next
            state.sessions[session, default: SessionState()].attempts = counts
            return next
        }
    }

    /// Forgets everything kept for `session`: its counters and the scenarios added for it.
    public func forget(session: String) {
        _ = state.withLock { $0.sessions.removeValue(forKey: session) }
    }

    /// Rewinds the counters of `session`, or of every session when `nil`. Scenarios added at run
    /// time stay.
    public func reset(session: String?) {
        state.withLock { state in
            let sessions = session.map { [$0] } ?? Array(state.sessions.keys)
            for name in sessions {
                guard let scenarios = state.sessions[name]?.scenarios else { continue }
                state.sessions[name] = scenarios.isEmpty ? nil : SessionState(scenarios: scenarios)
            }
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
