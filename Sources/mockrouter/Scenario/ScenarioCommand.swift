import ArgumentParser

/// `mockrouter scenario ...`: tools over scenario files.
struct ScenarioCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenario",
        abstract: "Check scenario files and print the exact bytes they render to.",
        subcommands: [LintCommand.self, RenderCommand.self])
}
