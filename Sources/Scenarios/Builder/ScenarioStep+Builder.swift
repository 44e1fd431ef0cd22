import CassetteFormat
import Playback

extension ScenarioStep {
    /// An HTTP error step with OpenRouter's error body (Anthropic's envelope on `/messages`).
    /// `retryAfter` adds `Retry-After: N` (seconds); `ttftMs` delays the answer.
    public static func error(
        status: Int, message: String, errorType: String? = nil, retryAfter: Int? = nil,
        metadata: [(String, JSONValue)] = [], headers: [(String, String)] = [], ttftMs: Double = 0
    ) -> ScenarioStep {
        let allHeaders = (retryAfter.map { [("Retry-After", String($0))] } ?? []) + headers
        return .error(
            HTTPErrorSpec(
                status: status, message: message, errorType: errorType, metadata: metadata, headers: allHeaders),
            ttftMs: ttftMs)
    }
}
