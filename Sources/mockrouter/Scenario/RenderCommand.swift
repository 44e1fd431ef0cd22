import ArgumentParser
import CassetteFormat
import Dialects
import Foundation
import Playback
import Scenarios

/// `mockrouter scenario render PATH --dialect D [--step N] [--stream|--no-stream]`: the exact body
/// bytes the server sends for that step (faults included: a cut stream just stops; a step's
/// `misbehaviour` strikes, as it does on the answers its `rate` picks).
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Print the exact body bytes the server would send for one step of a scenario.",
        discussion:
            "Status and headers go to stderr, the body to stdout; wire faults (disconnect, reset, stall) are described on stderr where they happen."
    )

    enum DialectName: String, ExpressibleByArgument, CaseIterable {
        case chat, completions, responses, messages
    }

    @Argument(help: "A scenario file.")
    var path: String

    @Option(help: "chat, completions, responses or messages.")
    var dialect: DialectName

    @Option(help: "The step to render (1-based).")
    var step = 1

    @Flag(inversion: .prefixedNo, help: "Render the stream (default) or the non-stream aggregate.")
    var stream = true

    @Option(help: "The request's model (shown when the scenario names none).")
    var model = "openai/gpt-4o-mini"

    @Flag(inversion: .prefixedNo, help: "Apply the step's misbehaviour (default), or render it behaving.")
    var misbehave = true

    func run() throws {
        let scenario: Scenario
        do { scenario = try ScenarioLoader.load(path: path) } catch { throw CommandFailure(message: error.description) }
        guard (1...scenario.steps.count).contains(step) else {
            throw CommandFailure(message: "\(path): no step \(step); the scenario has \(scenario.steps.count)")
        }
        var misbehaviour: Misbehaviour?
        if misbehave, case .response(let response) = scenario.steps[step - 1] { misbehaviour = response.misbehaviour }
        let plan: PlaybackPlan
        do {
            plan = try ScenarioRendering.render(
                scenario, stepIndex: step - 1, dialect: Dialect(rawValue: dialect.rawValue)!, stream: stream,
                model: model, misbehaviour: misbehaviour
            ).plan
        } catch {
            throw CommandFailure(message: "\(path): step \(step) cannot be rendered as \(dialect.rawValue): \(error)")
        }
        FileHandle.standardError.write(Data("status \(plan.status)\n".utf8))
        for (name, value) in plan.headers { FileHandle.standardError.write(Data("\(name): \(value)\n".utf8)) }
        for planStep in plan.steps {
            switch planStep {
            case .bytes(let buffer, _): FileHandle.standardOutput.write(Data(buffer.readableBytesView))
            case .pause(let ms): FileHandle.standardError.write(Data("[stall \(Saturating.int(ms)) ms]\n".utf8))
            case .fault(let fault): FileHandle.standardError.write(Data("[\(fault)]\n".utf8))
            }
        }
    }
}
