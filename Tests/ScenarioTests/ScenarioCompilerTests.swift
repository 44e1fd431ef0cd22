import Playback
import Scenarios
import Testing

@Suite("Scenario compiler")
struct ScenarioCompilerTests {
    func compile(_ yaml: String, step: Int = 0) throws -> ResponseScript {
        let loaded = try scenario(yaml)
        guard case .response(let response) = loaded.steps[step] else {
            throw ScenarioLoadError(path: "", line: nil, key: nil, message: "not a response")
        }
        return ScenarioCompiler.script(response, of: loaded, stepIndex: step, requestModel: "openai/gpt-4o-mini")
    }

    @Test("words chunking starts a piece before each space; characters chunking makes fixed pieces")
    func chunking() throws {
        let words = try compile("name: x\nsteps:\n  - text: \"Hello there, friend\"\n")
        #expect(words.events.map(\.event) == [.text("Hello"), .text(" there,"), .text(" friend")])
        let characters = try compile("name: x\nsteps:\n  - text: abcdefg\n    chunking: { text: 3 }\n")
        #expect(characters.events.map(\.event) == [.text("abc"), .text("def"), .text("g")])
    }

    @Test("time to first token, tokens per second and pauses place each token")
    func timing() throws {
        let script = try compile(
            "name: x\nsteps:\n  - text: a b c d\n    timing: { ttft_ms: 800, tokens_per_second: 20, pauses: [{ after: 2, ms: 100 }] }\n"
        )
        #expect(script.events.map(\.offsetMs) == [800, 850, 1000, 1050])
        let before = try compile(
            "name: x\nsteps:\n  - text: a b\n    timing: { ttft_ms: 100, pauses: [{ after: 0, ms: 50 }] }\n")
        #expect(before.events.map(\.offsetMs) == [150, 150])
    }

    @Test("jitter is reproducible from the seed and stays within its bound")
    func jitter() throws {
        let yaml =
            "name: x\nseed: 7\nsteps:\n  - text: a b c d e f g h\n    timing: { tokens_per_second: 10, jitter_ms: 20 }\n"
        let first = try compile(yaml).events.map(\.offsetMs)
        let second = try compile(yaml).events.map(\.offsetMs)
        #expect(first == second)
        let gaps = zip(first.dropFirst(), first).map { $0 - $1 }
        #expect(gaps.allSatisfy { (80...120).contains($0) })
        #expect(Set(gaps).count > 1)
        let other = try compile(yaml.replacingOccurrences(of: "seed: 7", with: "seed: 8")).events.map(\.offsetMs)
        #expect(other != first)
    }

    @Test("keep-alive comments at the start and every interval until the first token")
    func keepAlive() throws {
        let script = try compile(
            "name: x\nsteps:\n  - text: hi\n    keepalive: { at_start: 1, interval_ms: 1000 }\n    timing: { ttft_ms: 3000 }\n"
        )
        #expect(script.keepAliveOffsetsMs == [0, 1000, 2000])
    }

    @Test("parallel calls: sequential by default, alternating fragments when interleaved")
    func interleave() throws {
        let yaml =
            "name: x\nsteps:\n  - tool_calls: [{ name: a, arguments: { k: 1234567 }, id: c1 }, { name: b, arguments: { k: 7654321 }, id: c2 }]\n    chunking: { arguments: 6 }\n"
        let sequential = try compile(yaml).events.map(\.event)
        #expect(sequential.first == .toolCallStart(index: 0, id: "c1", name: "a"))
        #expect(sequential[4] == .toolCallStart(index: 1, id: "c2", name: "b"))
        let interleaved = try compile(
            yaml.replacingOccurrences(of: "    chunking", with: "    interleave: true\n    chunking")
        ).events.map(\.event)
        #expect(interleaved[0] == .toolCallStart(index: 0, id: "c1", name: "a"))
        #expect(interleaved[1] == .toolCallStart(index: 1, id: "c2", name: "b"))
        #expect(interleaved[2] == .toolCallArguments(index: 0, fragment: "{\"k\":1"))
        #expect(interleaved[3] == .toolCallArguments(index: 1, fragment: "{\"k\":7"))
        let calls = try compile(yaml).toolCalls
        #expect(calls.map(\.arguments) == ["{\"k\":1234567}", "{\"k\":7654321}"])
    }

    @Test("usage defaults count the token events; finish reason follows tool calls")
    func defaults() throws {
        let script = try compile("name: x\nsteps:\n  - reasoning: thinking hard\n    tool_calls: [{ name: f }]\n")
        #expect(script.usage.completionTokens == script.events.count)
        #expect(script.usage.reasoningTokens == 2)
        #expect(script.finishReason == "tool_calls")
        #expect(script.generationID.hasPrefix("gen-"))
        #expect(script.generationID.count == "gen-1790000000-".count + 20)
    }
}
