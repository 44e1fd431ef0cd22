import CassetteFormat
import Dialects
import Playback
import Scenarios
import Testing

/// Stream and non-stream always agree: the chat deltas of a stream add up to the aggregate's message.
@Suite("Stream and aggregate agree")
struct StreamAggregateAgreementTests {
    static let names = [
        "hello", "reasoning", "reasoning-encrypted", "tool-call", "parallel-tool-calls", "slow-stream", "crlf-framing",
        "keepalive-long-ttft",
    ]

    @Test("chat deltas accumulate to the aggregate message", arguments: names)
    func chat(name: String) throws {
        let scenario = try #require(try Bundled.all().first { $0.name == name })
        let stream = try ScenarioRendering.render(scenario, stepIndex: 0, dialect: .chat, stream: true, model: nil)
        let aggregate = try JSONParser.parse(
            Bundled.bytes(
                try ScenarioRendering.render(scenario, stepIndex: 0, dialect: .chat, stream: false, model: nil).plan))
        let text = String(decoding: Bundled.bytes(stream.plan), as: UTF8.self).replacingOccurrences(
            of: "\r\n", with: "\n")
        var content = ""
        var reasoning = ""
        var arguments: [Int: String] = [:]
        var names: [Int: String] = [:]
        var finish: String?
        for chunk in dataPayloads(Array(text.utf8)) {
            guard let choice = chunk["choices"]?.arrayValue?.first else { continue }
            let delta = choice["delta"]
            content += delta?["content"]?.stringValue ?? ""
            reasoning += delta?["reasoning"]?.stringValue ?? ""
            for call in delta?["tool_calls"]?.arrayValue ?? [] {
                let index = call["index"]!.intValue!
                if let name = call["function"]?["name"]?.stringValue { names[index] = name }
                arguments[index, default: ""] += call["function"]?["arguments"]?.stringValue ?? ""
            }
            if let reason = choice["finish_reason"]?.stringValue { finish = reason }
        }
        let message = try #require(aggregate["choices"]?.arrayValue?.first?["message"])
        #expect(content == (message["content"]?.stringValue ?? ""))
        #expect(reasoning == (message["reasoning"]?.stringValue ?? ""))
        let calls = message["tool_calls"]?.arrayValue ?? []
        #expect(calls.count == arguments.count)
        for call in calls {
            let index = call["index"]!.intValue!
            #expect(call["function"]?["name"]?.stringValue == names[index])
            #expect(call["function"]?["arguments"]?.stringValue == arguments[index])
        }
        #expect(finish == aggregate["choices"]?.arrayValue?.first?["finish_reason"]?.stringValue)
        #expect(stream.script?.usage.completionTokens == aggregate["usage"]?["completion_tokens"]?.intValue)
    }
}
