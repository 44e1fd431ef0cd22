import AsyncHTTPClient
import CassetteFormat

/// Where an upstream error happened, for the recording and the client's 502.
enum UpstreamFailure {
    static func stage(of error: any Error, afterHead: Bool) -> FailureStage {
        if afterHead { return .midstream }
        if let client = error as? HTTPClientError {
            if client == .connectTimeout || client == .readTimeout || client == .deadlineExceeded { return .timeout }
        }
        let typeName = String(reflecting: type(of: error))
        if typeName.contains("SSL") || typeName.contains("TLS") { return .tls }
        return .connect
    }

    static func message(_ error: any Error) -> String {
        if let client = error as? HTTPClientError {
            if client == .readTimeout { return "the upstream sent nothing within the read timeout" }
            if client == .connectTimeout { return "connecting to the upstream timed out" }
            if client == .remoteConnectionClosed { return "the upstream closed the connection" }
        }
        return String(describing: error)
    }

    /// The 502 the client gets when the upstream fails before answering, in OpenRouter's shape.
    static func body(origin: String, stage: FailureStage, message: String) -> [UInt8] {
        JSONWriter.bytes(
            .object([
                (
                    "error",
                    .object([
                        (
                            "message",
                            .string("MockRouter: the upstream \(origin) failed (\(stage.rawValue)): \(message)")
                        ), ("code", .int(502)),
                        (
                            "metadata",
                            .object([
                                ("error_type", .string("provider_unavailable")), ("stage", .string(stage.rawValue)),
                            ])
                        ),
                    ])
                )
            ]))
    }
}
