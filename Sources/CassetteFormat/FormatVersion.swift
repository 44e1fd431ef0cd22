/// A cassette format version, `MAJOR.MINOR`. Readers accept every minor version of the
/// majors they know and refuse any other major by name.
public struct FormatVersion: Sendable, Hashable, CustomStringConvertible {
    public let major: Int
    public let minor: Int

    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// The version this library writes.
    public static let current = FormatVersion(major: 1, minor: 0)

    /// The format name every header carries.
    public static let formatName = "mockrouter-cassette"

    /// Parses `"1.0"`; `nil` when the text is not two dot-separated non-negative integers.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let major = Int(parts[0]), let minor = Int(parts[1]), major >= 0, minor >= 0 else {
            return nil
        }
        self.init(major: major, minor: minor)
    }

    /// Whether a reader of `FormatVersion.current` can read this version.
    public var isReadable: Bool { major == FormatVersion.current.major }

    public var description: String { "\(major).\(minor)" }
}
