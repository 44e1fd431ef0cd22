import AsyncHTTPClient
import CassetteFormat
import Foundation
import Logging
import MockServer
import NIOCore
import NIOHTTP1

/// The recording proxy's upstream side: forwards a request to the upstream with AsyncHTTPClient,
/// streams the answer to the client chunk by chunk as it arrives (each chunk written, flushed and
/// handed to the recorder in the same step, never buffered), then redacts the interaction and
/// appends it to the cassette. Upstream failures reach the client as they happened (a 502 before
/// the head, a cut after it) and are recorded as they happened.
public final class RecordingForwarder: UpstreamForwarding {
    let http: HTTPClient
    let origin: String
    let writer: CassetteWriter
    let redactor: Redactor
    let apiKey: String?
    let logger: Logger

    /// Request headers not forwarded: hop-by-hop ones, framing the client recomputes, and
    /// `Accept-Encoding` (the upstream is asked for uncompressed bodies so frames can be recorded).
    static let droppedRequestHeaders: Set<String> = [
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer", "trailers",
        "transfer-encoding", "upgrade", "host", "content-length", "accept-encoding",
    ]

    /// `upstream` is an origin (`https://openrouter.ai`); the request path is appended unchanged.
    public init(upstream: String, writer: CassetteWriter, redactor: Redactor, apiKey: String?, readTimeout: Duration, logger: Logger) {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(10), read: .nanoseconds(Int64(readTimeout.components.seconds) * 1_000_000_000 + readTimeout.components.attoseconds / 1_000_000_000))
        configuration.decompression = .disabled
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        origin = upstream.hasSuffix("/") ? String(upstream.dropLast()) : upstream
        self.writer = writer
        self.redactor = redactor
        self.apiKey = apiKey
        self.logger = logger
    }

    public func shutdown() async throws { try await http.shutdown() }

    public func forward(_ request: ForwardRequest, to client: ResponseSink) async -> Interaction? {
        let started = Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        var recorder = StreamRecorder(start: .now)
        let url = origin + request.path + (request.query.map { "?\($0)" } ?? "")
        var outgoing = HTTPClientRequest(url: url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for field in request.headers where !RecordingForwarder.droppedRequestHeaders.contains(field.name.lowercased()) {
            outgoing.headers.add(name: field.name, value: field.value)
        }
        if !outgoing.headers.contains(name: "authorization"), let apiKey { outgoing.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        if !request.body.isEmpty { outgoing.body = .bytes(ByteBuffer(bytes: request.body)) }

        var status = 502
        var responseHeaders: [HeaderField] = []
        var outcome = Outcome.complete
        var afterHead = false
        var upstreamFailed = false
        do {
            let response = try await http.execute(outgoing, deadline: .distantFuture, logger: logger)
            recorder.markHead()
            afterHead = true
            status = Int(response.status.code)
            responseHeaders = response.headers.map { HeaderField($0.name, $0.value) }
            let chunked = response.headers.first(name: "transfer-encoding")?.lowercased().contains("chunked") ?? false
            let length = chunked ? nil : response.headers.first(name: "content-length").flatMap(Int.init)
            try await client.sendHead(status: status, headers: responseHeaders.map { ($0.name, $0.value) }, contentLength: length)
            for try await chunk in response.body {
                if client.clientGone { outcome = .clientCancelled(atMs: recorder.nowMs); break }
                let at = recorder.append(chunk)
                do { try await client.sendBody(chunk) } catch { outcome = .clientCancelled(atMs: at); break }
            }
        } catch {
            let stage = UpstreamFailure.stage(of: error, afterHead: afterHead)
            let message = UpstreamFailure.message(error)
            upstreamFailed = true
            outcome = client.clientGone ? .clientCancelled(atMs: recorder.nowMs) : .upstreamFailed(stage: stage, message: message, atMs: recorder.nowMs)
            if !afterHead {
                let body = failureBody(stage: stage, message: message)
                responseHeaders = [HeaderField("content-type", "application/json")]
                recorder.markHead()
                recorder.append(ByteBuffer(bytes: body))
                try? await client.sendHead(status: 502, headers: [("content-type", "application/json")], contentLength: body.count)
                try? await client.sendBody(ByteBuffer(bytes: body))
            }
        }
        let endsNormally = !afterHead || (!upstreamFailed && outcome == .complete)
        let contentType = responseHeaders.first(named: "content-type")
        let interaction = Interaction(
            request: RecordedRequest(method: request.method, path: request.path, query: request.query,
                                     headers: request.headers.filter { !["host", "content-length", "connection"].contains($0.name.lowercased()) },
                                     body: Body.exact(request.body)),
            response: RecordedResponse(status: status, headers: responseHeaders.filter { !["transfer-encoding", "connection", "keep-alive"].contains($0.name.lowercased()) },
                                       body: recorder.body(contentType: contentType, complete: endsNormally)),
            timing: Timing(started: started, ttfbMs: recorder.headAtMs, durationMs: recorder.nowMs),
            outcome: outcome)
        let clean = redactor.redact(interaction)
        do {
            try writer.append(clean)
        } catch {
            logger.error("could not append to the cassette (the client was served): \(error)")
        }
        client.record(clean)
        if endsNormally { try? await client.end() } else { await client.cut() }
        return clean
    }

    /// The 502 the client gets when the upstream fails before answering, in OpenRouter's shape.
    func failureBody(stage: FailureStage, message: String) -> [UInt8] {
        JSONWriter.bytes(.object([("error", .object([
            ("message", .string("MockRouter: the upstream \(origin) failed (\(stage.rawValue)): \(message)")), ("code", .int(502)),
            ("metadata", .object([("error_type", .string("provider_unavailable")), ("stage", .string(stage.rawValue))])),
        ]))]))
    }
}
