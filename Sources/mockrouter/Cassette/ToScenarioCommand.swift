import ArgumentParser
import Foundation
import Scenarios

/// `mockrouter cassette to-scenario PATH N [-o OUT.yaml]`: an editable scenario from interaction N.
struct ToScenarioCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "to-scenario",
        abstract: "Write an editable scenario (YAML) from one interaction of a cassette.")

    @Argument(help: "A cassette file.")
    var path: String

    @Argument(help: "The interaction (1-based).")
    var number: Int

    @Option(name: .shortAndLong, help: "Output file; default: standard output.")
    var output: String?

    func run() throws {
        let file = try CassetteLoading.load(path)
        guard number >= 1, number <= file.interactions.count else {
            throw CommandFailure(
                message: "\(path): no interaction \(number); the cassette has \(file.interactions.count)")
        }
        let stem = (path as NSString).lastPathComponent.components(separatedBy: ".cassette").first ?? "recorded"
        let name = (stem.lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined() + "-\(number)")
            .trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        let yaml: String
        do {
            let folder =
                output.map { URL(fileURLWithPath: $0).deletingLastPathComponent() }
                ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            yaml = try ScenarioFromInteraction.yaml(
                file.interactions[number - 1], name: name, cassettePath: RelativePath.from(folder, to: path),
                number: number,
                location: folder.appendingPathComponent("\(name).yaml").path)
        } catch {
            throw CommandFailure(message: "could not make a valid scenario: \(error)")
        }
        if let output {
            do { try Data(yaml.utf8).write(to: URL(fileURLWithPath: output), options: .atomic) } catch {
                throw CommandFailure(message: "\(output): cannot write: \(error.localizedDescription)")
            }
            print("wrote \(output): scenario \(name)")
        } else {
            print(yaml, terminator: "")
        }
    }
}
