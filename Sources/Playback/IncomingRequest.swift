import CassetteFormat

/// A request as the matcher sees it: the API path already normalized (session and alias
/// prefixes removed, `/v1/...` as `/api/v1/...`), the raw query, the body bytes and the headers.
/// Headers take no part in matching recordings; scenarios' `when: { header: … }` reads them.
public struct IncomingRequest: Sendable {
    public var method: String
    public var path: String
    public var query: String?
    public var body: [UInt8]
    /// The body parsed as JSON, when it is JSON.
    public var json: JSONValue?
    /// The request headers as sent.
    public var headers: [(String, String)]

    public init(
        method: String, path: String, query: String? = nil, body: [UInt8] = [], headers: [(String, String)] = []
    ) {
        self.method = method
        self.path = APIPath.canonical(path)
        self.query = query
        self.body = body
        self.headers = headers
        self.json = body.isEmpty ? nil : try? JSONParser.parse(body)
    }
}

/// The OpenAI-style alias: clients configured with `http://HOST:PORT/v1` hit `/v1/...`, which is
/// the same endpoint as `/api/v1/...`.
public enum APIPath {
    public static let prefix = "/api/v1"

    /// `/v1/x` → `/api/v1/x`; other paths unchanged.
    public static func canonical(_ path: String) -> String {
        if path == "/v1" || path.hasPrefix("/v1/") { return "/api" + path }
        return path
    }
}
