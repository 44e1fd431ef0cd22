import CassetteFormat
import Foundation
import MockServer

/// A request the mock answered, from its journal: what the client sent (secrets redacted) and
/// what answered it.
public struct RecordedRequest: Sendable {
    /// What answered a request.
    public enum Answer: Sendable, Equatable {
        /// A recorded interaction: cassette path and interaction number (1-based).
        case cassette(path: String, number: Int)
        /// A scenario step (1-based).
        case scenario(name: String, step: Int)
        /// The bundled catalogue (`/models`, `/key`, `/credits`, `/generation`, …).
        case catalogue
        /// The upstream (record and hybrid modes).
        case upstream
        /// Not a request: the session was evicted past `--max-sessions` and its state forgotten.
        case evicted
        /// An error MockRouter produced itself: a reason code (`no_match`, `unknown_scenario`,
        /// `bad_json`, …) and the message, which for `no_match` is the near-miss report.
        case error(reason: String, message: String)
    }

    public let time: Date
    public let method: String
    /// The path as sent, MockRouter's `/session/…` and `/scenario/…` prefixes included.
    public let path: String
    public let query: String?
    /// Header names as sent, in order; `Authorization`, `x-api-key` and cookies redacted.
    public let headers: [(name: String, value: String)]
    /// The body, with key-shaped strings redacted.
    public let body: [UInt8]
    /// The HTTP status of the answer.
    public let status: Int
    public let answer: Answer

    init(_ entry: JournalEntry, redactor: Redactor) {
        time = entry.time
        method = entry.method
        path = entry.path
        query = entry.query.map(redactor.redact)
        headers = redactor.redact(entry.headers.map { HeaderField($0.name, $0.value) }).map { ($0.name, $0.value) }
        body = redactor.redact(entry.body)
        status = entry.status
        switch entry.answer {
        case .cassette(let path, let number, _, _): answer = .cassette(path: path, number: number)
        case .scenario(let name, let step): answer = .scenario(name: name, step: step)
        case .catalogue: answer = .catalogue
        case .upstream: answer = .upstream
        case .evicted: answer = .evicted
        case .error(let reason, let message): answer = .error(reason: reason, message: message)
        }
    }

    /// The value of header `name` (case-insensitive), the first if it repeats.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// The body parsed as JSON, or `nil` when it is not JSON.
    public var json: JSONValue? { try? JSONParser.parse(body) }

    /// The body as UTF-8 text.
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The body decoded as `T` from JSON.
    public func decode<T: Decodable>(_ type: T.Type = T.self, using decoder: JSONDecoder = JSONDecoder()) throws -> T {
        try decoder.decode(type, from: Data(body))
    }

    /// Whether MockRouter could not answer as asked: nothing matched, or an unknown scenario was named.
    public var isMiss: Bool {
        if case .error(let reason, _) = answer { return RecordedRequest.missReasons.contains(reason) }
        return false
    }

    static let missReasons: Set<String> = ["no_match", "unknown_scenario"]
}
