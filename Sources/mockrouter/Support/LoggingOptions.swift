import ArgumentParser
import Logging

/// `--log-format` and `--log-level`; logs go to stderr.
struct LoggingOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case plain, json
    }

    @Option(help: "Log format on stderr: plain or json.")
    var logFormat: Format = .plain

    @Option(help: "Lowest level logged: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError(
                "--log-level must be one of trace, debug, info, notice, warning, error, critical; got \"\(logLevel)\"")
        }
    }

    /// Sets up the logging system and returns the command's logger.
    func makeLogger() -> Logger {
        let format = logFormat
        LoggingSystem.bootstrap { label in
            switch format {
            case .plain: return StreamLogHandler.standardError(label: label)
            case .json: return JSONLogHandler(label: label)
            }
        }
        var logger = Logger(label: "mockrouter")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        return logger
    }
}
