import CassetteFormat
import Dialects
import Foundation
import Playback
import Scenarios

enum Bundled {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let scenarios = repository.appendingPathComponent("scenarios").path
    static let golden = repository.appendingPathComponent("Tests/ScenarioTests/Golden").path

    static func all() throws -> [Scenario] {
        try ScenarioLibrary.load(paths: [scenarios], skipBad: false).all
    }

    /// The body bytes of a plan, as `mockrouter scenario render` prints them.
    static func bytes(_ plan: PlaybackPlan) -> [UInt8] {
        plan.steps.flatMap { step -> [UInt8] in
            if case .bytes(let buffer, _) = step { return Array(buffer.readableBytesView) }
            return []
        }
    }
}

/// Loads a scenario from inline YAML.
func scenario(_ yaml: String, path: String = "inline.yaml") throws -> Scenario {
    try ScenarioLoader.load(text: yaml, path: path)
}

/// The JSON payloads of a stream's `data:` lines, `[DONE]` and comments left out.
func dataPayloads(_ bytes: [UInt8]) -> [JSONValue] {
    String(decoding: bytes, as: UTF8.self).components(separatedBy: "\n").compactMap { line in
        guard line.hasPrefix("data: "), line != "data: [DONE]" else { return nil }
        return try? JSONParser.parse(String(line.dropFirst(6)))
    }
}
