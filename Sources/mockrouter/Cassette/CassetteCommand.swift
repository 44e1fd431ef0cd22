import ArgumentParser

/// `mockrouter cassette ...`: tools over the cassette format.
struct CassetteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cassette",
        abstract: "Inspect, verify, pack, unpack, redact and convert cassette files.",
        subcommands: [
            ListCommand.self, ShowCommand.self, VerifyCommand.self, PackCommand.self, UnpackCommand.self,
            RedactCommand.self, ToScenarioCommand.self,
        ])
}
