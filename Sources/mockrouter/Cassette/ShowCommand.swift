import ArgumentParser
import CassetteFormat
import Playback

/// `mockrouter cassette show PATH [N]`: a readable timeline of each interaction.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show interactions as a readable timeline: offsets, frames, text, reasoning and tool-call fragments.")

    @Argument(help: "A cassette file.")
    var path: String

    @Argument(help: "The interaction to show (1-based); all when omitted.")
    var number: Int?

    func run() throws {
        let file = try CassetteLoading.load(path)
        print(
            "\(path): format \(file.header.version), \(file.interactions.count) interaction\(file.interactions.count == 1 ? "" : "s"), created \(file.header.created) by \(file.header.tool)"
        )
        if let origin = file.header.origin { print("origin: \(origin)") }
        let chosen: [(Int, Interaction)]
        if let number {
            guard (1...max(1, file.interactions.count)).contains(number), number <= file.interactions.count else {
                throw CommandFailure(
                    message: "\(path): no interaction \(number); the cassette has \(file.interactions.count)")
            }
            chosen = [(number, file.interactions[number - 1])]
        } else {
            chosen = file.interactions.enumerated().map { ($0.offset + 1, $0.element) }
        }
        for (number, interaction) in chosen {
            print("")
            print(InteractionLine.describe(number: number, interaction))
            print(InteractionTimeline.render(interaction))
        }
    }
}
