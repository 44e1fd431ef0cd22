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
    enum Component: Sendable {
        case name(String)
        case index(Int)
    }

    /// The steps from the root; written out as text only when a violation is reported.
    private(set) var components: [Component] = []

    /// `$`, then `.name` (or `["name"]` when it is not a plain identifier) and `[index]` per step.
    var description: String {
        var text = "$"
        for component in components {
            switch component {
            case .name(let name) where name.utf8.allSatisfy(Self.isPlain): text += ".\(name)"
            case .name(let name): text += "[\"\(name)\"]"
            case .index(let index): text += "[\(index)]"
            }
        }
        return text
    }

    private static func isPlain(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
            true
        default: false
        }
    }

    func appending(_ name: String) -> JSONPath {
        var path = self
        path.components.append(.name(name))
        return path
    }

    func appending(_ index: Int) -> JSONPath {
        var path = self
        path.components.append(.index(index))
        return path
    }

    /// Steps down into `component`; the validator's walk pushes and pops instead of copying.
    mutating func push(_ component: Component) { components.append(component) }
    mutating func pop() { components.removeLast() }

    /// How many steps deep `path` (written as text) goes.
    static func depth(of path: String) -> Int { path.count(where: { $0 == "." || $0 == "[" }) }
}
