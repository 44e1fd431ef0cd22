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
    /// Key-shaped strings; each must start a word, so `task-scheduler-configuration` is left alone.
    /// Matched on bytes by `KeyShapes` (these expressions say the same, for people).
    public static let defaultPatterns = [
        #"(?<![A-Za-z0-9_-])sk-or-v1-[A-Za-z0-9]{8,}"#, #"(?<![A-Za-z0-9_-])sk-ant-[A-Za-z0-9_-]{8,}"#,
        #"(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{16,}"#,
    ]

    let headers: Set<String>
    /// `headers` as bytes, for the byte-level pre-check.
    let headerBytes: [[UInt8]]
    /// The patterns added to the defaults (`--redact-pattern`): only these go through Foundation's
    /// regular expressions (and so ICU); the defaults are matched on bytes.
    let extraPatterns: [NSRegularExpression]

    /// A redactor with the defaults plus `extraHeaders` and `extraPatterns` (regular expressions).
    public init(extraHeaders: [String] = [], extraPatterns: [String] = []) throws {
        headers = Set((Redactor.defaultHeaders + extraHeaders).map { $0.lowercased() })
        headerBytes = headers.sorted().map { Array($0.utf8) }
        self.extraPatterns = try extraPatterns.map { try NSRegularExpression(pattern: $0) }
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
            return .bytes(redact([TimedChunk(offsetMs: 0, bytes: bytes)])[0].bytes)
        case .sse(let frames): return .sse(frames.map { TimedFrame(offsetMs: $0.offsetMs, text: redact($0.text)) })
        case .chunks(let chunks):
            return .chunks(redact(chunks))
        }
    }

    public func redact(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text): return .string(redact(text))
        case .array(let elements): return .array(elements.map(redact))
        case .object(let pairs):
            return .object(
                pairs.map { key, element in
                    headers.contains(key.lowercased()) && element.stringValue != nil
                        ? (key, .string(Redactor.marker)) : (key, redact(element))
                })
        default: return value
        }
    }

    /// A request body as a recording of it holds it: a JSON body through `redact(_: JSONValue)` (its
    /// compact form), other text through the patterns; the same bytes when there is nothing to replace.
    public func redact(_ bytes: [UInt8]) -> [UInt8] {
        guard mayNeedRedaction(bytes) else { return bytes }
        if let json = try? JSONParser.parse(bytes) {
            let clean = redact(json)
            return clean == json ? bytes : JSONWriter.bytes(clean)
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { return bytes }
        let clean = redact(text)
        return clean == text ? bytes : Array(clean.utf8)
    }

    /// A cheap pre-check: only bodies that hold `sk-`, or a quoted secret header name as a JSON key,
    /// or any text when extra patterns are configured, are worth a closer look.
    func mayNeedRedaction(_ bytes: [UInt8]) -> Bool {
        if !extraPatterns.isEmpty || Redactor.containsKeyPrefix(bytes) { return true }
        return containsQuotedHeaderName(bytes)
    }

    /// Whether a secret header's name appears in quotes (ASCII case ignored), as a JSON key would.
    /// One pass over the bytes, no copy.
    func containsQuotedHeaderName(_ bytes: [UInt8]) -> Bool {
        var quote = bytes.firstIndex(of: 0x22)
        while let start = quote {
            for name in headerBytes where start + name.count + 1 < bytes.count && bytes[start + name.count + 1] == 0x22
            {
                var matches = true
                for (offset, byte) in name.enumerated()
                where Redactor.asciiLowercased(bytes[start + 1 + offset]) != byte {
                    matches = false
                    break
                }
                if matches { return true }
            }
            quote = bytes[(start + 1)...].firstIndex(of: 0x22)
        }
        return false
    }

    static func asciiLowercased(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
    }

    /// Raw chunks redacted as one byte stream, so a key split across two chunks, or sitting next to
    /// a UTF-8 character cut by a chunk edge, is still found. Each match becomes the marker in the
    /// chunk where it starts; chunk count and offsets stay as they were.
    func redact(_ chunks: [TimedChunk]) -> [TimedChunk] {
        let all = chunks.flatMap(\.bytes)
        guard mayNeedRedaction(all) else { return chunks }
        var matched = KeyShapes.matches(in: all)
        if !extraPatterns.isEmpty {
            let latin1 = String(String.UnicodeScalarView(all.map { Unicode.Scalar($0) }))
            for pattern in extraPatterns {
                for match in pattern.matches(in: latin1, range: NSRange(location: 0, length: all.count)) {
                    matched.append(match.range.location..<(match.range.location + match.range.length))
                }
            }
        }
        guard !matched.isEmpty else { return chunks }
        var cut = [Bool](repeating: false, count: all.count)
        var markerAt = Set<Int>()
        for range in matched {
            for index in range { cut[index] = true }
        }
        for index in all.indices where cut[index] && (index == 0 || !cut[index - 1]) { markerAt.insert(index) }
        var position = 0
        return chunks.map { chunk in
            var bytes: [UInt8] = []
            for byte in chunk.bytes {
                if markerAt.contains(position) { bytes.append(contentsOf: Redactor.marker.utf8) }
                if !cut[position] { bytes.append(byte) }
                position += 1
            }
            return TimedChunk(offsetMs: chunk.offsetMs, bytes: bytes)
        }
    }

    /// Whether `bytes` contain `sk-`, the prefix every default pattern starts with (a cheap pre-check).
    static func containsKeyPrefix<Bytes: Sequence>(_ bytes: Bytes) -> Bool where Bytes.Element == UInt8 {
        var matched = 0
        for byte in bytes {
            switch (matched, byte) {
            case (_, 0x73): matched = 1
            case (1, 0x6B): matched = 2
            case (2, 0x2D): return true
            default: matched = 0
            }
        }
        return false
    }

    /// `text` with every key-shaped match replaced.
    public func redact(_ text: String) -> String {
        guard !extraPatterns.isEmpty || Redactor.containsKeyPrefix(text.utf8) else { return text }
        var result = Redactor.replacingKeyShapes(in: text)
        for pattern in extraPatterns {
            result = pattern.stringByReplacingMatches(
                in: result, range: NSRange(result.startIndex..., in: result), withTemplate: Redactor.marker)
        }
        return result
    }

    /// `text` with each default key shape replaced by the marker.
    static func replacingKeyShapes(in text: String) -> String {
        var utf8 = Array(text.utf8)
        let ranges = KeyShapes.matches(in: utf8)
        guard !ranges.isEmpty else { return text }
        for range in ranges.reversed() { utf8.replaceSubrange(range, with: marker.utf8) }
        return String(decoding: utf8, as: UTF8.self)
    }
}
