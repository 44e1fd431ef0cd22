import CassetteFormat
import Foundation
import Playback

/// Where a step's `base.cassette` comes from: a file beside the scenario (scenario files on disk),
/// or a cassette the server has loaded, named by its file name (scenarios posted to the admin API,
/// which must never read a path a client chose).
public enum BaseCassettes: Sendable {
    /// `base.cassette` is a path, relative to the scenario file's folder.
    case files
    /// `base.cassette` is the file name of one of these loaded cassettes, with or without
    /// `.cassette.jsonl[.gz]`; nothing is read from disk.
    case loaded(CassetteCatalog)

    /// The recorded interaction `number` (1-based) of the cassette `name` gives, and its path.
    func interaction(_ name: String, number: Int, scenarioPath: String) throws(BaseFailure) -> (String, [Interaction]) {
        switch self {
        case .files:
            let folder = (scenarioPath as NSString).deletingLastPathComponent
            let path = name.hasPrefix("/") ? name : (folder as NSString).appendingPathComponent(name)
            do { return (path, try CassetteReader.read(path: path).interactions) } catch {
                throw BaseFailure(message: "cannot use the cassette: \(error)")
            }
        case .loaded(let catalog):
            guard !name.contains("/") else {
                throw BaseFailure(
                    message: "names a loaded cassette by its file name, not a path; loaded: \(Self.names(catalog))")
            }
            let file = catalog.files.first { file in
                let fileName = (file.path as NSString).lastPathComponent
                return fileName == name || Self.stem(fileName) == name
            }
            guard let file else {
                throw BaseFailure(message: "\"\(name)\" is not a loaded cassette; loaded: \(Self.names(catalog))")
            }
            return (file.path, file.interactions)
        }
    }

    struct BaseFailure: Error {
        let message: String
    }

    private static func stem(_ fileName: String) -> String {
        for suffix in [".cassette.jsonl.gz", ".cassette.jsonl"] where fileName.hasSuffix(suffix) {
            return String(fileName.dropLast(suffix.count))
        }
        return fileName
    }

    private static func names(_ catalog: CassetteCatalog) -> String {
        let names = catalog.files.map { stem(($0.path as NSString).lastPathComponent) }
        return names.isEmpty ? "(none)" : names.joined(separator: ", ")
    }
}
