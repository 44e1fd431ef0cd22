import CassetteFormat

/// What OpenRouter requires of a request's parameters beyond the types its published schemas
/// give: numeric ranges from its parameter documentation, and the rules of the wire reference.
/// Each endpoint's list is data; `ParameterRule.check` is the one place that reads it.
enum ParameterRule: Sendable {
    /// A number from `minimum` to `maximum` (either bound may be open).
    case range(_ path: [String], minimum: Double?, maximum: Double?)
    /// A string the schema lists values for but also lets any string through (an "open enum"):
    /// OpenRouter rejects values outside the list.
    case listedValue(_ path: [String])
    /// At most one of these properties of the object at `path`.
    case atMostOne(_ path: [String], of: [String])
    /// Each element of the array at `path` is one of `values`.
    case elements(_ path: [String], in: [String])
    /// Must be absent or `null`; `reason` says why.
    case unsupported(_ path: [String], reason: String)

    /// The rules per endpoint path (after `/api/v1/`).
    static let byEndpoint: [String: [ParameterRule]] = [
        "chat/completions": sampling(temperature: 2) + [
            .range(["max_tokens"], minimum: 1, maximum: nil),
            .range(["max_completion_tokens"], minimum: 1, maximum: nil),
            .range(["top_logprobs"], minimum: 0, maximum: 20),
            .range(["repetition_penalty"], minimum: 0, maximum: 2),
            .range(["min_p"], minimum: 0, maximum: 1), .range(["top_a"], minimum: 0, maximum: 1),
            .listedValue(["reasoning", "effort"]), .listedValue(["reasoning_effort"]),
            .atMostOne(["reasoning"], of: ["effort", "max_tokens"]),
            .elements(["transforms"], in: ["middle-out"]),
        ],
        "completions": sampling(temperature: 2) + [
            .range(["max_tokens"], minimum: 1, maximum: nil),
            .range(["repetition_penalty"], minimum: 0, maximum: 2),
            .range(["min_p"], minimum: 0, maximum: 1), .range(["top_a"], minimum: 0, maximum: 1),
            .atMostOne(["reasoning"], of: ["effort", "max_tokens"]),
            .elements(["transforms"], in: ["middle-out"]),
        ],
        "responses": sampling(temperature: 2) + [
            .range(["max_output_tokens"], minimum: 1, maximum: nil),
            .range(["top_logprobs"], minimum: 0, maximum: 20),
            .listedValue(["reasoning", "effort"]),
            .atMostOne(["reasoning"], of: ["effort", "max_tokens"]),
            .unsupported(
                ["previous_response_id"],
                reason:
                    "is not supported: OpenRouter's Responses API is stateless; send the whole conversation in input"),
        ],
        "messages": [
            .range(["temperature"], minimum: 0, maximum: 1), .range(["top_p"], minimum: 0, maximum: 1),
            .range(["top_k"], minimum: 0, maximum: nil), .range(["max_tokens"], minimum: 1, maximum: nil),
        ],
        "embeddings": [.range(["dimensions"], minimum: 1, maximum: nil)],
    ]

    /// The sampling parameters OpenAI-style endpoints share.
    private static func sampling(temperature: Double) -> [ParameterRule] {
        [
            .range(["temperature"], minimum: 0, maximum: temperature), .range(["top_p"], minimum: 0, maximum: 1),
            .range(["top_k"], minimum: 0, maximum: nil),
            .range(["frequency_penalty"], minimum: -2, maximum: 2),
            .range(["presence_penalty"], minimum: -2, maximum: 2),
        ]
    }

    /// The path whose listed values this rule checks against, when it is a `listedValue` rule.
    var listedPath: [String]? {
        if case .listedValue(let path) = self { return path }
        return nil
    }

    /// What `body` breaks of this rule; `listed` is what the endpoint's schema lists at
    /// `listedPath` (found once, when the validator is made).
    func check(_ body: JSONValue, listed: [String]?) -> [Violation] {
        switch self {
        case .range(let path, let minimum, let maximum):
            guard let (value, at) = ParameterRule.value(at: path, in: body), let number = value.doubleValue else {
                return []
            }
            if let minimum, number < minimum {
                return [Violation(path: at, rule: "minimum", message: "must be at least \(Self.format(minimum))")]
            }
            if let maximum, number > maximum {
                return [Violation(path: at, rule: "maximum", message: "must be at most \(Self.format(maximum))")]
            }
            return []
        case .listedValue(let path):
            guard let (value, at) = ParameterRule.value(at: path, in: body), let text = value.stringValue,
                let listed, !listed.contains(text)
            else { return [] }
            return [
                Violation(
                    path: at, rule: "enum",
                    message: "must be one of \(listed.map { "\"\($0)\"" }.joined(separator: ", ")) (got \"\(text)\")")
            ]
        case .atMostOne(let path, let names):
            guard let (object, at) = ParameterRule.value(at: path, in: body) else { return [] }
            let present = names.filter { object[$0].map { !$0.isNull } ?? false }
            guard present.count > 1 else { return [] }
            return [
                Violation(
                    path: at, rule: "exclusive",
                    message:
                        "may set only one of \(names.joined(separator: ", ")) (got \(present.joined(separator: ", ")))")
            ]
        case .elements(let path, let values):
            guard let (array, at) = ParameterRule.value(at: path, in: body), let elements = array.arrayValue else {
                return []
            }
            return elements.enumerated().compactMap { index, element in
                guard let text = element.stringValue, !values.contains(text) else { return nil }
                return Violation(
                    path: "\(at)[\(index)]", rule: "enum",
                    message: "must be one of \(values.map { "\"\($0)\"" }.joined(separator: ", ")) (got \"\(text)\")")
            }
        case .unsupported(let path, let reason):
            guard let (value, at) = ParameterRule.value(at: path, in: body), !value.isNull else { return [] }
            return [Violation(path: at, rule: "unsupported", message: reason)]
        }
    }

    /// The value at `path` in `body` and its JSON path, when present.
    private static func value(at path: [String], in body: JSONValue) -> (JSONValue, String)? {
        var value = body
        var at = JSONPath()
        for name in path {
            guard let next = value[name] else { return nil }
            value = next
            at = at.appending(name)
        }
        return (value, at.description)
    }

    /// The values the schema lists for the string at `path` (following `properties` through
    /// `anyOf` / `oneOf` branches), or `nil` when it lists none.
    static func listedValues(at path: [String], in schema: Schema) -> [String]? {
        var nodes = [schema]
        for name in path {
            nodes = nodes.flatMap(branches).compactMap { $0.properties[name] }
            guard !nodes.isEmpty else { return nil }
        }
        let listed = nodes.flatMap(branches).compactMap(\.allowed).first
        return listed?.compactMap(\.stringValue)
    }

    /// A node and, recursively, its `anyOf` / `oneOf` branches.
    private static func branches(_ node: Schema) -> [Schema] {
        [node] + (node.anyOf + node.oneOf).flatMap(branches)
    }

    private static func format(_ number: Double) -> String {
        number.rounded() == number ? String(Int(number)) : String(number)
    }
}
