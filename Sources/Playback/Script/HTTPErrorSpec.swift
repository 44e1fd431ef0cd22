import CassetteFormat

/// An HTTP error response in dialect-neutral terms; each dialect renders its own body
/// (OpenRouter's `{"error":{…}}`, or Anthropic's envelope on `/messages`).
public struct HTTPErrorSpec: Sendable {
    public var status: Int
    public var message: String
    public var errorType: String
    public var metadata: [(String, JSONValue)]
    public var headers: [(String, String)]

    public init(
        status: Int, message: String, errorType: String? = nil, metadata: [(String, JSONValue)] = [],
        headers: [(String, String)] = []
    ) {
        self.status = status
        self.message = message
        self.errorType = errorType ?? HTTPErrorSpec.defaultErrorType(status)
        self.metadata = metadata
        self.headers = headers
    }

    /// OpenRouter's typed `error_type` for a status.
    public static func defaultErrorType(_ status: Int) -> String {
        switch status {
        case 400: return "invalid_request"
        case 401: return "authentication"
        case 402: return "payment_required"
        case 403: return "permission_denied"
        case 404: return "not_found"
        case 408: return "timeout"
        case 413: return "payload_too_large"
        case 422: return "unprocessable"
        case 429: return "rate_limit_exceeded"
        case 502: return "provider_unavailable"
        case 503: return "provider_overloaded"
        case 504: return "timeout"
        default: return "server"
        }
    }
}
