import CassetteFormat
import Playback

/// Compiles a response step into a `ResponseScript`: cuts text, reasoning and arguments into token
/// events, places them in time (time to first token, tokens per second, seeded jitter, pauses),
/// and fills ids, usage and finish reasons with their defaults.
public enum ScenarioCompiler {
    /// The script for `step`, the `stepIndex`-th (0-based) step of `scenario`, answering a request
    /// for `requestModel`, with `identity` as its generation id, creation time and generated
    /// tool-call ids (by default the step's placeholder identity, see `placeholderIdentity`).
    /// `usage` (from the request) fills the prompt tokens and prices the cost when the step does
    /// not fix them; without it, 12 prompt tokens at the default rate.
    public static func script(
        _ step: ResponseStep, of scenario: Scenario, stepIndex: Int, requestModel: String?,
        identity: AnswerIdentity? = nil, usage requestUsage: RequestUsage? = nil
    ) -> ResponseScript {
        var random = SeededRandom(seed: scenario.seed, UInt64(stepIndex))
        let identity = identity ?? placeholderIdentity(step, of: scenario, stepIndex: stepIndex)
        let conventions = ProviderConventions(provider: scenario.provider)
        let events = contentEvents(
            step, toolCallIDs: toolCallIDs(step, identity: identity, prefix: conventions.toolCallIDPrefix))
        let offsets = tokenOffsets(count: events.count, timing: step.timing, random: &random)
        let timed = zip(offsets, events).map { TimedEvent(offsetMs: $0, event: $1) }
        let reasoningCount = events.filter {
            switch $0 {
            case .reasoningText, .reasoningSummary, .reasoningSignature, .reasoningEncrypted: return true
            default: return false
            }
        }.count
        let finish = step.finishReason ?? (step.toolCalls.isEmpty ? "stop" : "tool_calls")
        let prompt = step.usage.promptTokens ?? requestUsage?.promptTokens ?? 12
        let completion = step.usage.completionTokens ?? events.count
        let model =
            scenario.model ?? requestModel.flatMap { $0.hasPrefix("mockrouter/") ? nil : $0 } ?? "openai/gpt-4o-mini"
        return ResponseScript(
            generationID: identity.generationID, created: identity.created,
            model: model,
            provider: scenario.provider, events: timed,
            finishReason: finish,
            nativeFinishReason: step.nativeFinishReason ?? conventions.nativeFinishReason(for: finish),
            usage: ScriptUsage(
                promptTokens: prompt, completionTokens: completion,
                reasoningTokens: step.usage.reasoningTokens ?? reasoningCount,
                cachedTokens: step.usage.cachedTokens ?? 0,
                cost: step.usage.cost
                    ?? cost(prompt: prompt, completion: completion, price: requestUsage?.prices[model])),
            keepAliveOffsetsMs: keepAliveOffsets(step.keepAlive, firstToken: offsets.first ?? step.timing.ttftMs),
            midstreamError: step.midstreamError, fault: step.fault, crlf: step.crlf, sendsDone: step.done,
            reasoningFormat: step.reasoning?.format
                ?? (step.reasoning?.text != nil ? "anthropic-claude-v1" : "openai-responses-v1"))
    }

    /// The cost reported when a step gives none: the model's catalogue price, else $1 per million
    /// tokens, prompt and completion alike.
    static func cost(prompt: Int, completion: Int, price: ModelPrice?) -> JSONValue {
        guard let price else { return .double(Double(prompt + completion) / 1_000_000) }
        return .double(Double(prompt) * price.prompt + Double(completion) * price.completion)
    }

    /// The identity a step is rendered with before any answer writes its own over it: reproducible
    /// from the scenario's seed and the step, with one tool-call tail per call the step gives no id.
    public static func placeholderIdentity(_ step: ResponseStep, of scenario: Scenario, stepIndex: Int)
        -> AnswerIdentity
    {
        var random = SeededRandom(seed: scenario.seed, UInt64(stepIndex), 0x1D)
        return IdentitySites.placeholder(toolCalls: generatedToolCallCount(step), using: &random)
    }

    /// How many of the step's tool calls get a generated id (the others name theirs).
    public static func generatedToolCallCount(_ step: ResponseStep) -> Int { step.toolCalls.count { $0.id == nil } }

    /// Each tool call's id: its own, or the prefix and the identity's next tail.
    static func toolCallIDs(_ step: ResponseStep, identity: AnswerIdentity, prefix: String) -> [String] {
        var tails = identity.toolCallTails.makeIterator()
        return step.toolCalls.map { call in call.id ?? prefix + (tails.next() ?? "") }
    }

    static func contentEvents(_ step: ResponseStep, toolCallIDs: [String]) -> [ContentEvent] {
        var events: [ContentEvent] = []
        if let reasoning = step.reasoning {
            events += TextChunker.pieces(reasoning.text ?? "", step.chunking.reasoning).map(ContentEvent.reasoningText)
            events += TextChunker.pieces(reasoning.summary ?? "", step.chunking.reasoning).map(
                ContentEvent.reasoningSummary)
            if let signature = reasoning.signature { events.append(.reasoningSignature(signature)) }
            if let encrypted = reasoning.encrypted { events.append(.reasoningEncrypted(encrypted)) }
        }
        events += TextChunker.pieces(step.text ?? "", step.chunking.text).map(ContentEvent.text)
        let calls = step.toolCalls.enumerated().map { index, call in
            (
                index: index,
                start: ContentEvent.toolCallStart(
                    index: index, id: toolCallIDs[index], name: call.name),
                fragments: TextChunker.pieces(call.arguments, .characters(step.chunking.arguments)).map {
                    ContentEvent.toolCallArguments(index: index, fragment: $0)
                }
            )
        }
        if step.interleave {
            events += calls.map(\.start)
            let longest = calls.map(\.fragments.count).max() ?? 0
            for round in 0..<longest {
                for call in calls where round < call.fragments.count { events.append(call.fragments[round]) }
            }
        } else {
            for call in calls { events += [call.start] + call.fragments }
        }
        return events
    }

    static func tokenOffsets(count: Int, timing: TimingSpec, random: inout SeededRandom) -> [Double] {
        let gap = timing.tokensPerSecond.map { 1000 / $0 } ?? 0
        var offsets: [Double] = []
        var time = timing.ttftMs
        for index in 0..<count {
            if index > 0 {
                time += max(0, gap + timing.jitterMs * random.signedUnit())
            }
            time += timing.pauses.filter { $0.after == index }.reduce(0) { $0 + $1.ms }
            offsets.append(time)
        }
        return offsets
    }

    static func keepAliveOffsets(_ keepAlive: KeepAliveSpec, firstToken: Double) -> [Double] {
        var offsets = Array(repeating: 0.0, count: keepAlive.atStart)
        if keepAlive.intervalMs > 0 {
            var time = keepAlive.intervalMs
            while time < firstToken && offsets.count < Limits.maxKeepAlives {
                offsets.append(time)
                time += keepAlive.intervalMs
            }
        }
        return offsets
    }
}
