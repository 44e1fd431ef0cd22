import CassetteFormat
import Yams

/// A node of a scenario document with where it came from, and typed reads that fail with a
/// `ScenarioLoadError` naming the file, line, key path and what was expected.
struct SourceNode {
    let node: Node
    let path: String
    let keyPath: String

    var line: Int? { node.mark?.line }

    func failure(_ message: String, key: String? = nil) -> ScenarioLoadError {
        ScenarioLoadError(path: path, line: line, key: key ?? keyPath, message: message)
    }

    func child(_ node: Node, _ key: String) -> SourceNode {
        SourceNode(node: node, path: path, keyPath: keyPath.isEmpty ? key : "\(keyPath).\(key)")
    }

    var kind: String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar: return node.null != nil ? "null" : "a scalar"
        case .alias: return "an alias"
        }
    }

    /// The mapping's entries, refusing keys outside `allowed` (naming them).
    func mapping(allowed: [String]) throws(ScenarioLoadError) -> Fields {
        guard case .mapping(let mapping) = node else { throw failure("expected a mapping, found \(kind)") }
        var entries: [(String, SourceNode)] = []
        for (key, value) in mapping {
            guard let name = key.string else { throw failure("keys must be strings") }
            let entry = child(value, name)
            guard allowed.contains(name) else {
                throw ScenarioLoadError(
                    path: path, line: key.mark?.line, key: entry.keyPath,
                    message: "unknown key; allowed keys here: \(allowed.joined(separator: ", "))")
            }
            guard !entries.contains(where: { $0.0 == name }) else {
                throw ScenarioLoadError(
                    path: path, line: key.mark?.line, key: entry.keyPath, message: "the key appears twice")
            }
            entries.append((name, entry))
        }
        return Fields(owner: self, entries: entries)
    }

    func list() throws(ScenarioLoadError) -> [SourceNode] {
        guard case .sequence(let sequence) = node else { throw failure("expected a list, found \(kind)") }
        return sequence.enumerated().map {
            SourceNode(node: $0.element, path: path, keyPath: "\(keyPath)[\($0.offset)]")
        }
    }

    func string() throws(ScenarioLoadError) -> String {
        guard case .scalar(let scalar) = node, !(scalar.style == .plain && node.null != nil) else {
            throw failure("expected text, found \(kind)")
        }
        return scalar.string
    }

    func int(in range: ClosedRange<Int> = Int.min...Int.max) throws(ScenarioLoadError) -> Int {
        guard let value = node.int else {
            throw failure("expected an integer, found \(node.string.map { "\"\($0)\"" } ?? kind)")
        }
        guard range.contains(value) else {
            throw failure("\(value) is outside \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    func number(minimum: Double = 0) throws(ScenarioLoadError) -> Double {
        guard let value = node.int.map(Double.init) ?? node.float, value.isFinite else {
            throw failure("expected a number, found \(node.string.map { "\"\($0)\"" } ?? kind)")
        }
        guard value >= minimum else { throw failure("must be at least \(minimum)") }
        return value
    }

    /// A duration in ms: a number from 0 to `Limits.maxDurationMs` (24 h).
    func duration() throws(ScenarioLoadError) -> Double {
        let value = try number()
        guard value <= Limits.maxDurationMs else {
            throw failure("\(value) ms is longer than \(Int(Limits.maxDurationMs)) ms (24 h, the longest duration)")
        }
        return value
    }

    func bool() throws(ScenarioLoadError) -> Bool {
        guard let value = node.bool else {
            throw failure("expected true or false, found \(node.string.map { "\"\($0)\"" } ?? kind)")
        }
        return value
    }

    /// One of `allowed`, named in the error otherwise.
    func choice(_ allowed: [String]) throws(ScenarioLoadError) -> String {
        let value = try string()
        guard allowed.contains(value) else {
            throw failure("\"\(value)\" is not one of \(allowed.joined(separator: ", "))")
        }
        return value
    }

    /// One of `T`'s cases, by raw value.
    func choice<T: CaseIterable & RawRepresentable>(_ type: T.Type) throws(ScenarioLoadError) -> T
    where T.RawValue == String {
        let value = try choice(T.allCases.map(\.rawValue))
        guard let chosen = T(rawValue: value) else { throw failure("\"\(value)\" is not allowed") }
        return chosen
    }

    /// The node as a JSON value (numbers keep their spelling; YAML integers and floats become JSON numbers).
    func json() throws(ScenarioLoadError) -> JSONValue {
        switch node {
        case .scalar(let scalar):
            if node.null != nil && scalar.style == .plain { return .null }
            if scalar.style == .plain, let bool = node.bool { return .bool(bool) }
            if scalar.style == .plain, node.int != nil || node.float != nil,
                let number = try? JSONParser.parse(scalar.string), case .number = number
            {
                return number
            }
            if scalar.style == .plain, let int = node.int { return .int(int) }
            if scalar.style == .plain, let float = node.float, float.isFinite { return .double(float) }
            return .string(scalar.string)
        case .mapping:
            guard case .mapping(let mapping) = node else { return .null }
            var pairs: [(String, JSONValue)] = []
            for (key, value) in mapping {
                guard let name = key.string else { throw failure("keys must be strings") }
                pairs.append((name, try child(value, name).json()))
            }
            return .object(pairs)
        case .sequence:
            var elements: [JSONValue] = []
            for element in try list() { elements.append(try element.json()) }
            return .array(elements)
        case .alias:
            throw failure("YAML aliases are not supported")
        }
    }
}

/// The entries of a mapping, read by key.
struct Fields {
    let owner: SourceNode
    let entries: [(String, SourceNode)]

    subscript(key: String) -> SourceNode? {
        guard let node = entries.first(where: { $0.0 == key })?.1,
            !(node.node.null != nil && node.node.scalar?.style == .plain)
        else { return nil }
        return node
    }

    func required(_ key: String) throws(ScenarioLoadError) -> SourceNode {
        guard let node = self[key] else {
            throw ScenarioLoadError(
                path: owner.path, line: owner.line, key: owner.keyPath.isEmpty ? key : "\(owner.keyPath).\(key)",
                message: "is required")
        }
        return node
    }

    func has(_ key: String) -> Bool { self[key] != nil }
}
