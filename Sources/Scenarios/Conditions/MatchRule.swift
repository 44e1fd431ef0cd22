import CassetteFormat
import Playback

/// A scenario's own rule for answering requests that named no scenario and matched no cassette.
/// Every given condition must hold.
public struct MatchRule: Sendable {
    /// The API path, e.g. `/api/v1/chat/completions` (`/v1/...` is normalized).
    public var path: String?
    /// The exact request model.
    public var model: String?
    /// A substring of the last user message's text (or of `prompt` / `input`).
    public var contains: String?
    /// Predicates over the request (every one but `attempt`), as a step's `when:` has them.
    public var when: RequestCondition?

    public init(path: String? = nil, model: String? = nil, contains: String? = nil, when: RequestCondition? = nil) {
        self.path = path
        self.model = model
        self.contains = contains
        self.when = when
    }

    public func matches(_ request: IncomingRequest) -> Bool {
        if let path, APIPath.canonical(path) != request.path { return false }
        if let model, request.json?["model"]?.stringValue != model { return false }
        if let contains, !(MatchRule.lastUserText(request.json)?.contains(contains) ?? false) { return false }
        if let when, !when.holds(RequestFacts(request), attempt: 1) { return false }
        return true
    }

    /// The text of the last user message (`messages`), or `prompt`, or `input` (string or messages).
    static func lastUserText(_ body: JSONValue?) -> String? {
        guard let body else { return nil }
        if let prompt = body["prompt"]?.stringValue { return prompt }
        if let input = body["input"]?.stringValue { return input }
        let messages = body["messages"]?.arrayValue ?? body["input"]?.arrayValue ?? []
        guard let last = messages.last(where: { $0["role"]?.stringValue == "user" }) else { return nil }
        if let text = last["content"]?.stringValue { return text }
        return (last["content"]?.arrayValue ?? []).compactMap { $0["text"]?.stringValue }.joined(separator: "\n")
    }
}
