import ArgumentParser
import MockServer

@main
struct MockRouterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mockrouter",
        abstract: "A record-and-replay mock of the OpenRouter API.",
        discussion: """
            serve     mock OpenRouter: replay cassettes and play scenarios over real HTTP and SSE
            record    recording proxy in front of a real upstream, writing cassettes
            cassette  inspect, verify, pack and unpack cassette files
            scenario  check scenario files and print the exact bytes they render to
            """,
        version: MockService.version,
        subcommands: [ServeCommand.self, RecordCommand.self, CassetteCommand.self, ScenarioCommand.self])
}
