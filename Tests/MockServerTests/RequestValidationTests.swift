import CassetteFormat
import Foundation
import Testing
import Validation

/// Request validation: OpenRouter's schemas, its parameter rules and the conversation's coherence,
/// then what `--validate warn|strict|off` does with a request that breaks them.
@Suite("Request validation")
struct RequestValidationTests {
    let validator = RequestValidator.openRouter

    func problems(_ endpoint: String, _ body: String) throws -> [String] {
        validator.violations(endpoint: endpoint, body: try JSONParser.parse(body)).map(\.description)
    }

    static let weatherCall = #"{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{}"}}"#

    @Test("a realistic tool-loop request in each dialect has no violations")
    func validRequests() throws {
        #expect(
            try problems(
                "chat/completions",
                #"{"model":"openai/gpt-4o","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":[{"type":"text","text":"Weather?"}]},{"role":"assistant","content":null,"tool_calls":[\#(Self.weatherCall)]},{"role":"tool","tool_call_id":"call_1","content":"sunny"}],"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}],"temperature":0.2,"stream":true,"provider":{"order":["openai"]},"models":["openai/gpt-4o-mini"],"reasoning":{"effort":"low"},"unknown_field":1}"#
            ).isEmpty)
        #expect(
            try problems(
                "messages",
                #"{"model":"anthropic/claude-sonnet-4.5","max_tokens":1024,"thinking":{"type":"enabled","budget_tokens":2048},"messages":[{"role":"user","content":"Weather?"},{"role":"assistant","content":[{"type":"thinking","thinking":"hmm","signature":"sig"},{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"sunny"}]}]}"#
            ).isEmpty)
        #expect(
            try problems(
                "responses",
                #"{"model":"openai/gpt-4o","input":[{"role":"user","content":"Weather?"},{"type":"function_call","call_id":"c1","name":"get_weather","arguments":"{}"},{"type":"function_call_output","call_id":"c1","output":"sunny"}]}"#
            ).isEmpty)
        #expect(try problems("embeddings", #"{"model":"openai/text-embedding-3-small","input":"hi"}"#).isEmpty)
    }

    @Test("the schema: strict JSON types, required properties, role tags, nested paths")
    func schema() throws {
        #expect(
            try problems("chat/completions", #"{"messages":[{"role":"user","content":"x"}],"temperature":"0.5"}"#)
                == ["$.temperature: must be number or null (got string)"])
        #expect(try problems("chat/completions", #"{"model":"m"}"#) == ["$.messages: is required"])
        #expect(
            try problems("chat/completions", #"{"messages":[{"role":"wizard","content":"x"}]}"#).first?.hasPrefix(
                "$.messages[0].role: must be one of \"assistant\"") == true)
        #expect(
            try problems(
                "chat/completions",
                #"{"messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"image_url"}]}]}"#
            ) == ["$.messages[0].content[1].image_url: is required"])
        #expect(try problems("embeddings", #"{"model":"m"}"#) == ["$.input: is required"])
    }

    @Test("OpenRouter's parameter rules: ranges per endpoint, listed values, stateless Responses")
    func parameterRules() throws {
        let user = #""messages":[{"role":"user","content":"x"}]"#
        #expect(try problems("chat/completions", "{\(user),\"temperature\":1.5}").isEmpty)
        #expect(
            try problems("messages", "{\(user),\"model\":\"m\",\"max_tokens\":10,\"temperature\":1.5}")
                == ["$.temperature: must be at most 1"])
        #expect(try problems("chat/completions", "{\(user),\"top_p\":-0.1}") == ["$.top_p: must be at least 0"])
        #expect(
            try problems("chat/completions", "{\(user),\"reasoning\":{\"effort\":\"extreme\"}}").first?.hasPrefix(
                "$.reasoning.effort: must be one of") == true)
        #expect(
            try problems("chat/completions", "{\(user),\"transforms\":[\"middle-out\",\"squash\"]}")
                == [#"$.transforms[1]: must be one of "middle-out" (got "squash")"#])
        #expect(
            try problems("responses", #"{"input":"x","previous_response_id":"resp_1"}"#).first?.hasPrefix(
                "$.previous_response_id: is not supported") == true)
        #expect(try problems("responses", #"{"input":"x","store":true}"#) == ["$.store: must be false (got true)"])
    }

    @Test("the conversation: tool results answer calls that were made, all of them, in order")
    func conversation() throws {
        let call = Self.weatherCall
        #expect(try problems("chat/completions", #"{"messages":[]}"#) == ["$.messages: must not be empty"])
        #expect(
            try problems(
                "chat/completions",
                #"{"messages":[{"role":"user","content":"x"},{"role":"tool","tool_call_id":"call_9","content":"r"}]}"#)
                == [#"$.messages[1].tool_call_id: matches no tool call of an earlier assistant message (got "call_9")"#]
        )
        #expect(
            try problems(
                "chat/completions",
                #"{"messages":[{"role":"assistant","tool_calls":[\#(call)]},{"role":"user","content":"go on"}]}"#)
                == [
                    #"$.messages[0].tool_calls: tool call "call_1" has no tool message answering it after this message"#
                ])
        #expect(
            try problems(
                "chat/completions",
                #"{"messages":[{"role":"assistant","tool_calls":[\#(call)]},{"role":"tool","tool_call_id":"call_1","content":"r"},{"role":"assistant","content":"ok"},{"role":"tool","tool_call_id":"call_1","content":"r"}]}"#
            ).first?.contains("is not a call of the assistant message before it") == true)
        #expect(
            try problems(
                "responses", #"{"input":[{"type":"function_call_output","call_id":"c9","output":"r"}]}"#)
                == [#"$.input[0].call_id: matches no function_call earlier in input (got "c9")"#])
    }

    @Test("Anthropic Messages: max_tokens, tool_result ids, unanswered tool_use, the thinking block")
    func messages() throws {
        #expect(
            try problems("messages", #"{"model":"m","messages":[{"role":"user","content":"x"}]}"#)
                == ["$.max_tokens: is required on /messages"])
        let toolUse = #"{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{}}"#
        #expect(
            try problems(
                "messages",
                #"{"model":"m","max_tokens":9,"messages":[{"role":"assistant","content":[\#(toolUse)]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_2","content":"r"}]}]}"#
            ) == [
                #"$.messages[1]: has no tool_result for tool_use "toolu_1" of the assistant message before it"#,
                #"$.messages[1].content[0].tool_use_id: matches no tool_use block of the assistant message before it (got "toolu_2")"#,
            ])
        #expect(
            try problems(
                "messages",
                #"{"model":"m","max_tokens":9,"thinking":{"type":"enabled","budget_tokens":1024},"messages":[{"role":"user","content":"x"},{"role":"assistant","content":[\#(toolUse)]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"r"}]}]}"#
            ).first?.hasPrefix("$.messages[1].content[0]: must be the thinking or redacted_thinking block") == true)
    }

    @Test("strict: OpenRouter's 400 naming the path (Anthropic's envelope on /messages); the server keeps serving")
    func strict() async throws {
        try await TestServer.with(cassettes: [], scenarios: [TestServer.bundledScenarios], validation: .strict) {
            server in
            let client = try RawHTTPClient(port: server.port)
            client.send(
                method: "POST", path: "/scenario/hello/api/v1/chat/completions",
                body: Array(#"{"messages":[{"role":"user","content":"x"}],"temperature":9}"#.utf8))
            let refused = try client.readResponse()
            #expect(refused.status == 400)
            let error = try #require(try json(refused)["error"])
            #expect(error["message"]?.stringValue == "Invalid request: $.temperature: must be at most 2")
            #expect(error["metadata"]?["error_type"]?.stringValue == "invalid_request")
            #expect(error["metadata"]?["violations"]?.arrayValue?.first?["rule"]?.stringValue == "maximum")
            client.send(
                method: "POST", path: "/scenario/hello/api/v1/messages",
                body: Array(#"{"model":"m","messages":[{"role":"user","content":"x"}]}"#.utf8))
            let anthropic = try client.readResponse()
            #expect(anthropic.status == 400)
            #expect(try json(anthropic)["type"]?.stringValue == "error")
            #expect(try json(anthropic)["error"]?["type"]?.stringValue == "invalid_request_error")
            #expect(
                try json(anthropic)["error"]?["message"]?.stringValue
                    == "Invalid request: $.max_tokens: is required on /messages")
            client.send(
                method: "POST", path: "/scenario/hello/api/v1/chat/completions",
                body: Array(#"{"messages":[{"role":"user","content":"x"}]}"#.utf8))
            #expect(try client.readResponse().status == 200)
        }
    }

    @Test("warn (the default) answers as usual with X-MockRouter-Warning and journals the violations; off does not")
    func warnAndOff() async throws {
        let body = Array(#"{"messages":[{"role":"user","content":"x"}],"top_p":7}"#.utf8)
        try await TestServer.with(cassettes: [], scenarios: [TestServer.bundledScenarios]) { server in
            let client = try RawHTTPClient(port: server.port)
            client.send(method: "POST", path: "/scenario/hello/api/v1/chat/completions", body: body)
            let answered = try client.readResponse()
            #expect(answered.status == 200)
            #expect(answered.header("x-mockrouter-warning") == "invalid request: $.top_p: must be at most 1")
            #expect(server.service.requests(session: nil).last?.violations.map(\.rule) == ["maximum"])
        }
        try await TestServer.with(cassettes: [], scenarios: [TestServer.bundledScenarios], validation: .off) { server in
            let client = try RawHTTPClient(port: server.port)
            client.send(method: "POST", path: "/scenario/hello/api/v1/chat/completions", body: body)
            let answered = try client.readResponse()
            #expect(answered.status == 200 && answered.header("x-mockrouter-warning") == nil)
        }
    }

    @Test("the warning header is printable ASCII and at most 1,024 bytes, whatever the request holds")
    func warningHeader() throws {
        let many = (0..<30).map { Violation(path: "$.x\($0)", rule: "type", message: "bad \u{1}\u{e9}\n") }
        let header = Violation.warning(many)
        #expect(header.utf8.count <= Violation.maxWarningBytes)
        #expect(header.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F })
        #expect(
            try problems("chat/completions", String(repeating: "[", count: 1) + "]").first
                == "$: must be object (got array)")
    }
}
