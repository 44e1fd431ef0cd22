import CassetteFormat
import Foundation

/// Loads a cassette for a command: errors become a failure naming file and line; tail damage is
/// printed to stderr and what loaded is used.
enum CassetteLoading {
    static func load(_ path: String) throws -> CassetteFile {
        do {
            let file = try CassetteReader.read(path: path)
            for warning in file.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
            return file
        } catch {
            throw CommandFailure(message: error.description)
        }
    }
}
