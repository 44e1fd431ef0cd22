import CassetteFormat

/// One way a request breaks OpenRouter's rules: where (a JSON path such as `$.messages[2].role`),
/// which rule (`type`, `required`, `maximum`, `tool_call_id`, …) and what is wrong, in words.
public struct Violation: Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let rule: String
    public let message: String

    public init(path: String, rule: String, message: String) {
        self.path = path
        self.rule = rule
        self.message = message
    }

    /// `PATH: MESSAGE`.
    public var description: String { "\(path): \(message)" }

    /// `{"path","rule","message"}`, as error bodies and the journal carry it.
    public var jsonValue: JSONValue {
        .object([("path", .string(path)), ("rule", .string(rule)), ("message", .string(message))])
    }
}

/// A JSON path under construction: `$`, then `.name` or `[index]` steps.
struct JSONPath: Sendable, CustomStringConvertible {
    private(set) var description = "$"

    func appending(_ name: String) -> JSONPath {
        var path = self
        path.description += name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) ? ".\(name)" : "[\"\(name)\"]"
        return path
    }

    func appending(_ index: Int) -> JSONPath {
        var path = self
        path.description += "[\(index)]"
        return path
    }

    /// How many steps deep `path` (written as text) goes.
    static func depth(of path: String) -> Int { path.count(where: { $0 == "." || $0 == "[" }) }
}
