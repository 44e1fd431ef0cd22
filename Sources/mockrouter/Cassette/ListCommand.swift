import ArgumentParser
import CassetteFormat

/// `mockrouter cassette ls PATH`: one line per interaction, numbered from 1.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls", abstract: "List a cassette's interactions, one per line.")

    @Argument(help: "A cassette file (.cassette.jsonl or .cassette.jsonl.gz).")
    var path: String

    func run() throws {
        let file = try CassetteLoading.load(path)
        for (offset, interaction) in file.interactions.enumerated() {
            print(InteractionLine.describe(number: offset + 1, interaction))
        }
    }
}
