import CassetteFormat

/// Breaks tool-call arguments against the JSON Schema the request gave for that tool, as a model
/// that misread the schema would (`tool_args_schema_violation`).
enum SchemaViolation {
    /// `arguments` (JSON text) changed to break `schema`: the `preferred` rule when the schema
    /// allows it, else the first it allows of missing_required, wrong_type, enum_value,
    /// extra_property (always possible). Without a schema, an extra property.
    static func `break`(arguments: String, schema: JSONValue?, preferring preferred: Misbehaviour.Violation?)
        -> String
    {
        var pairs: [(String, JSONValue)] = []
        if case .object(let parsed) = (try? JSONParser.parse(arguments)) ?? .null { pairs = parsed }
        let properties = schema?["properties"]?.objectValue ?? []
        let required = (schema?["required"]?.arrayValue ?? []).compactMap(\.stringValue)
        let order: [Misbehaviour.Violation] =
            (preferred.map { [$0] } ?? []) + [.missingRequired, .wrongType, .enumValue, .extraProperty]
        for rule in order {
            switch rule {
            case .missingRequired:
                guard let name = required.first(where: { name in pairs.contains { $0.0 == name } }) else { continue }
                pairs.removeAll { $0.0 == name }
            case .wrongType:
                guard
                    let (name, property) = properties.first(where: { name, property in
                        property["type"]?.stringValue != nil && pairs.contains { $0.0 == name }
                    }),
                    let type = property["type"]?.stringValue
                else { continue }
                set(name, to: wrongValue(for: type), in: &pairs)
            case .enumValue:
                guard let (name, _) = properties.first(where: { $0.1["enum"]?.arrayValue != nil }) else { continue }
                set(name, to: .string("not_in_enum"), in: &pairs)
            case .extraProperty:
                var name = "unexpected_property"
                while pairs.contains(where: { $0.0 == name }) { name += "_" }
                pairs.append((name, .bool(true)))
            }
            return JSONWriter.string(.object(pairs))
        }
        return JSONWriter.string(.object(pairs))
    }

    /// A value of another JSON type than `type`.
    static func wrongValue(for type: String) -> JSONValue {
        switch type {
        case "string": return .int(12345)
        case "integer", "number": return .string("not a number")
        case "boolean": return .string("yes")
        case "array": return .object([])
        default: return .string("text")
        }
    }

    static func set(_ name: String, to value: JSONValue, in pairs: inout [(String, JSONValue)]) {
        if let index = pairs.firstIndex(where: { $0.0 == name }) {
            pairs[index].1 = value
        } else {
            pairs.append((name, value))
        }
    }
}
