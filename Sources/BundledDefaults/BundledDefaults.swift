import CassetteFormat
import Foundation
import Playback
import Scenarios

/// The example cassettes and scenarios compiled into the binary (from the repository's
/// `cassettes/` and `scenarios/`, by `scripts/embed-defaults`), so a copy of `mockrouter` alone
/// serves them from anywhere.
public enum BundledDefaults {
    /// The prefix of the path a bundled file is known by in logs, journals and near-miss reports.
    public static let pathPrefix = "bundled:"

    /// One embedded file: its path as shown (`bundled:cassettes/NAME`) and its bytes.
    public struct File: Sendable {
        public let folder: String
        public let name: String
        public let bytes: [UInt8]

        /// `bundled:FOLDER/NAME`.
        public var path: String { BundledDefaults.pathPrefix + folder + "/" + name }
    }

    /// The embedded cassette files, in name order.
    public static var cassetteFiles: [File] { decode(EmbeddedFiles.cassettes, folder: "cassettes") }

    /// The embedded scenario files, in name order.
    public static var scenarioFiles: [File] { decode(EmbeddedFiles.scenarios, folder: "scenarios") }

    /// Every embedded cassette, loaded.
    public static func catalog() throws(CassetteError) -> CassetteCatalog {
        var catalog = CassetteCatalog()
        for file in cassetteFiles {
            catalog.add(try CassetteReader.decode(file.bytes, path: file.path))
        }
        return catalog
    }

    /// Every embedded scenario, loaded.
    public static func scenarios() throws(ScenarioLoadError) -> [Scenario] {
        var scenarios: [Scenario] = []
        for file in scenarioFiles {
            scenarios.append(
                try ScenarioLoader.load(text: String(decoding: file.bytes, as: UTF8.self), path: file.path))
        }
        return scenarios
    }

    private static func decode(_ entries: [(name: String, base64: String)], folder: String) -> [File] {
        entries.map { entry in
            let data = Data(base64Encoded: entry.base64, options: .ignoreUnknownCharacters) ?? Data()
            return File(folder: folder, name: entry.name, bytes: [UInt8](data))
        }
    }
}
