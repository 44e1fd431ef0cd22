import ArgumentParser
import CassetteFormat

/// `mockrouter cassette pack IN.cassette.jsonl [-o OUT]`: compress a cassette as one gzip member.
struct PackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pack", abstract: "Compress a cassette to .cassette.jsonl.gz, the whole text as one gzip member.")

    @Argument(help: "A plain cassette, NAME.cassette.jsonl.")
    var input: String

    @Option(name: .shortAndLong, help: "Output path; default: the input path + .gz.")
    var output: String?

    func run() throws {
        try CassetteConversion.convert(input, to: output ?? input + ".gz", compressed: true)
    }
}

/// `mockrouter cassette unpack IN.cassette.jsonl.gz [-o OUT]`: decompress to plain JSON Lines.
struct UnpackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unpack",
        abstract: "Decompress a .cassette.jsonl.gz to plain .cassette.jsonl for review and edits.")

    @Argument(help: "A compressed cassette, NAME.cassette.jsonl.gz.")
    var input: String

    @Option(name: .shortAndLong, help: "Output path; default: the input path without .gz.")
    var output: String?

    func validate() throws {
        if output == nil && !input.hasSuffix(".gz") {
            throw ValidationError("\(input) does not end in .gz; name the output with -o")
        }
    }

    func run() throws {
        try CassetteConversion.convert(input, to: output ?? String(input.dropLast(3)), compressed: false)
    }
}

/// Reads a whole cassette and writes it again, compressed or plain, atomically.
enum CassetteConversion {
    static func convert(_ input: String, to output: String, compressed: Bool) throws {
        guard output != input else { throw CommandFailure(message: "the output would overwrite the input \(input)") }
        guard output.hasSuffix(".gz") == compressed else {
            throw CommandFailure(
                message:
                    "\(output): a \(compressed ? "compressed" : "plain") cassette's name must \(compressed ? "" : "not ")end in .gz"
            )
        }
        let file = try CassetteLoading.load(input)
        if !file.warnings.isEmpty {
            throw CommandFailure(
                message: "\(input) has a damaged tail; not converting it (run `mockrouter cassette verify`)")
        }
        do {
            try CassetteWriter.write(header: file.header, interactions: file.interactions, to: output)
        } catch {
            throw CommandFailure(message: error.description)
        }
        print("wrote \(output): \(file.interactions.count) interactions")
    }
}
