import AsyncHTTPClient
import CassetteFormat
import Dispatch
import Logging
import MockServer
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The recording proxy's upstream side: forwards a request to the upstream with AsyncHTTPClient,
/// on the client connection's own event loop, and streams the answer to the client chunk by chunk
/// as it arrives (an `UpstreamExchange` writes and records each chunk in the same step, never
/// buffering). Then it redacts the interaction and appends it to the cassette, durably, before the
/// client's response ends. Upstream failures reach the client as they happened (a 502 before the
/// head, a cut after it) and are recorded as they happened.
public final class RecordingForwarder: UpstreamForwarding {
    let http: HTTPClient
    let origin: String
    let writer: CassetteWriter
    let redactor: Redactor
    let apiKey: String?
    /// Whether `apiKey` replaces the key the client sent (a test's placeholder key), not only fills in for a missing one.
    let replacesClientKey: Bool
    let logger: Logger
    /// Forwarded requests whose interaction is not yet appended; shutdown waits for them.
    private let outstanding = Atomic<Int>(0)
    /// Where interactions are redacted, encoded and appended: off the event loops, so a large
    /// recording never holds up the streams playing on the loop it came from.
    private let recordingQueue = DispatchQueue(label: "mockrouter.recording", attributes: .concurrent)

    /// Request headers not forwarded: hop-by-hop ones, framing the client recomputes, and
    /// `Accept-Encoding` (the upstream is asked for uncompressed bodies so frames can be recorded).
    static let droppedRequestHeaders: Set<String> = [
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer", "trailers",
        "transfer-encoding", "upgrade", "host", "content-length", "accept-encoding",
    ]

    /// Request headers left out of the recording: framing that belongs to one connection.
    static let unrecordedRequestHeaders: Set<String> = ["host", "content-length", "connection"]

    /// How many upstream connections may be open at once; beyond it, requests wait for a free one.
    static let upstreamConnectionLimit = 4096

    /// `upstream` is an origin (`https://openrouter.ai`); the request path is appended unchanged.
    /// `group` must be the one the server's connections run on: each upstream request runs on the
    /// event loop of the connection it came from.
    /// With `replacesClientKey`, `apiKey` is sent in place of any `Authorization` or `x-api-key`
    /// the client sent; otherwise only when the client sent no `Authorization`.
    public init(
        upstream: String, group: MultiThreadedEventLoopGroup, writer: CassetteWriter, redactor: Redactor,
        apiKey: String?,
        replacesClientKey: Bool = false, readTimeout: Duration, logger: Logger
    ) {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(
            connect: .seconds(10),
            read: .nanoseconds(
                Int64(readTimeout.components.seconds) * 1_000_000_000 + readTimeout.components.attoseconds
                    / 1_000_000_000))
        configuration.decompression = .disabled
        // A 3xx is an answer to pass on and record, as the client would have seen it from the upstream.
        configuration.redirectConfiguration = .disallow
        // One upstream connection per in-flight request, as the clients have. AsyncHTTPClient's
        // default of 8 per host would make the ninth concurrent stream wait for one to finish.
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60),
            concurrentHTTP1ConnectionsPerHostSoftLimit: RecordingForwarder.upstreamConnectionLimit)
        http = HTTPClient(eventLoopGroupProvider: .shared(group), configuration: configuration)
        origin = upstream.hasSuffix("/") ? String(upstream.dropLast()) : upstream
        self.writer = writer
        self.redactor = redactor
        self.apiKey = apiKey
        self.replacesClientKey = replacesClientKey
        self.logger = logger
    }

    /// Closes the upstream client (cancelling what is still running), waits up to `timeout` for the
    /// requests it cut to be recorded, then closes the cassette, which compacts it (see
    /// `CassetteWriter.finish`; a compaction that cannot be done is logged, the cassette stays whole).
    public func shutdown(timeout: Duration = .seconds(5)) async throws {
        try await http.shutdown()
        let deadline = ContinuousClock.now + timeout
        while outstanding.load(ordering: .acquiring) > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        let logger = self.logger
        try writer.finish { error in
            logger.warning(
                "the cassette was not compacted and stays as appended (every interaction in it is intact): \(error)")
        }
    }

    public func forward(_ request: ForwardRequest, to client: ResponseSink, on eventLoop: any EventLoop)
        -> EventLoopFuture<Void>
    {
        outstanding.add(1, ordering: .relaxed)
        let exchange = UpstreamExchange(request: request, client: client, eventLoop: eventLoop)
        let upstreamDone: EventLoopFuture<Void>
        do {
            let task = http.execute(
                request: try outgoing(request), delegate: exchange, eventLoop: .delegate(on: eventLoop), logger: nil)
            upstreamDone = task.futureResult
        } catch {
            upstreamDone = eventLoop.makeFailedFuture(error)
        }
        return
            upstreamDone
            .flatMapWithEventLoop { _, _ in exchange.finished(nil, origin: self.origin) }
            .flatMapErrorWithEventLoop { error, _ in exchange.finished(error, origin: self.origin) }
            .flatMap { interaction in self.record(interaction, for: exchange) }
            .always { _ in self.outstanding.subtract(1, ordering: .releasing) }
    }

    /// The upstream request: the client's, minus hop-by-hop headers, with the API key added when the
    /// client sent none (or in place of the client's, when `replacesClientKey`).
    private func outgoing(_ request: ForwardRequest) throws -> HTTPClient.Request {
        var headers = HTTPHeaders()
        for field in request.headers where !RecordingForwarder.droppedRequestHeaders.contains(field.name.lowercased()) {
            headers.add(name: field.name, value: field.value)
        }
        if replacesClientKey, apiKey != nil {
            headers.remove(name: "authorization")
            headers.remove(name: "x-api-key")
        }
        if !headers.contains(name: "authorization"), let apiKey {
            headers.add(name: "Authorization", value: "Bearer \(apiKey)")
        }
        let url = origin + request.path + (request.query.map { "?\($0)" } ?? "")
        return try HTTPClient.Request(
            url: url, method: HTTPMethod(rawValue: request.method), headers: headers,
            body: request.body.isEmpty ? nil : .bytes(request.body))
    }

    /// Redacts and appends the interaction (on the recording queue), then ends (or cuts) the client's
    /// response once it is on disk.
    private func record(_ interaction: Interaction, for exchange: UpstreamExchange) -> EventLoopFuture<Void> {
        let durable = exchange.eventLoop.makePromise(of: Interaction.self)
        let (redactor, writer, logger) = (self.redactor, self.writer, self.logger)
        recordingQueue.async {
            let clean = redactor.redact(interaction)
            writer.append(clean) { result in
                if case .failure(let error) = result {
                    logger.error("could not append to the cassette (the client was served): \(error)")
                }
                durable.succeed(clean)
            }
        }
        return durable.futureResult.flatMap { clean in
            exchange.client.record(clean)
            return exchange.releaseHeldBack()
                .flatMap { exchange.endsNormally ? exchange.client.end() : exchange.client.cut() }
                .recover { _ in }
        }
    }
}
