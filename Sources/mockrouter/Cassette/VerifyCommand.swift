import ArgumentParser
import CassetteFormat
import Playback

/// `mockrouter cassette verify PATH...`: schema and integrity; exits non-zero on any damage.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check cassettes against the format and for integrity; exit 1 naming file and interaction on damage.")

    @Argument(help: "Cassette files or folders.")
    var paths: [String]

    func run() throws {
        var failures = 0
        let files: [String]
        do { files = try Playback.CassetteCatalog.cassettePaths(in: paths) } catch {
            throw CommandFailure(message: error.description)
        }
        for path in files {
            do {
                let file = try CassetteReader.read(path: path)
                let problems =
                    file.warnings.map(\.description) + CassetteIntegrity.issues(in: file).map { "\(path): \($0)" }
                if problems.isEmpty {
                    print(
                        "ok    \(path): \(file.interactions.count) interaction\(file.interactions.count == 1 ? "" : "s"), format \(file.header.version)"
                    )
                } else {
                    failures += 1
                    for problem in problems { print("FAIL  \(problem)") }
                }
            } catch {
                failures += 1
                print("FAIL  \(error)")
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }
}
