import CassetteFormat
import Scenarios
import Testing

/// `mockrouter cassette to-scenario` reads a recorded stream with the one SSE codec, whatever its
/// line endings and `data:` spelling.
@Suite("Scenarios from recorded streams")
struct ScenarioFromInteractionTests {
    static func stream(_ ending: String, space: String) -> Interaction {
        let chunk = { (content: String) in
            "data:\(space){\"id\":\"gen-1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\(content)\"},\"finish_reason\":null}]}"
        }
        let finish =
            "data:\(space){\"id\":\"gen-1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}"
        let frames = [": OPENROUTER PROCESSING", chunk("Hello"), chunk(" there"), finish, "data:\(space)[DONE]"]
        return Interaction(
            request: RecordedRequest(
                method: "POST", path: "/api/v1/chat/completions",
                body: .json(["model": "openai/gpt-4o-mini", "stream": true])),
            response: RecordedResponse(
                status: 200,
                body: .sse(
                    frames.enumerated().map {
                        TimedFrame(offsetMs: Double($0.offset) * 10, text: $0.element + ending + ending)
                    })))
    }

    @Test(
        "LF, CRLF, CR and mixed line endings, with or without the space after data:, give the same scenario",
        arguments: [("\n", " "), ("\r\n", " "), ("\r", " "), ("\n", ""), ("\r\n", "")])
    func lineEndings(ending: String, space: String) throws {
        let yaml = try ScenarioFromInteraction.yaml(
            Self.stream(ending, space: space), name: "from-stream", cassettePath: "x.cassette.jsonl", number: 1,
            location: "from-stream.yaml")
        let scenario = try ScenarioLoader.load(text: yaml, path: "from-stream.yaml")
        guard case .response(let step) = scenario.steps[0] else {
            Issue.record("expected a response step in\n\(yaml)")
            return
        }
        #expect(step.text == "Hello there", "\(yaml)")
        #expect(step.base == nil)
    }
}
