import ArgumentParser
import CassetteFormat

/// `mockrouter cassette redact PATH`: re-scrub a cassette in place, atomically.
struct RedactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redact",
        abstract:
            "Remove secrets from a cassette in place (atomically: a new file is written, then renamed over the old one)."
    )

    @Argument(help: "A cassette file.")
    var path: String

    @OptionGroup var redaction: RedactionOptions

    func run() throws {
        let file = try CassetteLoading.load(path)
        let redactor = try redaction.makeRedactor()
        let clean = file.interactions.map(redactor.redact)
        let changed = zip(file.interactions, clean).filter { $0 != $1 }.count
        do {
            try CassetteWriter.write(header: file.header, interactions: clean, to: path)
        } catch {
            throw CommandFailure(message: error.description)
        }
        let dropped = file.warnings.isEmpty ? "" : "; the incomplete last interaction was dropped"
        print("\(path): redacted \(changed) of \(clean.count) interactions\(dropped)")
    }
}
