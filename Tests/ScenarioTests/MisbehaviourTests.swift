import CassetteFormat
import Dialects
import Playback
import Scenarios
import Testing

/// Model misbehaviour: what each kind does to an answer, the rate's seeded draw, and what the
/// loader refuses.
@Suite("Model misbehaviour")
struct MisbehaviourTests {
    static let weatherTool: JSONValue = [
        "type": "object", "required": ["city"],
        "properties": ["city": ["type": "string"], "unit": ["type": "string", "enum": ["celsius", "fahrenheit"]]],
    ]

    /// The chat aggregate of step 1 of `yaml`, misbehaving, with `tools` offered.
    func aggregate(_ yaml: String, tools: [String: JSONValue] = [:]) throws -> JSONValue {
        let loaded = try scenario(yaml)
        let rendered = try ScenarioRendering.render(
            loaded, stepIndex: 0, dialect: .chat, stream: false, model: nil,
            misbehaviour: GoldenTests.misbehaviour(of: loaded), requestTools: tools)
        return try JSONParser.parse(Bundled.bytes(rendered.plan))
    }

    func message(_ body: JSONValue) -> JSONValue? { body["choices"]?.arrayValue?.first?["message"] }
    func finish(_ body: JSONValue) -> String? { body["choices"]?.arrayValue?.first?["finish_reason"]?.stringValue }
    func calls(_ body: JSONValue) -> [JSONValue] { message(body)?["tool_calls"]?.arrayValue ?? [] }
    func arguments(_ call: JSONValue) -> String { call["function"]?["arguments"]?.stringValue ?? "" }

    static func toolStep(_ misbehaviour: String, calls: Int = 1, provider: String = "OpenAI") -> String {
        let list = (0..<calls).map { _ in "      - { name: get_weather, arguments: { city: Paris, unit: celsius } }" }
        return "name: x\nprovider: \(provider)\nsteps:\n  - tool_calls:\n" + list.joined(separator: "\n")
            + "\n    misbehaviour: \(misbehaviour)\n"
    }

    @Test("tool_args_invalid_json: the arguments do not parse")
    func invalidJSON() throws {
        let body = try aggregate(Self.toolStep("tool_args_invalid_json"))
        let text = arguments(try #require(calls(body).first))
        #expect(text == #"{"city":"Paris","unit":"celsius""#)
        #expect((try? JSONParser.parse(text)) == nil)
        #expect(finish(body) == "tool_calls")
    }

    @Test(
        "tool_args_schema_violation breaks the request's own schema, the chosen way or the first possible",
        arguments: [
            (nil, #"{"unit":"celsius"}"#), ("missing_required", #"{"unit":"celsius"}"#),
            ("wrong_type", #"{"city":12345,"unit":"celsius"}"#),
            ("enum_value", #"{"city":"Paris","unit":"not_in_enum"}"#),
            ("extra_property", #"{"city":"Paris","unit":"celsius","unexpected_property":true}"#),
        ] as [(String?, String)])
    func schemaViolation(violation: String?, expected: String) throws {
        let kind =
            violation.map { "{ kind: tool_args_schema_violation, violation: \($0) }" }
            ?? "tool_args_schema_violation"
        let body = try aggregate(Self.toolStep(kind), tools: ["get_weather": Self.weatherTool])
        #expect(arguments(try #require(calls(body).first)) == expected)
    }

    @Test("tool_args_schema_violation without a schema for the tool adds a property")
    func schemaViolationWithoutSchema() throws {
        let body = try aggregate(Self.toolStep("tool_args_schema_violation"))
        #expect(arguments(try #require(calls(body).first)).contains(#""unexpected_property":true"#))
    }

    @Test("tool_unknown_name calls a tool the request does not offer")
    func unknownName() throws {
        let offered: [String: JSONValue] = ["get_weather": [:], "get_weather_v2": [:]]
        let body = try aggregate(Self.toolStep("tool_unknown_name"), tools: offered)
        #expect(calls(body).first?["function"]?["name"]?.stringValue == "get_weather_v3")
    }

    @Test("tool_call_id_duplicate: two calls with one id, a lone call sent twice", arguments: [1, 2])
    func duplicateIDs(count: Int) throws {
        let body = try aggregate(Self.toolStep("tool_call_id_duplicate", calls: count))
        let ids = calls(body).compactMap { $0["id"]?.stringValue }
        #expect(ids.count == 2 && Set(ids).count == 1)
    }

    @Test("length_mid_tool stops inside the arguments with finish_reason length, natively max_tokens for Anthropic")
    func lengthMidTool() throws {
        let body = try aggregate(Self.toolStep("length_mid_tool", provider: "Anthropic"))
        let text = arguments(try #require(calls(body).first))
        #expect(#"{"city":"Paris","unit":"celsius"}"#.hasPrefix(text) && text.count < 33 && !text.isEmpty)
        #expect(finish(body) == "length")
        #expect(body["choices"]?.arrayValue?.first?["native_finish_reason"]?.stringValue == "max_tokens")
    }

    @Test("empty_response, content_filter and reasoning_only")
    func contentKinds() throws {
        let empty = try aggregate("name: x\nsteps:\n  - text: never sent\n    misbehaviour: empty_response\n")
        #expect(message(empty)?["content"]?.stringValue == "" && finish(empty) == "stop")
        #expect(empty["usage"]?["completion_tokens"]?.intValue == 0)
        let filtered = try aggregate(
            "name: x\nsteps:\n  - text: one two three four five six\n    misbehaviour: content_filter\n")
        #expect(message(filtered)?["content"]?.stringValue == "one two three")
        #expect(finish(filtered) == "content_filter")
        let thinking = try aggregate(
            "name: x\nsteps:\n  - reasoning: hmm let me see\n    text: the answer\n    misbehaviour: reasoning_only\n")
        #expect(message(thinking)?["content"]?.stringValue == "")
        #expect(message(thinking)?["reasoning"]?.stringValue == "hmm let me see")
        #expect(finish(thinking) == "length")
    }

    @Test("refusal replaces the text and tool calls, in the provider's own terms")
    func refusal() throws {
        let refused = try aggregate(Self.toolStep("refusal", provider: "Anthropic"))
        #expect(message(refused)?["refusal"]?.stringValue == Misbehaviour.refusalText)
        #expect(message(refused)?["content"] == .null && calls(refused).isEmpty)
        #expect(finish(refused) == "stop")
        #expect(refused["choices"]?.arrayValue?.first?["native_finish_reason"]?.stringValue == "refusal")
        let loaded = try scenario("name: x\nsteps:\n  - text: fine\n    misbehaviour: refusal\n")
        #expect(throws: RenderError.self) {
            try ScenarioRendering.render(
                loaded, stepIndex: 0, dialect: .completions, stream: false, model: nil,
                misbehaviour: GoldenTests.misbehaviour(of: loaded))
        }
    }

    @Test("duplicated_frame sends one data frame twice in a stream and leaves the aggregate alone")
    func duplicatedFrame() throws {
        let yaml = "name: x\nsteps:\n  - text: a b c\n    misbehaviour: { kind: duplicated_frame, frame: 3 }\n"
        let loaded = try scenario(yaml)
        let plain = try ScenarioRendering.render(loaded, stepIndex: 0, dialect: .chat, stream: true, model: nil)
        let twice = try ScenarioRendering.render(
            loaded, stepIndex: 0, dialect: .chat, stream: true, model: nil,
            misbehaviour: GoldenTests.misbehaviour(of: loaded))
        let frames = dataPayloads(Bundled.bytes(plain.plan)).map(JSONWriter.string)
        let doubled = dataPayloads(Bundled.bytes(twice.plan)).map(JSONWriter.string)
        #expect(doubled.count == frames.count + 1)
        #expect(doubled[2] == frames[2] && doubled[3] == frames[2] && Array(doubled[4...]) == Array(frames[3...]))
        let aggregate = try ScenarioRendering.render(
            loaded, stepIndex: 0, dialect: .chat, stream: false, model: nil,
            misbehaviour: GoldenTests.misbehaviour(of: loaded))
        #expect(Bundled.bytes(aggregate.plan).count > 0)
    }

    @Test("rate picks the same answers for the same seed, about rate of them, and none at 0")
    func rate() {
        let half = Misbehaviour(kind: .emptyResponse, rate: 0.5, seed: 42)
        let picks = (1...1_000).filter { half.strikes(answer: $0, scenarioSeed: 0) }
        #expect(picks == (1...1_000).filter { half.strikes(answer: $0, scenarioSeed: 99) })
        #expect((420...580).contains(picks.count))
        let other = (1...1_000).filter {
            Misbehaviour(kind: .emptyResponse, rate: 0.5, seed: 43).strikes(answer: $0, scenarioSeed: 0)
        }
        #expect(picks != other)
        #expect(
            !(1...100).contains { Misbehaviour(kind: .emptyResponse, rate: 0).strikes(answer: $0, scenarioSeed: 1) })
        #expect((1...100).allSatisfy { Misbehaviour(kind: .emptyResponse).strikes(answer: $0, scenarioSeed: 1) })
    }

    @Test(
        "bad misbehaviour: the loader names file, line and key",
        arguments: [
            (
                "name: x\nsteps:\n  - text: hi\n    misbehaviour: tool_unknown_name\n",
                "inline.yaml:4: steps[0].misbehaviour: tool_unknown_name changes tool calls; give the step tool_calls"
            ),
            (
                "name: x\nsteps:\n  - text: hi\n    misbehaviour: lies\n",
                "inline.yaml:4: steps[0].misbehaviour: \"lies\" is not one of tool_args_invalid_json"
            ),
            (
                "name: x\nsteps:\n  - text: hi\n    misbehaviour: { kind: empty_response, rate: 1.5 }\n",
                "inline.yaml:4: steps[0].misbehaviour.rate: must be within 0...1"
            ),
            (
                "name: x\nsteps:\n  - text: hi\n    misbehaviour: { kind: empty_response, violation: wrong_type }\n",
                "inline.yaml:4: steps[0].misbehaviour.violation: only applies to kind: tool_args_schema_violation"
            ),
            (
                "name: x\nsteps:\n  - text: hi\n    misbehaviour: { kind: duplicated_frame, frame: 0 }\n",
                "inline.yaml:4: steps[0].misbehaviour.frame: 0 is outside 1...1000000"
            ),
        ])
    func bad(yaml: String, expected: String) {
        let error = #expect(throws: ScenarioLoadError.self) { try scenario(yaml) }
        #expect(error?.description.hasPrefix(expected) == true, "\(error?.description ?? "no error")")
    }
}
