import CassetteFormat
import Foundation

/// What a recorded answer says about its generation, read once at load time: where its
/// generation id and `created` sit in the replay plan (so each replay can carry a fresh id), and
/// the model, usage and cost it reported (so `/generation?id=` can answer for a replay).
public struct RecordedGeneration: Sendable {
    /// The recorded id and `created`, located in the plan; stamping writes a fresh pair of the
    /// same lengths over them.
    public let sites: IdentitySites
    public let model: String
    /// The provider the recording names (`nil` on `/messages`, which carries none).
    public let provider: String?
    public let promptTokens: Int
    public let completionTokens: Int
    public let reasoningTokens: Int
    public let cachedTokens: Int
    public let cost: JSONValue
    public let streamed: Bool
    public let finishReason: String
    public let nativeFinishReason: String
    /// From the request's start to the answer's last byte, as recorded.
    public let generationTimeMs: Int

    /// Data frames read from the end of a stream: enough to reach the finish and usage frames in
    /// every dialect (chat: finish, usage, `[DONE]`; Messages: `message_delta`, `message_stop`;
    /// Responses: `response.completed`).
    static let closingFramesRead = 4

    /// The generation `interaction` recorded, found in `plan` (its replay plan); `nil` when the
    /// answer is not a 2xx or carries no generation id of OpenRouter's form `gen-SECONDS-TAIL`.
    public init?(interaction: Interaction, plan: PlaybackPlan) {
        let response = interaction.response
        guard (200..<300).contains(response.status) else { return nil }
        let objects = RecordedGeneration.objects(in: response.body)
        let header = response.headers.first { $0.name.lowercased() == "x-generation-id" }?.value
        guard let id = header ?? objects.lazy.compactMap(RecordedGeneration.generationID).first,
            let template = RecordedGeneration.identity(parsing: id)
        else { return nil }
        let sites = IdentitySites(locating: template, in: plan, responsesItemIDs: false)
        guard !sites.isEmpty else { return nil }
        self.sites = sites
        let envelopes = objects.map { $0["response"] ?? $0["message"] ?? $0 }
        model = envelopes.lazy.compactMap { $0["model"]?.stringValue }.first ?? ""
        provider = envelopes.lazy.compactMap { $0["provider"]?.stringValue }.first
        let usage = envelopes.reversed().lazy.compactMap { $0["usage"]?.objectValue.map(JSONValue.object) }.first
        promptTokens = RecordedGeneration.count(usage, "prompt_tokens", "input_tokens")
        completionTokens = RecordedGeneration.count(usage, "completion_tokens", "output_tokens")
        reasoningTokens =
            usage?["completion_tokens_details"]?["reasoning_tokens"]?.intValue
            ?? usage?["output_tokens_details"]?["reasoning_tokens"]?.intValue ?? 0
        cachedTokens =
            usage?["prompt_tokens_details"]?["cached_tokens"]?.intValue
            ?? usage?["input_tokens_details"]?["cached_tokens"]?.intValue
            ?? usage?["cache_read_input_tokens"]?.intValue ?? 0
        cost = usage?["cost"] ?? .int(0)
        streamed = response.body.isStream
        (finishReason, nativeFinishReason) = RecordedGeneration.finish(objects.reversed())
        generationTimeMs = Saturating.int((interaction.timing.durationMs ?? interaction.timing.ttfbMs ?? 0).rounded())
    }

    /// A fresh identity for one replay: the clock's time and a new tail as long as the recorded
    /// one, so it fits over the recorded bytes.
    public func freshIdentity(now: Date = Date(), using random: inout some RandomNumberGenerator) -> AnswerIdentity {
        AnswerIdentity(
            created: AnswerIdentity.clockSeconds(now),
            generationTail: AnswerIdentity.alphanumerics(sites.template.generationTail.count, using: &random),
            toolCallTails: [])
    }

    /// The JSON objects of a body: the body itself, or the first data frame of a stream and its
    /// last `closingFramesRead`.
    static func objects(in body: Body) -> [JSONValue] {
        switch body {
        case .json(let value):
            return [value]
        case .sse(let frames):
            let data = frames.lazy.compactMap { SSEEvent(parsing: $0.text).data }.filter { $0 != "[DONE]" }
            let chosen = Array(data.prefix(1)) + Array(data.dropFirst().suffix(closingFramesRead))
            return chosen.compactMap { try? JSONParser.parse($0) }
        default:
            return []
        }
    }

    /// The `id` of a chat or completions body or chunk, a Responses event's `response.id`, or a
    /// Messages `message_start`'s `message.id`, when it has OpenRouter's form.
    static func generationID(_ object: JSONValue) -> String? {
        let id =
            object["id"]?.stringValue ?? object["response"]?["id"]?.stringValue
            ?? object["message"]?["id"]?.stringValue
        return id.flatMap { identity(parsing: $0) == nil ? nil : $0 }
    }

    /// `gen-SECONDS-TAIL` as an identity: ten digits of seconds and an alphanumeric tail of 1 to
    /// 64 characters; `nil` for any other form.
    static func identity(parsing id: String) -> AnswerIdentity? {
        let parts = id.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "gen", parts[1].count == AnswerIdentity.createdDigits,
            parts[1].allSatisfy(\.isASCIIDigit), let created = Int(parts[1]),
            (1...64).contains(parts[2].count), parts[2].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
        else { return nil }
        return AnswerIdentity(created: created, generationTail: String(parts[2]), toolCallTails: [])
    }

    private static func count(_ usage: JSONValue?, _ name: String, _ anthropicName: String) -> Int {
        max(0, usage?[name]?.intValue ?? usage?[anthropicName]?.intValue ?? 0)
    }

    /// The finish reason and the provider's own, from the objects read last first: a choice's
    /// `finish_reason`, a Messages `stop_reason`, or a completed Responses answer's output.
    private static func finish(_ objects: some Sequence<JSONValue>) -> (String, String) {
        for object in objects {
            if let choice = object["choices"]?.arrayValue?.first, let reason = choice["finish_reason"]?.stringValue {
                return (reason, choice["native_finish_reason"]?.stringValue ?? reason)
            }
            let message = object["delta"] ?? object
            if let stop = message["stop_reason"]?.stringValue {
                let normalized = ["end_turn": "stop", "tool_use": "tool_calls", "max_tokens": "length"][stop]
                return (normalized ?? stop, stop)
            }
            let response = object["response"] ?? object
            if response["object"]?.stringValue == "response", let status = response["status"]?.stringValue {
                let calls = response["output"]?.arrayValue?.contains { $0["type"]?.stringValue == "function_call" }
                let reason = status == "incomplete" ? "length" : calls == true ? "tool_calls" : "stop"
                return (reason, status)
            }
        }
        return ("stop", "stop")
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
