import Foundation

/// Removes secrets from an interaction before it touches disk: the values of secret headers
/// (`Authorization`, `x-api-key`, cookies, plus any added) and key-shaped strings anywhere in
/// headers and bodies (`sk-or-v1-…`, `sk-ant-…`, `sk-…`, plus any added patterns) become
/// `[REDACTED]`. The same redactor is applied to requests before replay matching, so a redacted
/// recording still matches the live request it came from.
public struct Redactor: Sendable {
    /// What a secret is replaced by.
    public static let marker = "[REDACTED]"

    public static let defaultHeaders = ["authorization", "x-api-key", "cookie", "set-cookie", "proxy-authorization"]
    public static let defaultPatterns = [#"sk-or-v1-[A-Za-z0-9]{8,}"#, #"sk-ant-[A-Za-z0-9_-]{8,}"#, #"sk-[A-Za-z0-9_-]{16,}"#]

    let headers: Set<String>
    let patterns: [NSRegularExpression]

    /// A redactor with the defaults plus `extraHeaders` and `extraPatterns` (regular expressions).
    public init(extraHeaders: [String] = [], extraPatterns: [String] = []) throws {
        headers = Set((Redactor.defaultHeaders + extraHeaders).map { $0.lowercased() })
        patterns = try (Redactor.defaultPatterns + extraPatterns).map { try NSRegularExpression(pattern: $0) }
    }

    /// The default redactor.
    public static let standard = try! Redactor()

    public func redact(_ interaction: Interaction) -> Interaction {
        var copy = interaction
        copy.request.headers = redact(interaction.request.headers)
        copy.request.body = redact(interaction.request.body)
        copy.request.query = interaction.request.query.map(redact)
        copy.response.headers = redact(interaction.response.headers)
        copy.response.body = redact(interaction.response.body)
        if case .upstreamFailed(let stage, let message, let at) = interaction.outcome {
            copy.outcome = .upstreamFailed(stage: stage, message: redact(message), atMs: at)
        }
        return copy
    }

    public func redact(_ fields: [HeaderField]) -> [HeaderField] {
        fields.map { field in
            HeaderField(field.name, headers.contains(field.name.lowercased()) ? Redactor.marker : redact(field.value))
        }
    }

    public func redact(_ body: Body) -> Body {
        switch body {
        case .empty: return .empty
        case .json(let value): return .json(redact(value))
        case .text(let text): return .text(redact(text))
        case .bytes(let bytes):
            guard let text = String(validating: bytes, as: UTF8.self) else { return body }
            let clean = redact(text)
            return clean == text ? body : .bytes(Array(clean.utf8))
        case .sse(let frames): return .sse(frames.map { TimedFrame(offsetMs: $0.offsetMs, text: redact($0.text)) })
        case .chunks(let chunks):
            return .chunks(chunks.map { chunk in
                guard let text = String(validating: chunk.bytes, as: UTF8.self) else { return chunk }
                return TimedChunk(offsetMs: chunk.offsetMs, bytes: Array(redact(text).utf8))
            })
        }
    }

    public func redact(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text): return .string(redact(text))
        case .array(let elements): return .array(elements.map(redact))
        case .object(let pairs):
            return .object(pairs.map { key, element in
                headers.contains(key.lowercased()) && element.stringValue != nil ? (key, .string(Redactor.marker)) : (key, redact(element))
            })
        default: return value
        }
    }

    /// A request body with key-shaped strings replaced, as a recording of it holds it; the same
    /// bytes when there is nothing to replace.
    public func redact(_ bytes: [UInt8]) -> [UInt8] {
        guard patterns.count > Redactor.defaultPatterns.count || Redactor.containsKeyPrefix(bytes) else { return bytes }
        guard let text = String(validating: bytes, as: UTF8.self) else { return bytes }
        let clean = redact(text)
        return clean == text ? bytes : Array(clean.utf8)
    }

    /// Whether `bytes` contain `sk-`, the prefix every default pattern starts with (a cheap pre-check).
    static func containsKeyPrefix(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 3 else { return false }
        for index in 0..<(bytes.count - 2) where bytes[index] == 0x73 && bytes[index + 1] == 0x6B && bytes[index + 2] == 0x2D {
            return true
        }
        return false
    }

    /// `text` with every key-shaped match replaced.
    public func redact(_ text: String) -> String {
        guard text.contains("sk-") || patterns.count > Redactor.defaultPatterns.count else { return text }
        var result = text
        for pattern in patterns {
            result = pattern.stringByReplacingMatches(in: result, range: NSRange(result.startIndex..., in: result), withTemplate: Redactor.marker)
        }
        return result
    }
}
