// libFuzzer target: ScenarioLoader on arbitrary text (YAML, and JSON, which is YAML), as the admin
// API loads a posted scenario: `base.cassette` names a loaded cassette and nothing is read from
// disk while an input runs (the bundled cassettes are loaded once, before the first input, so that
// `base:` steps can resolve). What loads is rendered, every step in every dialect, streamed and
// not, and matched against a request: errors are fine, crashes are not.
import CassetteFormat
// Not a product of the root package: reachable because MockServer depends on it (see Package.swift).
import Dialects
import Foundation
import MockRouterTesting  // re-exports Scenarios and Playback, which are not products
import NIOCore

/// The repository's cassettes/ folder, found from this file's path (Fuzz/Sources/FuzzScenario/FuzzScenario.swift).
private let bundledCatalog: CassetteCatalog = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    do {
        return try CassetteCatalog.load(paths: [root.appendingPathComponent("cassettes").path], skipBad: false)
    } catch {
        fatalError("FuzzScenario: cannot load the bundled cassettes: \(error)")
    }
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let scenario: Scenario
    do {
        scenario = try ScenarioLoader.load(text: text, path: "fuzz.yaml", bases: .loaded(bundledCatalog))
    } catch {
        _ = error.description
        return 0
    }
    precondition(!scenario.steps.isEmpty, "FuzzScenario: a scenario loaded with no steps")

    for stepIndex in scenario.steps.indices {
        for dialect in Dialect.allCases {
            for stream in [false, true] {
                for model in [nil, "fuzz/model"] as [String?] {
                    let rendered: ScenarioRendering.Result
                    do {
                        rendered = try ScenarioRendering.render(
                            scenario, stepIndex: stepIndex, dialect: dialect, stream: stream, model: model)
                    } catch {
                        _ = error.description
                        continue
                    }
                    consume(rendered.plan)
                }
            }
        }
    }

    for n in 1...(scenario.steps.count + 2) { _ = scenario.step(forRequest: n) }
    if let rule = scenario.match {
        for dialect in Dialect.allCases {
            let body = #"{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}"#
            _ = rule.matches(IncomingRequest(method: "POST", path: dialect.path, body: Array(body.utf8)))
        }
    }
    return 0
}

private func consume(_ plan: PlaybackPlan) {
    precondition((100...999).contains(plan.status), "FuzzScenario: rendered an impossible status \(plan.status)")
    var total = 0
    for step in plan.steps {
        switch step {
        case .bytes(let buffer, let offset):
            total += buffer.readableBytes
            precondition(offset.isFinite, "FuzzScenario: a step has a non-finite offset \(offset)")
        case .pause(let ms):
            precondition(ms.isFinite, "FuzzScenario: a pause has a non-finite length \(ms)")
        case .fault:
            break
        }
    }
    _ = plan.contentLength
    _ = plan.coalescedSteps.count
    _ = total
}
