extension CassetteHeader {
    /// The header line's JSON object.
    public var jsonValue: JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("format", .string(FormatVersion.formatName)),
            ("version", .string(version.description)),
            ("created", .string(created)),
            ("tool", .string(tool)),
        ]
        if let origin { pairs.append(("origin", .string(origin))) }
        if let description { pairs.append(("description", .string(description))) }
        return .object(pairs)
    }

    /// Reads a header line; refuses another format's file and an unknown major version by name.
    public init(json: JSONValue) throws(CassetteDecodingError) {
        let fields = try FieldReader(json, path: "")
        let format = try fields.optionalString("format")
        guard format == FormatVersion.formatName else { throw .notACassette(found: format) }
        let versionText = try fields.string("version")
        guard let version = FormatVersion(versionText) else {
            throw .fieldError(path: "version", message: "expected \"MAJOR.MINOR\", found \"\(versionText)\"")
        }
        guard version.isReadable else { throw .unsupportedVersion(version) }
        self.init(
            version: version,
            created: try fields.optionalString("created") ?? "",
            tool: try fields.optionalString("tool") ?? "",
            origin: try fields.optionalString("origin"),
            description: try fields.optionalString("description"))
    }
}

/// Why one line of a cassette could not be read.
public enum CassetteDecodingError: Error, Sendable, CustomStringConvertible {
    case invalidJSON(JSONParser.Failure)
    case notACassette(found: String?)
    case unsupportedVersion(FormatVersion)
    case fieldError(path: String, message: String)

    public var description: String {
        switch self {
        case .invalidJSON(let failure): return "invalid JSON: \(failure)"
        case .notACassette(let found):
            return
                "not a MockRouter cassette: the header's \"format\" is \(found.map { "\"\($0)\"" } ?? "missing"), expected \"\(FormatVersion.formatName)\""
        case .unsupportedVersion(let version):
            return
                "cassette format version \(version) is not supported: this reader knows \(FormatVersion.current.major).x; upgrade mockrouter to read it"
        case .fieldError(let path, let message): return "\(path) \(message)"
        }
    }
}
