/// A scenario file that cannot be loaded: file, line, the key path, and what is wrong
/// (for a bad value, the allowed ones).
public struct ScenarioLoadError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let line: Int?
    public let key: String?
    public let message: String

    public init(path: String, line: Int?, key: String?, message: String) {
        self.path = path
        self.line = line
        self.key = key
        self.message = message
    }

    /// `scenarios/x.yaml:12: steps[0].fault.kind: "explode" is not one of disconnect, reset, …`
    public var description: String {
        var text = path
        if let line { text += ":\(line)" }
        text += ": "
        if let key, !key.isEmpty { text += "\(key): " }
        return text + message
    }
}
