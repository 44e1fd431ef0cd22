import BundledDefaults
import Dialects
import MockRouterTesting
import NIOCore
import Testing

/// A scenario built in Swift is the model the YAML loader produces: each bundled scenario written
/// with the builder renders to the same bytes, in every dialect, streamed and not.
struct ScenarioBuilderTests {
    static let rateLimitHeaders = [
        ("X-RateLimit-Limit", "8"), ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", "1790000060000"),
    ]
    static let rateLimitMessage = """
        Rate limit exceeded: limit_rpm/openai/gpt-4o-mini/3f6c2a9e-8b1d-4e7a-9c5f-2d4b6a8e0f13. High demand for \
        openai/gpt-4o-mini on OpenRouter - limited to 8 requests per minute. Please retry shortly.
        """
    static let rateLimitMetadata: [(String, JSONValue)] = [
        ("headers", ["X-RateLimit-Limit": "8", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1790000060000"]),
        ("provider_name", nil),
    ]

    /// Builder versions of bundled scenarios, one per feature: text and usage, an error sequence
    /// with headers and metadata, tool calls (interleaved), reasoning with a signature, a
    /// mid-stream error, every wire fault, CRLF framing, timing and keep-alives.
    static let built: [@Sendable () throws -> Scenario] = [
        {
            try Scenario("hello", model: "openai/gpt-4o-mini") {
                ResponseStep.text("Hi there! How can I help you today?").usage(
                    prompt: 9, completion: 10, cost: 0.00000735)
            }
        },
        {
            try Scenario("rate-limit", model: "openai/gpt-4o-mini") {
                for _ in 0..<2 {
                    ScenarioStep.error(
                        status: 429, message: rateLimitMessage, retryAfter: 1, metadata: rateLimitMetadata,
                        headers: rateLimitHeaders)
                }
                ResponseStep.text("Thanks for waiting! Here is your answer: yes, that works.")
            }
        },
        {
            try Scenario("tool-call", model: "openai/gpt-4.1") {
                ResponseStep.toolCall("get_weather", arguments: ["city": "Paris"])
                    .finishReason("tool_calls").usage(prompt: 68, completion: 15, cost: 0.000256)
                ResponseStep.text("It is 18 °C and sunny in Paris.").usage(prompt: 94, completion: 12, cost: 0.000284)
                    .when(.toolResult(name: "get_weather"))
            }
        },
        {
            try Scenario("parallel-tool-calls", model: "openai/gpt-4.1") {
                ResponseStep.toolCall("get_weather", arguments: ["city": "Oslo"])
                    .toolCall("get_time", arguments: ["timezone": "Asia/Tokyo"]).interleaved()
                    .usage(prompt: 96, completion: 46, cost: 0.00056)
                ResponseStep.text("Oslo is at 4 °C; in Tokyo it is 21:30.").usage(
                    prompt: 160, completion: 17, cost: 0.000456
                )
                .when(RequestCondition(lastRole: "tool", toolResult: .init(name: "get_time")))
            }
        },
        {
            try Scenario("reasoning", model: "anthropic/claude-sonnet-4.5", provider: "Anthropic") {
                ResponseStep.reasoning(
                    """
                    The user wants 17 × 24. Split it: 17 × 20 = 340 and 17 × 4 = 68, so the product is 408. \
                    Check the other way round: 24 × 17 = 240 + 168 = 408. Both agree, so I can answer briefly.
                    """,
                    signature: try bundledSignature()
                )
                .text("17 × 24 = 408.").usage(prompt: 21, completion: 118, reasoning: 97, cost: 0.001833)
            }
        },
        {
            try Scenario("midstream-error", model: "openai/gpt-4o") {
                ResponseStep.text("The lighthouse keeper climbed the stairs every night to light the lamp.")
                    .midstreamError(after: 6, code: 502, message: "Provider disconnected unexpectedly")
            }
        },
        {
            try Scenario("stall") {
                ResponseStep.text("The Eiffel Tower was completed in 1889 for the World's Fair in Paris.").fault(
                    .stall, after: 3)
            }
        },
        {
            try Scenario("disconnect") {
                ResponseStep.text(
                    "Photosynthesis turns sunlight, water and carbon dioxide into glucose and oxygen inside plant leaves."
                ).fault(.disconnect, after: 5)
            }
        },
        {
            try Scenario("reset") {
                ResponseStep.text(
                    """
                    Rust guarantees memory safety without a garbage collector by checking ownership and borrowing at \
                    compile time.
                    """
                ).fault(.reset, after: 5)
            }
        },
        {
            try Scenario("malformed-chunk") {
                ResponseStep.text(
                    "Water boils at 100 degrees Celsius at sea level, and at lower temperatures higher up."
                )
                .fault(.malformed, after: 4)
            }
        },
        {
            try Scenario("broken-framing") {
                ResponseStep.text("A haiku has three lines of five, seven and five syllables each.").fault(
                    .brokenFraming, after: 4)
            }
        },
        {
            try Scenario("crlf-framing") {
                ResponseStep.text("Sure! The three primary colors of paint are red, yellow and blue.").crlfLineEndings()
            }
        },
        {
            try Scenario("slow-stream") {
                ResponseStep.text(
                    """
                    The Pacific Ocean is the largest and deepest of Earth's five oceans, covering about a third of the \
                    planet's surface.
                    """
                ).timing(ttftMs: 800, tokensPerSecond: 20)
            }
        },
        {
            try Scenario("keepalive-long-ttft") {
                ResponseStep.text("Thanks for waiting! The answer is 42.").keepAlive(atStart: 1, intervalMs: 1000)
                    .timing(ttftMs: 3000)
            }
        },
    ]

    static func bundledSignature() throws -> String {
        let reasoning = try #require(try BundledDefaults.scenarios().first { $0.name == "reasoning" })
        guard case .response(let step) = reasoning.steps[0] else { throw ExpectedAResponse() }
        return try #require(step.reasoning?.signature)
    }

    struct ExpectedAResponse: Error {}

    @Test(arguments: 0..<built.count)
    func builtScenarioRendersLikeTheBundledFile(index: Int) throws {
        let built = try Self.built[index]()
        let loaded = try #require(try BundledDefaults.scenarios().first { $0.name == built.name })
        #expect(built.steps.count == loaded.steps.count)
        #expect(built.seed == loaded.seed)
        #expect(built.conditions.keys.sorted() == loaded.conditions.keys.sorted())
        for step in built.steps.indices {
            for dialect in Dialect.allCases {
                for stream in [true, false] {
                    let mine = Result {
                        try ScenarioRendering.render(
                            built, stepIndex: step, dialect: dialect, stream: stream, model: nil)
                    }
                    let theirs = Result {
                        try ScenarioRendering.render(
                            loaded, stepIndex: step, dialect: dialect, stream: stream, model: nil)
                    }
                    let place = "\(built.name) step \(step + 1) \(dialect) stream \(stream)"
                    switch (mine, theirs) {
                    case (.success(let a), .success(let b)):
                        #expect(a.plan.status == b.plan.status, Comment(rawValue: place))
                        #expect(
                            a.plan.headers.map { "\($0.0): \($0.1)" } == b.plan.headers.map { "\($0.0): \($0.1)" },
                            Comment(rawValue: place))
                        #expect(Self.bytes(a.plan) == Self.bytes(b.plan), Comment(rawValue: place))
                    case (.failure, .failure):
                        break
                    default:
                        Issue.record(Comment(rawValue: "\(place): one renders and the other does not"))
                    }
                }
            }
        }
    }

    @Test func badScenariosAreRefusedWithTheSourceLine() throws {
        let badName = #expect(throws: ScenarioLoadError.self) { try Scenario("Bad Name") { ResponseStep.text("x") } }
        #expect(badName?.description.contains("ScenarioBuilderTests.swift") == true)
        #expect(badName?.description.contains("is not a valid scenario name") == true)
        let noSteps = #expect(throws: ScenarioLoadError.self) { try Scenario("empty") {} }
        #expect(noSteps?.description.contains("at least one step") == true)
        let notAnError = #expect(throws: ScenarioLoadError.self) {
            try Scenario("ok") { ScenarioStep.error(status: 200, message: "fine") }
        }
        #expect(notAnError?.description.contains("steps[0]") == true)
        let empty = #expect(throws: ScenarioLoadError.self) {
            try Scenario("blank") { ResponseStep().usage(prompt: 1) }
        }
        #expect(empty?.description.contains("needs text, reasoning, tool_calls or base") == true)
        #expect(throws: ScenarioLoadError.self) { try Scenario("nan") { ResponseStep.text("x").timing(ttftMs: .nan) } }
        #expect(throws: ScenarioLoadError.self) {
            try Scenario("inf") { ResponseStep.text("x").fault(.stall, stallMs: .infinity) }
        }
        #expect(throws: ScenarioLoadError.self) { try Scenario("cost") { ResponseStep.text("x").usage(cost: .nan) } }
    }

    @Test(arguments: [
        ("framing header", ResponseStep.text("x").header("Content-Length", "5"), "framing header"),
        ("stall of 1e15 ms", ResponseStep.text("x").fault(.stall, stallMs: 1e15), "stall_ms"),
        ("keep-alive every µs", ResponseStep.text("x").keepAlive(intervalMs: 0.001), "at least 10 ms"),
        ("tokens near Int.max", ResponseStep.text("x").usage(prompt: Int.max), "token counts"),
        ("no tokens per second", ResponseStep.text("x").timing(tokensPerSecond: 0), "tokens_per_second"),
        ("pause of a year", ResponseStep.text("x").pause(after: 1, ms: 3.2e10), "durations"),
    ])
    func outOfRangeValuesAreRefusedAsTheLoaderRefusesThem(what: String, step: ResponseStep, words: String) {
        let error = #expect(throws: ScenarioLoadError.self) { try Scenario("limits") { step } }
        #expect(error?.description.contains(words) == true, Comment(rawValue: "\(what): \(String(describing: error))"))
    }

    @Test(arguments: [
        (0.00000735, "0.00000735"), (0.001833, "0.001833"), (1e-7, "0.0000001"), (2.5e20, "250000000000000000000"),
        (-3e-5, "-0.00003"), (12, "12"),
    ])
    func costsAreWrittenAsAScenarioFileWouldSpellThem(value: Double, lexeme: String) throws {
        let scenario = try Scenario("priced") { ResponseStep.text("x").usage(cost: value) }
        guard case .response(let step) = scenario.steps[0] else { throw ExpectedAResponse() }
        #expect(step.usage.cost == .number(lexeme))
    }

    static func bytes(_ plan: PlaybackPlan) -> [UInt8] {
        plan.steps.flatMap { step -> [UInt8] in
            if case .bytes(let buffer, _) = step { return Array(buffer.readableBytesView) }
            return []
        }
    }
}
