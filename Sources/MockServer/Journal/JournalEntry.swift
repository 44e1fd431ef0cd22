import CassetteFormat
import Foundation
import NIOHTTP1
import Validation

/// One request the server answered, for `GET /__admin/requests`.
public struct JournalEntry: Sendable {
    /// How the request was answered.
    public enum Answer: Sendable {
        /// From a cassette: file, interaction number, the occurrence of this request in its
        /// session, and whether the recorded sequence was exhausted so the last one repeated.
        case cassette(path: String, number: Int, occurrence: Int, isRepeat: Bool)
        /// By a scenario's step (1-based).
        case scenario(name: String, step: Int)
        /// From the bundled catalogue (`/models`, `/key`, `/credits`, `/generation`, …).
        case catalogue
        /// Forwarded to the upstream (record and hybrid modes).
        case upstream
        /// Not a request: the session was evicted, the least recently used of more than `capacity`
        /// (`--max-sessions`); its steps, positions and scenarios were forgotten.
        case evicted(capacity: Int)
        /// By an error the mock produced itself, with its reason code.
        case error(reason: String, message: String)

        /// Where the answer came from, in words, for messages.
        var summary: String {
            switch self {
            case .cassette(let path, let number, _, _): return "by \(path) #\(number)"
            case .scenario(let name, let step): return "by scenario \(name) step \(step)"
            case .catalogue: return "by the bundled catalogue"
            case .upstream: return "by the upstream"
            case .evicted: return "by no one (an evicted session)"
            case .error(let reason, _): return "with an error (\(reason))"
            }
        }
    }

    /// When the request was answered; formatted only when the journal is read.
    public let time: Date
    public let session: String
    public let method: String
    public let path: String
    public let query: String?
    /// The request's headers as received; secrets are redacted when the journal is read.
    public let headers: HTTPHeaders
    public let body: [UInt8]
    public let status: Int
    public let answer: Answer
    /// What the request broke of OpenRouter's request rules (`--validate warn|strict`).
    public var violations: [Violation] = []
    /// The answer's `Retry-After`, in seconds, when it had one.
    public var retryAfterSeconds: Double?

    /// The entry as `GET /__admin/requests` shows it: secret headers and key-shaped strings in
    /// the query and body replaced by `redactor`'s marker.
    public func jsonValue(redactor: Redactor) -> JSONValue {
        let fields = redactor.redact(headers.map { HeaderField($0.name, $0.value) })
        var pairs: [(String, JSONValue)] = [
            ("time", .string(time.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))),
            ("session", .string(session)),
            ("method", .string(method)), ("path", .string(path)),
            ("query", query.map { .string(redactor.redact($0)) } ?? .null),
            ("headers", .object(fields.map { ($0.name.lowercased(), .string($0.value)) })),
            ("body", bodyValue(redactor)), ("status", .int(status)),
        ]
        var interaction = JSONValue.null
        var scenario = JSONValue.null
        var reason = JSONValue.null
        let source: String
        switch answer {
        case .cassette(let path, let number, let occurrence, let isRepeat):
            source = "cassette"
            interaction = .object([
                ("cassette", .string(path)), ("number", .int(number)), ("occurrence", .int(occurrence)),
                ("repeat", .bool(isRepeat)),
            ])
        case .scenario(let name, let step):
            source = "scenario"
            scenario = .object([("name", .string(name)), ("step", .int(step))])
        case .catalogue:
            source = "catalogue"
        case .upstream:
            source = "upstream"
        case .evicted(let capacity):
            source = "evicted"
            pairs.append(
                (
                    "message",
                    .string("session evicted: the least recently used of more than \(capacity) (--max-sessions)")
                ))
        case .error(let code, let message):
            source = "error"
            reason = .string(code)
            pairs.append(("message", .string(message)))
        }
        pairs += [
            ("source", .string(source)), ("interaction", interaction), ("scenario", scenario), ("reason", reason),
            ("violations", .array(violations.map(\.jsonValue))),
            ("retry_after", retryAfterSeconds.map { .number(Self.lexeme($0)) } ?? .null),
        ]
        return .object(pairs)
    }

    /// The entry as a verdict finding cites it: when, which session, the request line, what
    /// answered and with which status.
    func summary(redactor: Redactor) -> JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("time", .string(time.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))),
            ("session", .string(session)), ("method", .string(method)),
            ("path", .string(path)), ("status", .int(status)), ("answered", .string(answer.summary)),
        ]
        if let retryAfterSeconds { pairs.append(("retry_after", .number(Self.lexeme(retryAfterSeconds)))) }
        return .object(pairs)
    }

    /// A number as JSON writes it: whole numbers without a fraction.
    private static func lexeme(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// The body as parsed JSON when it is JSON, else as text, else `null` when empty.
    private func bodyValue(_ redactor: Redactor) -> JSONValue {
        if body.isEmpty { return .null }
        if let json = try? JSONParser.parse(body) { return redactor.redact(json) }
        return .string(redactor.redact(String(decoding: body.prefix(4096), as: UTF8.self)))
    }
}
