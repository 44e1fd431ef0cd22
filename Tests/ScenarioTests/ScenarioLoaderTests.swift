import Foundation
import Scenarios
import Testing

@Suite("Scenario loader errors name file, line, key and allowed values")
struct ScenarioLoaderTests {
    @Test(
        "bad documents",
        arguments: [
            (
                "name: x\nsteps:\n  - text: hi\n    fault: { kind: explode }\n",
                "inline.yaml:4: steps[0].fault.kind: \"explode\" is not one of disconnect, reset, stall, malformed, broken_framing"
            ),
            (
                "name: x\nsteps:\n  - txt: hi\n",
                "inline.yaml:3: steps[0].txt: unknown key; allowed keys here: status, headers, error, reasoning, text"
            ),
            ("name: x\nsteps: []\n", "inline.yaml:2: steps: must list at least one step"),
            ("steps:\n  - text: hi\n", "inline.yaml:1: name: is required"),
            (
                "name: Bad Name\nsteps:\n  - text: hi\n",
                "inline.yaml:1: name: \"Bad Name\" is not a valid scenario name"
            ),
            ("name: x\nsteps:\n  - status: 429\n", "inline.yaml:3: steps[0].error: is required"),
            (
                "name: x\nsteps:\n  - status: 429\n    error: { message: m }\n    text: hi\n",
                "inline.yaml:5: steps[0].text: is not allowed in an error step (status 429)"
            ),
            (
                "name: x\nsteps:\n  - status: 302\n    text: hi\n",
                "inline.yaml:3: steps[0].status: 302 is not 200 or an error status"
            ),
            (
                "name: x\nsteps:\n  - text: hi\n    error: { message: m }\n",
                "inline.yaml:4: steps[0].error: is only allowed with an error status"
            ),
            (
                "name: x\nsteps:\n  - text: hi\n    timing: { tokens_per_second: fast }\n",
                "inline.yaml:4: steps[0].timing.tokens_per_second: expected a number, found \"fast\""
            ),
            (
                "name: x\nsteps:\n  - tool_calls: [{ name: f, arguments: \"{nope\" }]\n",
                "inline.yaml:3: steps[0].tool_calls[0].arguments: is text but not valid JSON"
            ),
            (
                "name: x\nafter_last: loop\nsteps:\n  - text: hi\n",
                "inline.yaml:2: after_last: \"loop\" is not one of repeat_last, cycle, error"
            ),
            (
                "name: x\nsteps:\n  - text: hi\n    fault: { kind: reset, stall_ms: 5 }\n",
                "steps[0].fault.stall_ms: only applies to kind: stall"
            ),
            (
                "name: x\nsteps:\n  - {}\n",
                "inline.yaml:3: steps[0]: a response step needs text, reasoning, tool_calls or base"
            ),
            ("name: x\nsteps:\n  - text: [unclosed\n", "inline.yaml:4: invalid YAML: did not find expected ',' or ']'"),
            ("name: x\nname: y\nsteps:\n  - text: hi\n", "inline.yaml:1: name: the key appears twice"),
            (
                "name: x\nsteps:\n  - text: hi\n    base: { cassette: nowhere.cassette.jsonl }\n",
                "steps[0].base.cassette: cannot use the cassette"
            ),
        ])
    func bad(yaml: String, expected: String) {
        let error = #expect(throws: ScenarioLoadError.self) { try scenario(yaml) }
        #expect(error?.description.contains(expected) == true, "got: \(error?.description ?? "nothing")")
    }

    @Test("a recorded base takes only a fault and headers beside it, and its interaction must exist")
    func base() throws {
        let cassette = Bundled.repository.appendingPathComponent("cassettes/stream-text.cassette.jsonl.gz").path
        let loaded = try scenario(
            "name: x\nsteps:\n  - base: { cassette: \(cassette) }\n    fault: { kind: disconnect, after: 3 }\n")
        guard case .response(let step) = loaded.steps[0] else {
            Issue.record("not a response")
            return
        }
        #expect(step.base?.recorded.response.status == 200)
        let combined = #expect(throws: ScenarioLoadError.self) {
            try scenario("name: x\nsteps:\n  - base: { cassette: \(cassette) }\n    timing: { ttft_ms: 5 }\n")
        }
        #expect(combined?.description.contains("steps[0].timing: cannot be combined with base") == true)
        let missing = #expect(throws: ScenarioLoadError.self) {
            try scenario("name: x\nsteps:\n  - base: { cassette: \(cassette), interaction: 9 }\n")
        }
        #expect(missing?.description.contains("has 1 interactions; there is no interaction 9") == true)
    }

    @Test("JSON is accepted too")
    func json() throws {
        let loaded = try scenario(#"{"name":"j","steps":[{"text":"hi","usage":{"cost":0.0001}}]}"#, path: "j.json")
        #expect(loaded.name == "j")
    }

    @Test("every bundled scenario loads")
    func bundled() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Bundled.scenarios).filter {
            $0.hasSuffix(".yaml")
        }
        #expect(try Bundled.all().count == files.count)
    }
}
