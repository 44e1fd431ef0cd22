/// A loaded cassette: its header, its interactions in file order, and any tail damage found.
public struct CassetteFile: Sendable {
    public var path: String
    public var header: CassetteHeader
    public var interactions: [Interaction]
    public var warnings: [CassetteWarning]

    public init(path: String, header: CassetteHeader, interactions: [Interaction], warnings: [CassetteWarning] = []) {
        self.path = path
        self.header = header
        self.interactions = interactions
        self.warnings = warnings
    }

    /// Whether `path` names a cassette file by its extension.
    public static func isCassettePath(_ path: String) -> Bool {
        path.hasSuffix(".cassette.jsonl") || path.hasSuffix(".cassette.jsonl.gz")
    }
}
