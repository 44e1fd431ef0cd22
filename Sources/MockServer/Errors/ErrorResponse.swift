import CassetteFormat
import NIOCore
import Playback

/// Errors the mock produces itself, in OpenRouter's shape
/// (`{"error":{"message":…,"code":N,"metadata":{…}}}`, status = code), or Anthropic's envelope on `/messages`.
struct ErrorResponse {
    var status: Int
    var message: String
    var metadata: [(String, JSONValue)] = []
    var headers: [(String, String)] = []
    var anthropic = false

    /// The error's type name in Anthropic's envelope.
    var anthropicType: String {
        switch status {
        case 400, 413, 415: return "invalid_request_error"
        case 401: return "authentication_error"
        case 402: return "billing_error"
        case 403: return "permission_error"
        case 404, 405: return "not_found_error"
        case 429: return "rate_limit_error"
        case 503, 529: return "overloaded_error"
        case 408, 504: return "timeout_error"
        default: return "api_error"
        }
    }

    var body: JSONValue {
        if anthropic {
            return .object([
                ("type", .string("error")),
                ("error", .object([("type", .string(anthropicType)), ("message", .string(message))] + metadata)),
                ("request_id", .null),
            ])
        }
        var error: [(String, JSONValue)] = [("message", .string(message)), ("code", .int(status))]
        if !metadata.isEmpty { error.append(("metadata", .object(metadata))) }
        return .object([("error", .object(error))])
    }

    var plan: PlaybackPlan {
        PlaybackPlan.json(status: status, body: body, headers: headers)
    }
}

extension PlaybackPlan {
    /// A complete JSON response, sent at once.
    static func json(status: Int, body: JSONValue, headers: [(String, String)] = []) -> PlaybackPlan {
        PlaybackPlan(
            status: status, headers: [("content-type", "application/json")] + headers, framing: .contentLength,
            steps: [.bytes(ByteBuffer(bytes: JSONWriter.bytes(body)), offsetMs: 0)])
    }
}
