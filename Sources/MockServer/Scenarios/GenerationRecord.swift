import CassetteFormat
import Dialects
import Foundation
import Playback
import Synchronization

/// What `GET /api/v1/generation?id=` reports for one generation the mock served, consistent with
/// the usage and cost it sent.
struct GenerationRecord: Sendable {
    private(set) var id: String
    let model: String
    /// `nil` when a replayed recording names none.
    let provider: String?
    private(set) var created: Int
    let promptTokens: Int
    let completionTokens: Int
    let reasoningTokens: Int
    let cachedTokens: Int
    let cost: JSONValue
    let streamed: Bool
    let finishReason: String
    let nativeFinishReason: String
    let apiType: String
    let generationTimeMs: Int

    init(script: ResponseScript, streamed: Bool) {
        id = script.generationID
        model = script.model
        provider = script.provider
        created = script.created
        promptTokens = script.usage.promptTokens
        completionTokens = script.usage.completionTokens
        reasoningTokens = script.usage.reasoningTokens
        cachedTokens = script.usage.cachedTokens
        cost = script.usage.cost
        self.streamed = streamed
        finishReason = script.midstreamError == nil ? script.finishReason : "error"
        nativeFinishReason = script.midstreamError == nil ? script.nativeFinishReason : "error"
        apiType = "completions"
        generationTimeMs = Saturating.int(script.lastTokenMs.rounded())
    }

    /// A replayed recording's generation, as one replay served it (`identity`: its id and time).
    init(replayed recorded: RecordedGeneration, identity: AnswerIdentity) {
        id = identity.generationID
        model = recorded.model
        provider = recorded.provider
        created = identity.created
        promptTokens = recorded.promptTokens
        completionTokens = recorded.completionTokens
        reasoningTokens = recorded.reasoningTokens
        cachedTokens = recorded.cachedTokens
        cost = recorded.cost
        streamed = recorded.streamed
        finishReason = recorded.finishReason
        nativeFinishReason = recorded.nativeFinishReason
        apiType = "completions"
        generationTimeMs = recorded.generationTimeMs
    }

    /// The same generation as one answer served it, with that answer's id and creation time.
    func stamped(_ identity: AnswerIdentity) -> GenerationRecord {
        var record = self
        record.id = identity.generationID
        record.created = identity.created
        return record
    }

    var jsonValue: JSONValue {
        .object([
            (
                "data",
                .object([
                    ("id", .string(id)), ("upstream_id", .null), ("total_cost", cost), ("cache_discount", .null),
                    ("upstream_inference_cost", .null), ("created_at", .string(GenerationRecord.isoDate(created))),
                    ("model", .string(model)),
                    ("app_id", .null), ("streamed", .bool(streamed)), ("cancelled", .bool(false)),
                    ("provider_name", provider.map(JSONValue.string) ?? .null),
                    ("latency", .int(max(1, generationTimeMs))), ("moderation_latency", .null),
                    ("generation_time", .int(generationTimeMs)),
                    ("finish_reason", .string(finishReason)), ("native_finish_reason", .string(nativeFinishReason)),
                    ("tokens_prompt", .int(promptTokens)), ("tokens_completion", .int(completionTokens)),
                    ("native_tokens_prompt", .int(promptTokens)), ("native_tokens_completion", .int(completionTokens)),
                    ("native_tokens_completion_images", .int(0)), ("native_tokens_reasoning", .int(reasoningTokens)),
                    ("native_tokens_cached", .int(cachedTokens)), ("num_media_prompt", .null),
                    ("num_input_audio_prompt", .null),
                    ("num_media_completion", .int(0)), ("num_search_results", .int(0)), ("num_fetches", .int(0)),
                    ("origin", .string("")),
                    ("is_byok", .bool(false)), ("api_type", .string(apiType)),
                ])
            )
        ])
    }

    static func isoDate(_ seconds: Int) -> String {
        Date(timeIntervalSince1970: TimeInterval(seconds)).formatted(Date.ISO8601FormatStyle())
    }
}
