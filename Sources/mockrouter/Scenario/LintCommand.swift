import ArgumentParser
import Scenarios

/// `mockrouter scenario lint PATH...`: load every scenario; exit 1 naming file, line and key on any error.
struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check scenario files; exit 1 naming file, line, key and the allowed values on any error.")

    @Argument(help: "Scenario files or folders.")
    var paths: [String]

    func run() throws {
        var failures = 0
        var names: [String: String] = [:]
        let files: [String]
        do { files = try ScenarioLibrary.scenarioFiles(in: paths) } catch {
            throw CommandFailure(message: error.description)
        }
        for path in files {
            do {
                let scenario = try ScenarioLoader.load(path: path)
                if let other = names[scenario.name] {
                    failures += 1
                    print("FAIL  \(path): name: \"\(scenario.name)\" is already defined in \(other)")
                    continue
                }
                names[scenario.name] = path
                print(
                    "ok    \(path): \(scenario.name), \(scenario.steps.count) step\(scenario.steps.count == 1 ? "" : "s")"
                )
            } catch {
                failures += 1
                print("FAIL  \(error)")
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }
}
