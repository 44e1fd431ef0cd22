import CassetteFormat
import Playback
import Testing

/// What a replay reads from a recording at load time to carry a fresh id and answer `/generation`,
/// in each dialect's shape.
@Suite("Recorded generations")
struct RecordedGenerationTests {
    static let id = "gen-1795219201-4y75R4Mr1yD59lLzNvJT"

    func generation(_ frames: [String], headers: [HeaderField] = []) throws -> RecordedGeneration? {
        let interaction = Interaction(
            request: RecordedRequest(method: "POST", path: "/api/v1/messages"),
            response: RecordedResponse(
                status: 200, headers: headers,
                body: .sse(frames.enumerated().map { TimedFrame(offsetMs: Double($0.offset), text: $0.element) })),
            timing: Timing(ttfbMs: 10, durationMs: 250))
        return RecordedGeneration(interaction: interaction, plan: PlaybackPlan(replaying: interaction))
    }

    @Test("Anthropic Messages: the id from message_start, usage and stop_reason from message_delta")
    func messages() throws {
        let found = try #require(
            try generation([
                "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"\(Self.id)\",\"model\":\"anthropic/claude-sonnet-4.5\",\"usage\":{\"input_tokens\":0}}}\n\n",
                "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n",
                "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},\"usage\":{\"input_tokens\":21,\"output_tokens\":7,\"cache_read_input_tokens\":3,\"cost\":0.0004}}\n\n",
                "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
            ]))
        #expect(found.sites.template.generationID == Self.id)
        #expect(found.model == "anthropic/claude-sonnet-4.5" && found.provider == nil)
        #expect(found.promptTokens == 21 && found.completionTokens == 7 && found.cachedTokens == 3)
        #expect(found.cost == .double(0.0004))
        #expect(found.finishReason == "tool_calls" && found.nativeFinishReason == "tool_use")
        #expect(found.streamed && found.generationTimeMs == 250)
    }

    @Test("Responses: the id and usage from response.completed; a fresh identity replaces id and created_at")
    func responses() throws {
        let response =
            "{\"object\":\"response\",\"id\":\"\(Self.id)\",\"created_at\":1795219201,\"status\":\"completed\",\"model\":\"openai/gpt-4.1\",\"output\":[{\"type\":\"function_call\"}],\"usage\":{\"input_tokens\":9,\"output_tokens\":4,\"output_tokens_details\":{\"reasoning_tokens\":2},\"cost\":1e-05}}"
        let frames = [
            "data: {\"type\":\"response.created\",\"response\":\(response)}\n\n",
            "data: {\"type\":\"response.completed\",\"response\":\(response)}\n\n", "data: [DONE]\n\n",
        ]
        let found = try #require(try generation(frames))
        #expect(found.promptTokens == 9 && found.completionTokens == 4 && found.reasoningTokens == 2)
        #expect(found.finishReason == "tool_calls" && found.nativeFinishReason == "completed")
        var random = SeededRandom(seed: 7)
        let fresh = found.freshIdentity(using: &random)
        #expect(fresh.generationID.count == Self.id.count && fresh.generationID != Self.id)
        let interaction = Interaction(
            request: RecordedRequest(method: "POST", path: "/api/v1/responses"),
            response: RecordedResponse(
                status: 200,
                body: .sse(frames.enumerated().map { TimedFrame(offsetMs: Double($0.offset), text: $0.element) })))
        let stamped = found.sites.stamp(fresh, on: PlaybackPlan(replaying: interaction))
        let expected = frames.joined().replacingOccurrences(of: Self.id, with: fresh.generationID)
            .replacingOccurrences(of: "\"created_at\":1795219201", with: "\"created_at\":\(fresh.created)")
        let sent = stamped.steps.flatMap { step -> [UInt8] in
            if case .bytes(let buffer, _) = step { return Array(buffer.readableBytesView) }
            return []
        }
        #expect(String(decoding: sent, as: UTF8.self) == expected)
    }

    @Test("an answer without an OpenRouter generation id replays as recorded")
    func foreignID() throws {
        #expect(try generation(["data: {\"id\":\"chatcmpl-abc\",\"choices\":[]}\n\n"]) == nil)
        #expect(try generation(["data: {\"id\":\"gen-12-abc\",\"choices\":[]}\n\n"]) == nil)
        #expect(
            try generation(
                ["data: {\"id\":\"chatcmpl-abc\",\"choices\":[]}\n\n"],
                headers: [HeaderField("x-generation-id", "gen-x")])
                == nil)
    }
}
