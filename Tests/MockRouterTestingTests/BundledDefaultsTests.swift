import BundledDefaults
import Foundation
import Testing

/// The examples compiled into the binary are the repository's `cassettes/` and `scenarios/`.
struct BundledDefaultsTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test(arguments: [
        ("cassettes", BundledDefaults.cassetteFiles, [".cassette.jsonl", ".cassette.jsonl.gz"]),
        ("scenarios", BundledDefaults.scenarioFiles, [".yaml", ".yml", ".json"]),
    ])
    func embeddedCopyEqualsTheFolder(folder: String, embedded: [BundledDefaults.File], suffixes: [String]) throws {
        let directory = Self.repository.appendingPathComponent(folder)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { name in suffixes.contains { name.hasSuffix($0) } }.sorted()
        let hint = "run scripts/embed-defaults after changing \(folder)/"
        #expect(embedded.map(\.name) == names, Comment(rawValue: hint))
        for file in embedded {
            let onDisk = FileManager.default.contents(atPath: directory.appendingPathComponent(file.name).path)
            #expect(
                onDisk.map { [UInt8]($0) } == file.bytes, Comment(rawValue: "\(folder)/\(file.name) differs: \(hint)"))
        }
    }

    @Test func everyEmbeddedFileLoads() throws {
        let catalog = try BundledDefaults.catalog()
        #expect(catalog.files.count == BundledDefaults.cassetteFiles.count)
        #expect(catalog.files.allSatisfy { $0.path.hasPrefix("bundled:cassettes/") && $0.warnings.isEmpty })
        let scenarios = try BundledDefaults.scenarios()
        #expect(scenarios.count == BundledDefaults.scenarioFiles.count)
        #expect(scenarios.contains { $0.name == "rate-limit" && $0.path == "bundled:scenarios/rate-limit.yaml" })
    }
}
