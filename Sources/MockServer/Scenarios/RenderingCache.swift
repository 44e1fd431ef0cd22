import CassetteFormat
import Synchronization

/// Scenario renderings by key, so a step is rendered once and then served as prepared bytes.
/// Bounded by `Limits.maxCachedRenderings` entries and `Limits.maxCachedRenderingBytes` of body
/// bytes: past either, it starts over, rather than grow with every model name, prompt size or
/// session-scoped scenario a client brings.
final class RenderingCache: Sendable {
    private let state = Mutex(State())

    private struct State {
        var entries: [String: ScenarioResponder.Rendering] = [:]
        var bytes = 0
    }

    func lookup(_ key: String) -> ScenarioResponder.Rendering? { state.withLock { $0.entries[key] } }

    func store(_ rendering: ScenarioResponder.Rendering, for key: String) {
        let size = rendering.plan.contentLength + key.utf8.count
        state.withLock { state in
            if state.entries.count >= Limits.maxCachedRenderings || state.bytes + size > Limits.maxCachedRenderingBytes
            {
                state = State()
            }
            if let replaced = state.entries.updateValue(rendering, forKey: key) {
                state.bytes -= replaced.plan.contentLength + key.utf8.count
            }
            state.bytes += size
        }
    }

    /// Forgets the renderings whose key holds `marker` (a replaced scenario's name).
    func forget(containing marker: String) {
        state.withLock { state in
            for key in state.entries.keys where key.contains(marker) {
                state.bytes -= (state.entries.removeValue(forKey: key)?.plan.contentLength ?? 0) + key.utf8.count
            }
        }
    }
}
