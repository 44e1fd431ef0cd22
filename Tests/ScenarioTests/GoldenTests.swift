import Dialects
import Foundation
import Playback
import Scenarios
import Testing

/// `Golden/NAME.DIALECT.sse|json` hold the exact bytes each dialect must produce for step 1 of each
/// bundled scenario (regenerate with `scripts/update-golden` and review the diff).
@Suite("Golden renderings")
struct GoldenTests {
    static let files: [String] = (try? FileManager.default.contentsOfDirectory(atPath: Bundled.golden).sorted()) ?? []

    @Test("every bundled scenario has golden files in every dialect it applies to")
    func coverage() throws {
        for scenario in try Bundled.all() {
            for dialect in Dialect.allCases {
                let legacyCannot: Bool =
                    if case .response(let step) = scenario.steps[0] {
                        !step.toolCalls.isEmpty || step.misbehaviour?.kind == .refusal
                    } else { false }
                if dialect == .completions && legacyCannot { continue }
                #expect(
                    GoldenTests.files.contains("\(scenario.name).\(dialect.rawValue).sse"),
                    "\(scenario.name) \(dialect)")
                #expect(
                    GoldenTests.files.contains("\(scenario.name).\(dialect.rawValue).json"),
                    "\(scenario.name) \(dialect)")
            }
        }
    }

    @Test("each dialect renders exactly the golden bytes", arguments: files)
    func golden(file: String) throws {
        let parts = file.split(separator: ".")
        let name = parts.dropLast(2).joined(separator: ".")
        let dialect = Dialect(rawValue: String(parts[parts.count - 2]))!
        let scenario = try #require(try Bundled.all().first { $0.name == name })
        let rendered = try ScenarioRendering.render(
            scenario, stepIndex: 0, dialect: dialect, stream: parts.last == "sse", model: "openai/gpt-4o-mini",
            misbehaviour: Self.misbehaviour(of: scenario))
        let expected = try Data(contentsOf: URL(fileURLWithPath: "\(Bundled.golden)/\(file)"))
        #expect(
            Bundled.bytes(rendered.plan) == Array(expected),
            "\(file) differs; run scripts/update-golden and review the diff")
    }

    /// Step 1's misbehaviour, as `mockrouter scenario render` applies it.
    static func misbehaviour(of scenario: Scenario) -> Misbehaviour? {
        if case .response(let step) = scenario.steps[0] { return step.misbehaviour }
        return nil
    }

    @Test("tool calls cannot be rendered as a legacy completion, and the error says so")
    func legacyToolCalls() throws {
        let scenario = try #require(try Bundled.all().first { $0.name == "tool-call" })
        let error = #expect(throws: RenderError.self) {
            try ScenarioRendering.render(scenario, stepIndex: 0, dialect: .completions, stream: true, model: nil)
        }
        #expect(error?.message.contains("legacy /completions API cannot express") == true)
    }
}
