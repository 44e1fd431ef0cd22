import CassetteFormat

/// One JSON Schema node, compiled from the schema data once so that validating a request walks
/// dictionaries and sets instead of the schema's JSON. It understands the keywords OpenRouter's
/// request schemas use: `type`, `properties`, `required`, `additionalProperties`, `items`, `enum`,
/// `const`, `anyOf`, `oneOf` (with `discriminator`) and `$ref` into `$defs`. Annotations such as
/// `default`, `format` and `deprecated` do not constrain.
final class Schema: Sendable {
    /// The JSON types the value may have (`nil`: any); `integer` is a number with no fraction.
    let types: Set<JSONType>?
    let properties: [String: Schema]
    let required: [String]
    /// The schema of properties not listed (`nil`: any value).
    let additionalProperties: Schema?
    let items: Schema?
    let allowed: [JSONValue]?
    let constant: JSONValue?
    let anyOf: [Schema]
    let oneOf: [Schema]
    let discriminator: Discriminator?

    struct Discriminator: Sendable {
        let property: String
        let branches: [String: Schema]
    }

    init(
        types: Set<JSONType>? = nil, properties: [String: Schema] = [:], required: [String] = [],
        additionalProperties: Schema? = nil, items: Schema? = nil, allowed: [JSONValue]? = nil,
        constant: JSONValue? = nil, anyOf: [Schema] = [], oneOf: [Schema] = [], discriminator: Discriminator? = nil
    ) {
        self.types = types
        self.properties = properties
        self.required = required
        self.additionalProperties = additionalProperties
        self.items = items
        self.allowed = allowed
        self.constant = constant
        self.anyOf = anyOf
        self.oneOf = oneOf
        self.discriminator = discriminator
    }

    /// A node that accepts every value.
    static let anything = Schema()
}

/// The JSON types a schema names.
enum JSONType: String, Sendable, CaseIterable {
    case boolean, integer, number, string, array, object, null

    /// Whether `value` has this type (`integer`: a number with no fraction; `number`: any number).
    func admits(_ value: JSONValue) -> Bool {
        switch (self, value) {
        case (.null, .null), (.boolean, .bool), (.string, .string), (.array, .array), (.object, .object),
            (.number, .number):
            return true
        case (.integer, .number(let lexeme)):
            guard lexeme.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) else { return true }
            guard let number = Double(lexeme) else { return false }
            return number.isFinite && number.rounded() == number
        default:
            return false
        }
    }
}
