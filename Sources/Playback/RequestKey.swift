import CassetteFormat

/// What two requests must share to match: method, path, query parameters (order-insensitive)
/// and body (canonical JSON, or exact bytes when not JSON). Headers do not take part.
public struct RequestKey: Hashable, Sendable {
    public let text: String

    public init(method: String, path: String, query: String?, body: RequestKey.Body) {
        var parts = [method.uppercased(), APIPath.canonical(path), RequestKey.canonicalQuery(query)]
        switch body {
        case .empty: parts.append("")
        case .json(let value): parts.append("json:" + CanonicalJSON.text(of: value))
        case .raw(let bytes): parts.append("raw:" + bytes.map { String($0, radix: 16) }.joined(separator: ","))
        }
        text = parts.joined(separator: "\n")
    }

    /// A body as matching compares it.
    public enum Body {
        case empty
        case json(JSONValue)
        case raw([UInt8])
    }

    /// The key of a recorded request.
    public init(_ request: RecordedRequest) {
        let body: Body
        switch request.body {
        case .empty: body = .empty
        case .json(let value): body = .json(value)
        default:
            let bytes = request.body.wireBytes
            body = (try? JSONParser.parse(bytes)).map(Body.json) ?? .raw(bytes)
        }
        self.init(method: request.method, path: request.path, query: request.query, body: body)
    }

    /// The key of an incoming request.
    public init(_ request: IncomingRequest) {
        let body: Body = request.body.isEmpty ? .empty : request.json.map(Body.json) ?? .raw(request.body)
        self.init(method: request.method, path: request.path, query: request.query, body: body)
    }

    /// Query parameters sorted, so `a=1&b=2` and `b=2&a=1` are the same.
    static func canonicalQuery(_ query: String?) -> String {
        guard let query, !query.isEmpty else { return "" }
        return query.split(separator: "&").sorted().joined(separator: "&")
    }
}
