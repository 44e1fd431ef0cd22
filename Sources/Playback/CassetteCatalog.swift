import CassetteFormat
import Foundation

/// Every loaded cassette interaction, indexed by request key. Files load in path order, and the
/// interactions of one key keep that order: it is the order identical requests are answered in.
public struct CassetteCatalog: Sendable {
    public private(set) var files: [CassetteFile] = []
    public private(set) var entries: [CatalogEntry] = []
    private var index: [RequestKey: [Int]] = [:]
    /// The first recording of each request key, for near-miss reports.
    public private(set) var nearMisses = NearMissIndex()

    public init() {}

    /// Adds a loaded file's interactions.
    public mutating func add(_ file: CassetteFile) {
        files.append(file)
        for (offset, interaction) in file.interactions.enumerated() {
            insert(CatalogEntry(cassette: file.path, number: offset + 1, interaction: interaction))
        }
    }

    /// Adds one interaction to `cassette` (its file entry is created if needed), after those already there.
    public mutating func append(_ interaction: Interaction, cassette: String) {
        let position = files.firstIndex { $0.path == cassette }
        let number = (position.map { files[$0].interactions.count } ?? 0) + 1
        insert(CatalogEntry(cassette: cassette, number: number, interaction: interaction))
        if let position {
            files[position].interactions.append(interaction)
        } else {
            files.append(
                CassetteFile(
                    path: cassette, header: CassetteHeader(created: "", tool: "mockrouter"), interactions: [interaction]
                ))
        }
    }

    private mutating func insert(_ entry: CatalogEntry) {
        if index[entry.key] == nil { nearMisses.add(entry.interaction.request, entry: entries.count) }
        index[entry.key, default: []].append(entries.count)
        entries.append(entry)
    }

    /// Positions in `entries` of the recordings for `key`, in answer order.
    public func indices(for key: RequestKey) -> [Int] { index[key] ?? [] }

    /// Loads every cassette named by `paths` (files, or folders searched recursively for
    /// `*.cassette.jsonl` and `*.cassette.jsonl.gz`). A bad file throws, unless `skipBad` is set:
    /// then it is passed to `onSkip` and left out. Tail damage is passed to `onWarning`.
    public static func load(
        paths: [String], skipBad: Bool,
        onWarning: (CassetteWarning) -> Void = { _ in },
        onSkip: (CassetteError) -> Void = { _ in }
    ) throws(CassetteError) -> CassetteCatalog {
        var catalog = CassetteCatalog()
        try catalog.load(paths: paths, skipBad: skipBad, onWarning: onWarning, onSkip: onSkip)
        return catalog
    }

    /// Adds every cassette named by `paths`, as `load(paths:…)` reads them, after those already here.
    public mutating func load(
        paths: [String], skipBad: Bool,
        onWarning: (CassetteWarning) -> Void = { _ in },
        onSkip: (CassetteError) -> Void = { _ in }
    ) throws(CassetteError) {
        for path in try CassetteCatalog.cassettePaths(in: paths) {
            do {
                let file = try CassetteReader.read(path: path)
                file.warnings.forEach(onWarning)
                add(file)
            } catch {
                guard skipBad else { throw error }
                onSkip(error)
            }
        }
    }

    /// The cassette files named by `paths`, folders expanded, sorted within each folder.
    public static func cassettePaths(in paths: [String]) throws(CassetteError) -> [String] {
        var result: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw CassetteError(path: path, message: "no such file or folder")
            }
            guard isDirectory.boolValue else {
                result.append(path)
                continue
            }
            let found = (FileManager.default.enumerator(atPath: path)?.allObjects as? [String] ?? [])
                .filter(CassetteFile.isCassettePath)
                .sorted()
                .map { (path as NSString).appendingPathComponent($0) }
            result.append(contentsOf: found)
        }
        return result
    }
}
