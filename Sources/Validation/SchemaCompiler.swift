import CassetteFormat

/// Turns a JSON Schema document (with `$defs`) into `Schema` nodes, each definition compiled once
/// and shared by every `$ref` to it.
struct SchemaCompiler {
    /// A schema the compiler cannot use: a `$ref` to a missing definition, or a definition that
    /// refers to itself (OpenRouter's request schemas have none; the script that regenerates
    /// them would have to change first).
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private let definitions: [String: JSONValue]
    private var compiled: [String: Schema] = [:]
    private var compiling: Set<String> = []

    init(document: JSONValue) {
        definitions = Dictionary(
            (document["$defs"]?.objectValue ?? []).map { ($0.0, $0.1) }, uniquingKeysWith: { first, _ in first })
    }

    /// Compiles `document`, its `$defs` included.
    static func compile(_ document: JSONValue) throws(Failure) -> Schema {
        var compiler = SchemaCompiler(document: document)
        return try compiler.node(document)
    }

    private mutating func node(_ value: JSONValue) throws(Failure) -> Schema {
        guard case .object = value else { return .anything }
        if let reference = value["$ref"]?.stringValue { return try definition(reference) }
        var properties: [String: Schema] = [:]
        for (name, property) in value["properties"]?.objectValue ?? [] { properties[name] = try node(property) }
        let additional: Schema? =
            switch value["additionalProperties"] {
            case .bool(false): Schema(types: [])
            case .some(.object(let schema)): try node(.object(schema))
            default: nil
            }
        let types: Set<JSONType>? =
            switch value["type"] {
            case .string(let name): JSONType(rawValue: name).map { [$0] } ?? nil
            case .array(let names): Set(names.compactMap { $0.stringValue.flatMap(JSONType.init(rawValue:)) })
            default: nil
            }
        var anyOf: [Schema] = []
        for branch in value["anyOf"]?.arrayValue ?? [] { anyOf.append(try node(branch)) }
        var oneOf: [Schema] = []
        for branch in value["oneOf"]?.arrayValue ?? [] { oneOf.append(try node(branch)) }
        return Schema(
            types: types, properties: properties,
            required: value["required"]?.arrayValue?.compactMap(\.stringValue) ?? [],
            additionalProperties: additional, items: try value["items"].map { v throws(Failure) in try node(v) },
            allowed: value["enum"]?.arrayValue, constant: value["const"], anyOf: anyOf, oneOf: oneOf,
            discriminator: try discriminator(value))
    }

    /// `discriminator: {propertyName, mapping: {TAG: "#/$defs/NAME"}}` as tag → branch.
    private mutating func discriminator(_ value: JSONValue) throws(Failure) -> Schema.Discriminator? {
        guard let property = value["discriminator"]?["propertyName"]?.stringValue,
            let mapping = value["discriminator"]?["mapping"]?.objectValue
        else { return nil }
        var branches: [String: Schema] = [:]
        for (tag, reference) in mapping {
            guard let reference = reference.stringValue else { continue }
            branches[tag] = try definition(reference)
        }
        return Schema.Discriminator(property: property, branches: branches)
    }

    private mutating func definition(_ reference: String) throws(Failure) -> Schema {
        let prefix = "#/$defs/"
        guard reference.hasPrefix(prefix) else { throw Failure(description: "unsupported $ref \(reference)") }
        let name = String(reference.dropFirst(prefix.count))
        if let done = compiled[name] { return done }
        guard let body = definitions[name] else { throw Failure(description: "$ref to a missing definition \(name)") }
        guard compiling.insert(name).inserted else {
            throw Failure(description: "definition \(name) refers to itself")
        }
        let schema = try node(body)
        compiling.remove(name)
        compiled[name] = schema
        return schema
    }
}
