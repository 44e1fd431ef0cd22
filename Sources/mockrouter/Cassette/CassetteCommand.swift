import ArgumentParser

/// `mockrouter cassette ...`: tools over the cassette format.
struct CassetteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cassette",
        abstract: "Inspect, verify, pack and unpack cassette files.",
        subcommands: [ListCommand.self, ShowCommand.self, VerifyCommand.self, PackCommand.self, UnpackCommand.self])
}
