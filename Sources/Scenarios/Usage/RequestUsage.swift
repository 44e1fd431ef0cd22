import CassetteFormat
import Playback

/// What a scenario answer's usage is computed from when the step does not fix it: the prompt
/// tokens estimated from the request, and the catalogue's price for each model.
public struct RequestUsage: Sendable {
    /// The request's prompt tokens, as `estimatePromptTokens` counts them.
    public var promptTokens: Int
    /// Prices by model id; a model not listed costs the default rate.
    public var prices: [String: ModelPrice]

    public init(promptTokens: Int, prices: [String: ModelPrice] = [:]) {
        self.promptTokens = promptTokens
        self.prices = prices
    }

    /// The fields whose text counts toward the prompt.
    static let promptFields = ["messages", "input", "prompt", "system", "instructions", "tools"]

    /// An estimate a test can predict: one token per four characters (rounded up) of every string
    /// value under `messages`, `input`, `prompt`, `system`, `instructions` and `tools` (keys do not
    /// count), plus four per message or input item, and at least one.
    public static func estimatePromptTokens(_ request: IncomingRequest) -> Int {
        guard let body = request.json else { return 1 }
        var characters = 0
        var items = 0
        for field in promptFields {
            guard let value = body[field] else { continue }
            characters += textLength(value)
            if field == "messages" || field == "input" { items += value.arrayValue?.count ?? 1 }
        }
        let tokens = (characters + 3) / 4 + 4 * items
        return min(max(tokens, 1), Limits.maxTokens)
    }

    /// The characters of every string inside `value`, saturating.
    static func textLength(_ value: JSONValue) -> Int {
        switch value {
        case .string(let text): return text.count
        case .array(let elements): return elements.reduce(0) { $0 &+ textLength($1) }
        case .object(let pairs): return pairs.reduce(0) { $0 &+ textLength($1.1) }
        default: return 0
        }
    }
}

/// A model's price per token, as the catalogue's `pricing` gives it.
public struct ModelPrice: Sendable, Equatable {
    public var prompt: Double
    public var completion: Double

    public init(prompt: Double, completion: Double) {
        self.prompt = prompt
        self.completion = completion
    }

    /// Prices by model id from a `GET /models` body (`data[].pricing.prompt` / `.completion`, decimal strings).
    public static func table(fromModels models: JSONValue?) -> [String: ModelPrice] {
        var table: [String: ModelPrice] = [:]
        for model in models?["data"]?.arrayValue ?? [] {
            guard let id = model["id"]?.stringValue,
                let prompt = model["pricing"]?["prompt"]?.stringValue.flatMap(Double.init),
                let completion = model["pricing"]?["completion"]?.stringValue.flatMap(Double.init)
            else { continue }
            table[id] = ModelPrice(prompt: prompt, completion: completion)
        }
        return table
    }
}
