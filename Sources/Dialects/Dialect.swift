/// The API dialects a scenario can be rendered in, chosen by the request path.
public enum Dialect: String, Sendable, CaseIterable {
    case chat, completions, responses, messages

    /// The dialect of an API path (`/api/v1/chat/completions` → `.chat`), if it has one.
    public init?(path: String) {
        switch path {
        case "/api/v1/chat/completions": self = .chat
        case "/api/v1/completions": self = .completions
        case "/api/v1/responses": self = .responses
        case "/api/v1/messages": self = .messages
        default: return nil
        }
    }

    public var path: String {
        switch self {
        case .chat: return "/api/v1/chat/completions"
        case .completions: return "/api/v1/completions"
        case .responses: return "/api/v1/responses"
        case .messages: return "/api/v1/messages"
        }
    }

    public var renderer: any DialectRenderer {
        switch self {
        case .chat: return ChatCompletionsRenderer()
        case .completions: return LegacyCompletionsRenderer()
        case .responses: return ResponsesRenderer()
        case .messages: return MessagesRenderer()
        }
    }
}
