import CassetteFormat
import Playback

/// One API dialect: how a script becomes stream frames, the aggregate a non-stream request gets,
/// the in-band error frame, and the HTTP error body.
public protocol DialectRenderer: Sendable {
    /// The stream's frames.
    func stream(_ script: ResponseScript) throws(RenderError) -> RenderedStream
    /// The frame that reports `error` inside a 200 stream, after `framesBefore` data frames.
    func midstreamErrorFrame(_ script: ResponseScript, _ error: MidstreamError, framesBefore: Int) -> String
    /// The non-stream body with the same content.
    func aggregate(_ script: ResponseScript) throws(RenderError) -> JSONValue
    /// The body of an HTTP error.
    func errorBody(_ error: HTTPErrorSpec) -> JSONValue
}

/// A script this dialect cannot express (e.g. tool calls as a legacy completion).
public struct RenderError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension DialectRenderer {
    /// OpenRouter's error body: `{"error":{"message","code","metadata":{"error_type",…}}}`.
    public func errorBody(_ error: HTTPErrorSpec) -> JSONValue {
        OpenRouterErrorBody.body(error)
    }
}

/// The error body OpenRouter's OpenAI-style endpoints send.
public enum OpenRouterErrorBody {
    public static func body(_ error: HTTPErrorSpec) -> JSONValue {
        var metadata = error.metadata
        if !metadata.contains(where: { $0.0 == "error_type" }) {
            metadata.insert(("error_type", .string(error.errorType)), at: 0)
        }
        return .object([
            (
                "error",
                .object([
                    ("message", .string(error.message)), ("code", .int(error.status)), ("metadata", .object(metadata)),
                ])
            )
        ])
    }
}
