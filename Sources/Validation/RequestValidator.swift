import CassetteFormat
import Foundation

/// Checks request bodies against OpenRouter's published request schemas (the data in
/// `schemas/openrouter-requests.json`, compiled into the binary), its parameter rules and the
/// coherence of the conversation.
public struct RequestValidator: Sendable {
    /// Where the schemas come from and when they were taken.
    public static let schemaSource = EmbeddedSchemas.source
    /// The endpoints checked (paths after `/api/v1/`); `completions` has rules but no schema.
    public static let endpoints = ["chat/completions", "completions", "responses", "messages", "embeddings"]

    private let schemas: [String: Schema]
    /// Each endpoint's parameter rules, with the values its schema lists for a `listedValue` rule.
    private let rules: [String: [(rule: ParameterRule, listed: [String]?)]]

    /// The validator of the embedded schemas, compiled on first use.
    public static let openRouter: RequestValidator = {
        do {
            return try RequestValidator(document: embeddedDocument())
        } catch {
            preconditionFailure("the embedded request schemas do not load (run scripts/update-schemas): \(error)")
        }
    }()

    /// A validator of `document`: `{ENDPOINT: JSON Schema}`.
    init(document: JSONValue) throws {
        var schemas: [String: Schema] = [:]
        for (endpoint, schema) in document.objectValue ?? [] { schemas[endpoint] = try SchemaCompiler.compile(schema) }
        self.schemas = schemas
        var rules: [String: [(rule: ParameterRule, listed: [String]?)]] = [:]
        for (endpoint, endpointRules) in ParameterRule.byEndpoint {
            let schema = schemas[endpoint] ?? .anything
            rules[endpoint] = endpointRules.map { rule in
                (rule, rule.listedPath.flatMap { ParameterRule.listedValues(at: $0, in: schema) })
            }
        }
        self.rules = rules
    }

    /// What is wrong with `body` as a request to `endpoint`, at most `Limits.maxReportedViolations`,
    /// schema violations first; empty for an endpoint it does not check.
    public func violations(endpoint: String, body: JSONValue) -> [Violation] {
        guard Self.endpoints.contains(endpoint) else { return [] }
        let schema = schemas[endpoint] ?? .anything
        var found = SchemaValidator.violations(of: body, against: schema)
        for (rule, listed) in rules[endpoint] ?? [] { found += rule.check(body, listed: listed) }
        found += ConversationRules.violations(endpoint: endpoint, body: body)
        var seen = Set<String>()
        return Array(
            found.filter { seen.insert("\($0.path) \($0.rule)").inserted }.prefix(Limits.maxReportedViolations))
    }

    private static func embeddedDocument() throws -> JSONValue {
        let packed = Data(base64Encoded: EmbeddedSchemas.gzipBase64, options: .ignoreUnknownCharacters) ?? Data()
        return try JSONParser.parse(Gzip.decompress(Array(packed)).bytes)
    }
}
