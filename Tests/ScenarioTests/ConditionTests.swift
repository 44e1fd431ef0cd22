import CassetteFormat
import Playback
import Scenarios
import Testing

/// `when:` predicates: what they read from a request in each dialect, how steps are picked, and
/// what the loader refuses.
@Suite("Conditional steps")
struct ConditionTests {
    static func request(_ path: String, _ body: String, headers: [(String, String)] = []) -> IncomingRequest {
        IncomingRequest(method: "POST", path: path, body: Array(body.utf8), headers: headers)
    }

    /// One two-turn tool loop, as each dialect sends it back with the tool's result.
    static let toolLoops: [(String, String)] = [
        (
            "/api/v1/chat/completions",
            #"""
            {"model":"openai/gpt-4.1","stream":true,"tools":[{"type":"function","function":{"name":"get_weather"}}],
             "messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Weather in Paris?"},
              {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
               "function":{"name":"get_weather","arguments":"{}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"18 C, sunny"}]}
            """#
        ),
        (
            "/api/v1/responses",
            #"""
            {"model":"openai/gpt-4.1","stream":true,"instructions":"Be brief.","tools":[{"type":"function","name":"get_weather"}],
             "input":[{"role":"user","content":[{"type":"input_text","text":"Weather in Paris?"}]},
              {"type":"reasoning","id":"rs_1","summary":[]},
              {"type":"function_call","call_id":"call_1","name":"get_weather","arguments":"{}"},
              {"type":"function_call_output","call_id":"call_1","output":"18 C, sunny"}]}
            """#
        ),
        (
            "/api/v1/messages",
            #"""
            {"model":"anthropic/claude-sonnet-4.5","stream":true,"max_tokens":100,"system":"Be brief.",
             "tools":[{"name":"get_weather","input_schema":{"type":"object"}}],
             "messages":[{"role":"user","content":"Weather in Paris?"},
              {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{}}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"18 C, sunny"}]}]}
            """#
        ),
    ]

    @Test("a tool loop reads the same in Chat, Responses and Anthropic Messages", arguments: toolLoops)
    func factsPerDialect(path: String, body: String) {
        let facts = RequestFacts(Self.request(path, body, headers: [("X-Test", "yes")]))
        #expect(facts.turn == 2)
        #expect(facts.lastRole == "tool")
        #expect(facts.lastUserText == "Weather in Paris?")
        #expect(facts.toolResults.map(\.name) == ["get_weather"])
        #expect(facts.toolResults.map(\.text) == ["18 C, sunny"])
        #expect(facts.toolsOffered == ["get_weather"])
        #expect(facts.systemText == "Be brief.")
        #expect(facts.stream)
        #expect(facts.headers.contains { $0 == ("x-test", "yes") })
    }

    @Test("a first request: turn 1 from the user, no tool results")
    func firstTurn() {
        let facts = RequestFacts(
            Self.request("/api/v1/chat/completions", #"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#))
        #expect(facts.turn == 1 && facts.lastRole == "user" && facts.toolResults.isEmpty && !facts.stream)
        let prompt = RequestFacts(Self.request("/api/v1/completions", #"{"model":"m","prompt":"Once upon"}"#))
        #expect(prompt.turn == 1 && prompt.lastRole == "user" && prompt.lastUserText == "Once upon")
        let input = RequestFacts(Self.request("/api/v1/responses", #"{"model":"m","input":"hello"}"#))
        #expect(input.lastUserText == "hello" && input.lastRole == "user")
    }

    @Test("tool results count only after the last assistant turn")
    func trailingResults() {
        let body = #"""
            {"model":"m","messages":[{"role":"user","content":"a"},
             {"role":"assistant","tool_calls":[{"id":"c1","function":{"name":"one","arguments":"{}"}}]},
             {"role":"tool","tool_call_id":"c1","content":"r1"},
             {"role":"assistant","content":"done with one"},{"role":"user","content":"again"}]}
            """#
        let facts = RequestFacts(Self.request("/api/v1/chat/completions", body))
        #expect(facts.turn == 3)
        #expect(facts.toolResults.isEmpty)
        #expect(facts.lastRole == "user" && facts.lastUserText == "again")
    }

    @Test("each predicate holds and fails as documented")
    func predicates() throws {
        let (path, body) = Self.toolLoops[0]
        let facts = RequestFacts(Self.request(path, body, headers: [("X-Test", "yes")]))
        let holding: [RequestCondition] = [
            .turn(2), RequestCondition(turn: 2...5), .toolResult(name: "get_weather", id: "call_1", contains: "sunny"),
            .toolResult(), RequestCondition(lastRole: "tool"), RequestCondition(lastUserContains: "Paris"),
            RequestCondition(lastUserMatches: try TextPattern("^Weather in [A-Z][a-z]+\\?$")),
            RequestCondition(toolsOffered: "get_weather"), RequestCondition(systemContains: "brief"),
            RequestCondition(stream: true), RequestCondition(model: "openai/*"),
            RequestCondition(model: "openai/gpt-4.?"),
            RequestCondition(headers: [("x-TEST", "yes")]),
        ]
        for condition in holding { #expect(condition.holds(facts, attempt: 1)) }
        let failing: [(RequestCondition, String)] = [
            (.turn(1), "turn: this request is turn 2"),
            (.attempt(2), "attempt: this is attempt 1"),
            (RequestCondition(lastRole: "user"), "last_role: the last message is from tool"),
            (.toolResult(name: "get_time"), "tool_result: none of the tool results since the last assistant turn fits"),
            (.toolResult(contains: "rain"), "tool_result: none of the tool results"),
            (RequestCondition(lastUserMatches: try TextPattern("^Paris")), "last_user_matches"),
            (RequestCondition(toolsOffered: "get_time"), "tools_offered: the request does not offer \"get_time\""),
            (RequestCondition(stream: false), "stream: the request has stream true"),
            (RequestCondition(model: "anthropic/*"), "model: \"openai/gpt-4.1\" does not match \"anthropic/*\""),
            (RequestCondition(headers: [("X-Other", "1")]), "header: X-Other is not sent"),
        ]
        for (condition, reason) in failing {
            let failure = condition.firstFailure(facts, attempt: 1)
            #expect(failure?.hasPrefix(reason) == true, "\(failure ?? "nil") should start with \(reason)")
        }
    }

    @Test("steps with when are tried first and in order; the others answer by position")
    func selection() throws {
        let loaded = try scenario(
            """
            name: agent
            after_last: error
            steps:
              - text: first by position
              - when: { tool_result: get_weather }
                text: after the tool
              - when: { turn: { min: 2 } }
                text: a later turn
              - text: second by position
            """)
        #expect(loaded.positionalIndices == [0, 3])
        let (path, body) = Self.toolLoops[0]
        let loop = RequestFacts(Self.request(path, body))
        #expect(loaded.conditionalStep(for: loop, attempt: 1) == 1)
        let first = RequestFacts(
            Self.request(path, #"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#))
        #expect(loaded.conditionalStep(for: first, attempt: 1) == nil)
        #expect(loaded.step(forRequest: 1)?.index == 0)
        #expect(loaded.step(forRequest: 2)?.index == 3)
        #expect(loaded.step(forRequest: 3) == nil)
    }

    @Test(
        "bad when: the loader names file, line and key",
        arguments: [
            (
                "name: x\nsteps:\n  - text: hi\n    when: { turns: 2 }\n",
                "inline.yaml:4: steps[0].when.turns: unknown key; allowed keys here: turn, attempt, last_role"
            ),
            (
                "name: x\nsteps:\n  - text: hi\n    when: { turn: 0 }\n",
                "inline.yaml:4: steps[0].when.turn: 0 is outside 1...1000000"
            ),
            (
                "name: x\nsteps:\n  - text: hi\n    when: { attempt: { min: 3, max: 2 } }\n",
                "inline.yaml:4: steps[0].when.attempt: min (3) is above max (2)"
            ),
            (
                "name: x\nsteps:\n  - text: hi\n    when: { last_role: robot }\n",
                "inline.yaml:4: steps[0].when.last_role: \"robot\" is not one of user, assistant, tool, system"
            ),
            (
                "name: x\nsteps:\n  - text: hi\n    when: { last_user_matches: \"(unclosed\" }\n",
                "inline.yaml:4: steps[0].when.last_user_matches: is not a valid regular expression"
            ),
            (
                "name: x\nsteps:\n  - text: hi\n    when: {}\n",
                "inline.yaml:4: steps[0].when: give at least one of turn"
            ),
            (
                "name: x\nmatch: { when: { attempt: 1 } }\nsteps:\n  - text: hi\n",
                "inline.yaml:2: match.when.attempt: is only allowed in a step's when"
            ),
            (
                "name: x\nsteps:\n  - text: hi\n    when: { tool_result: { tool: a } }\n",
                "inline.yaml:4: steps[0].when.tool_result.tool: unknown key; allowed keys here: name, id, contains"
            ),
            (
                "name: x\nids: random\nsteps:\n  - text: hi\n",
                "inline.yaml:2: ids: \"random\" is not one of fresh, seeded"
            ),
        ])
    func badConditions(yaml: String, expected: String) {
        let error = #expect(throws: ScenarioLoadError.self) { try scenario(yaml) }
        #expect(error?.description.hasPrefix(expected) == true, "\(error?.description ?? "no error")")
    }

    @Test("a match rule's when picks the scenario")
    func matchWhen() throws {
        let loaded = try scenario(
            "name: x\nmatch: { when: { last_role: tool, model: \"openai/*\" } }\nsteps:\n  - text: hi\n")
        let (path, body) = Self.toolLoops[0]
        #expect(loaded.match?.matches(Self.request(path, body)) == true)
        let (anthropicPath, anthropicBody) = Self.toolLoops[2]
        #expect(loaded.match?.matches(Self.request(anthropicPath, anthropicBody)) == false)
    }
}
