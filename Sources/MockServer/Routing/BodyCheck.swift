import CassetteFormat
import Foundation
import Playback

/// What is wrong with a request body that matched no recording: malformed JSON or JSON that is not
/// an object (400), or a content type other than JSON on an endpoint that takes JSON (415).
enum BodyCheck {
    static func problem(with request: IncomingRequest, contentType: String?) -> (reason: String, error: ErrorResponse)?
    {
        guard Endpoint.takesJSON(request.path), !request.body.isEmpty else { return nil }
        let mediaType = contentType?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        if let mediaType, !mediaType.hasSuffix("json") {
            return (
                "unsupported_media_type",
                ErrorResponse(
                    status: 415,
                    message: "Unsupported Content-Type \"\(mediaType)\": \(request.path) takes application/json")
            )
        }
        if request.json == nil {
            let detail: String
            do {
                _ = try JSONParser.parse(request.body)
                detail = ""
            } catch { detail = ": \(error)" }
            return (
                "invalid_json",
                ErrorResponse(
                    status: 400, message: "Invalid JSON in request body\(detail)",
                    metadata: [("error_type", .string("invalid_request"))])
            )
        }
        if let json = request.json, case .object = json {
            return nil
        }
        return (
            "invalid_json",
            ErrorResponse(
                status: 400,
                message: "Invalid request body: expected a JSON object, got \(BodyCheck.kind(of: request.json))",
                metadata: [("error_type", .string("invalid_request"))])
        )
    }

    static func kind(of json: JSONValue?) -> String {
        switch json {
        case .array: return "an array"
        case .string: return "a string"
        case .number: return "a number"
        case .bool: return "a boolean"
        case .null, nil: return "null"
        case .object: return "an object"
        }
    }
}
