import CassetteFormat
import Foundation
import NIOCore
import Playback
import Scenarios

/// Answers `POST /embeddings` when no recording does, in OpenRouter's shape: one deterministic
/// unit vector per input, seeded by the input alone (the same text gives the same vector in any
/// request, session or run), `dimensions` long, as numbers or as base64 of little-endian float32
/// (`encoding_format`), with usage priced like a scenario answer.
enum EmbeddingResponder {
    /// Vector length when the request gives no `dimensions` (that of `text-embedding-3-small`).
    static let defaultDimensions = 1_536
    static let defaultModel = "openai/text-embedding-3-small"
    static let path = "/api/v1/embeddings"

    /// The answer for `request`, or a 400 naming what is wrong with it. `usage` fixes prompt
    /// tokens or cost when a scenario's step gives them.
    static func answer(_ request: IncomingRequest, fixed usage: UsageSpec? = nil) -> PlaybackPlan {
        let body = request.json
        let inputs: [String]
        switch readInputs(body?["input"]) {
        case .success(let read): inputs = read
        case .failure(let problem): return invalid(problem.message)
        }
        var dimensions = defaultDimensions
        if let value = body?["dimensions"] {
            guard let number = value.intValue, (1...Limits.maxEmbeddingDimensions).contains(number) else {
                return invalid("dimensions must be a whole number from 1 to \(Limits.maxEmbeddingDimensions)")
            }
            dimensions = number
        }
        guard inputs.count * dimensions <= Limits.maxEmbeddingValues else {
            return invalid(
                "\(inputs.count) inputs × \(dimensions) dimensions is more than \(Limits.maxEmbeddingValues) values in one answer"
            )
        }
        let format = body?["encoding_format"]?.stringValue ?? "float"
        guard format == "float" || format == "base64" else {
            return invalid(
                "encoding_format must be float or base64; got \(body?["encoding_format"].map(JSONWriter.string) ?? "")")
        }
        let model = body?["model"]?.stringValue ?? defaultModel
        let data = inputs.enumerated().map { index, text -> JSONValue in
            let vector = vector(for: text, dimensions: dimensions)
            return .object([
                ("object", .string("embedding")),
                ("embedding", format == "base64" ? .string(base64(vector)) : .array(vector.map { .number("\($0)") })),
                ("index", .int(index)),
            ])
        }
        let prompt = usage?.promptTokens ?? inputs.reduce(0) { $0 + max(1, ($1.count + 3) / 4) }
        let price = CatalogueResponder.prices[model]
        let cost = usage?.cost ?? .double(Double(prompt) * (price?.prompt ?? 0.000_001))
        var random = SeededRandom(seed: UInt64.random(in: .min ... .max))
        let identity = AnswerIdentity.fresh(toolCalls: 0, using: &random)
        let answer = JSONValue.object([
            ("id", .string("gen-emb-\(identity.created)-\(identity.generationTail)")), ("object", .string("list")),
            ("model", .string(model)), ("data", .array(data)),
            ("usage", .object([("prompt_tokens", .int(prompt)), ("total_tokens", .int(prompt)), ("cost", cost)])),
        ])
        return .json(status: 200, body: answer)
    }

    struct Problem: Error { let message: String }

    /// The texts to embed: `input` as a string, an array of strings, an array of token ids or an
    /// array of such arrays (token ids are embedded by their decimal spelling).
    static func readInputs(_ input: JSONValue?) -> Result<[String], Problem> {
        let shape = "input must be a string, an array of strings, an array of token ids or an array of those"
        guard let input else { return .failure(Problem(message: "input is required")) }
        if let text = input.stringValue { return .success([text]) }
        guard let elements = input.arrayValue, !elements.isEmpty else { return .failure(Problem(message: shape)) }
        guard elements.count <= Limits.maxEmbeddingInputs else {
            return .failure(Problem(message: "input has \(elements.count) items; at most \(Limits.maxEmbeddingInputs)"))
        }
        if elements.allSatisfy({ $0.intValue != nil }) {
            return .success([elements.map(JSONWriter.string).joined(separator: " ")])
        }
        var texts: [String] = []
        for element in elements {
            if let text = element.stringValue {
                texts.append(text)
            } else if let tokens = element.arrayValue, !tokens.isEmpty, tokens.allSatisfy({ $0.intValue != nil }) {
                texts.append(tokens.map(JSONWriter.string).joined(separator: " "))
            } else {
                return .failure(Problem(message: shape))
            }
        }
        return .success(texts)
    }

    /// A unit vector seeded by `text`.
    static func vector(for text: String, dimensions: Int) -> [Float] {
        var random = SeededRandom(seed: SeededRandom.seed(for: text), UInt64(dimensions))
        let raw = (0..<dimensions).map { _ in random.signedUnit() }
        let length = raw.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return raw.map { Float(length > 0 ? $0 / length : 0) }
    }

    /// Little-endian float32s, base64, as OpenAI's `encoding_format: base64`.
    static func base64(_ vector: [Float]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(vector.count * 4)
        for value in vector { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        return Data(bytes).base64EncodedString()
    }

    static func invalid(_ message: String) -> PlaybackPlan {
        ErrorResponse(status: 400, message: message, metadata: [("error_type", .string("invalid_request"))]).plan
    }
}
