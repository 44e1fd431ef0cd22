/// The OpenRouter endpoints the mock knows, with their methods. Any path under `/api/v1/` can be
/// replayed from a cassette; this table decides between 405 (known path, wrong method) and 404.
enum Endpoint {
    static let methods: [String: String] = [
        "/api/v1/chat/completions": "POST",
        "/api/v1/completions": "POST",
        "/api/v1/responses": "POST",
        "/api/v1/messages": "POST",
        "/api/v1/embeddings": "POST",
        "/api/v1/models": "GET",
        "/api/v1/models/user": "GET",
        "/api/v1/key": "GET",
        "/api/v1/auth/key": "GET",
        "/api/v1/credits": "GET",
        "/api/v1/generation": "GET",
        "/api/v1/providers": "GET",
    ]

    /// The method `path` answers to, when it is a known endpoint.
    static func method(for path: String) -> String? {
        if let method = methods[path] { return method }
        if path.hasPrefix("/api/v1/models/") && path.hasSuffix("/endpoints") { return "GET" }
        return nil
    }

    /// Whether `path` speaks the Anthropic Messages dialect (errors use Anthropic's envelope).
    static func isAnthropic(_ path: String) -> Bool { path == "/api/v1/messages" }

    /// Whether `path` asks a model for something (what quotas count): the POST endpoints.
    static func isInference(_ path: String) -> Bool { methods[path] == "POST" }

    /// Whether requests to `path` carry a JSON body.
    static func takesJSON(_ path: String) -> Bool { method(for: path) == "POST" }
}
