/// A cassette that cannot be used, named by file and, where it applies, line.
public struct CassetteError: Error, Sendable, CustomStringConvertible {
    public let path: String
    /// 1-based line in the (decompressed) JSON Lines text; line 1 is the header.
    public let line: Int?
    public let message: String

    public init(path: String, line: Int? = nil, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    public var description: String {
        guard let line else { return "\(path): \(message)" }
        let place = line == 1 ? "line 1 (header)" : "line \(line) (interaction \(line - 1))"
        return "\(path): \(place): \(message)"
    }
}

/// Damage at the end of a cassette, as a killed recording leaves it: reported, and everything
/// complete before it still loads.
public struct CassetteWarning: Sendable, CustomStringConvertible {
    public let path: String
    /// The 1-based number of the interaction that was lost.
    public let interaction: Int
    public let message: String

    public var description: String {
        "\(path): interaction \(interaction) is incomplete (\(message)); loaded the \(interaction - 1) interaction\(interaction - 1 == 1 ? "" : "s") before it"
    }
}
