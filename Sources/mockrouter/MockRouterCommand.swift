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
            verdict   a running server's findings about how the client behaved (CI exit code)
            """,
        version: MockService.version,
        subcommands: [
            ServeCommand.self, RecordCommand.self, CassetteCommand.self, ScenarioCommand.self, VerdictCommand.self,
        ])

    /// ArgumentParser's entry point, with one step first: `serve` and `record` block SIGINT and
    /// SIGTERM on the main thread before any other thread exists, so every thread inherits the
    /// block and a signal waits for `ShutdownSignal` instead of being dropped by a thread that
    /// ignores it (seen once: a SIGTERM right after the ready line left the server running).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if command is ServeCommand || command is RecordCommand { ShutdownSignal.blockInEveryThread() }
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
