/// How the provider a scenario names spells what OpenRouter passes through unchanged:
/// `native_finish_reason` (the provider's own stop reason) and the prefix of tool-call ids.
public struct ProviderConventions: Sendable, Equatable {
    /// The prefix of generated tool-call ids (`call_`, or `toolu_` for Anthropic).
    public let toolCallIDPrefix: String
    private let nativeFinishReasons: [String: String]

    /// The conventions of `provider` (OpenRouter's provider name, e.g. `Anthropic`, `Google`,
    /// `Amazon Bedrock`); providers not listed here speak OpenAI's.
    public init(provider: String) {
        let name = provider.lowercased()
        if name == "anthropic" || name == "amazon bedrock" || name == "google vertex (anthropic)" {
            toolCallIDPrefix = "toolu_"
            nativeFinishReasons = [
                "stop": "end_turn", "tool_calls": "tool_use", "length": "max_tokens", "content_filter": "refusal",
                "refusal": "refusal",
            ]
        } else if name == "google" || name == "google ai studio" || name == "google vertex" {
            toolCallIDPrefix = "tool_"
            nativeFinishReasons = [
                "stop": "STOP", "tool_calls": "STOP", "length": "MAX_TOKENS", "content_filter": "SAFETY",
                "refusal": "SAFETY",
            ]
        } else {
            toolCallIDPrefix = "call_"
            nativeFinishReasons = [:]
        }
    }

    /// The provider's own stop reason when the model refuses (`finish_reason` stays `stop`).
    public var nativeRefusalReason: String { nativeFinishReasons["refusal"] ?? "stop" }

    /// The provider's own name for `finishReason` (OpenRouter's normalized value).
    public func nativeFinishReason(for finishReason: String) -> String {
        nativeFinishReasons[finishReason] ?? finishReason
    }
}
