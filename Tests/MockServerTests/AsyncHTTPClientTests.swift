import AsyncHTTPClient
import CassetteFormat
import NIOCore
import Testing

/// The same replay seen through AsyncHTTPClient, a real third-party HTTP client with a connection pool.
@Suite("AsyncHTTPClient")
struct AsyncHTTPClientTests {
    @Test("streams every bundled SSE interaction and reads non-stream ones over pooled keep-alive connections")
    func replay() async throws {
        let recorded = try TestServer.bundledInteractions()
        try await TestServer.with(replayIDs: .recorded) { server in
            let client = HTTPClient(eventLoopGroupProvider: .singleton)
            do {
                for _ in 0..<2 {
                    for (file, _, interaction) in recorded {
                        var request = HTTPClientRequest(
                            url: "http://127.0.0.1:\(server.port)\(interaction.request.path)"
                                + (interaction.request.query.map { "?\($0)" } ?? ""))
                        request.method = .RAW(value: interaction.request.method)
                        let body = interaction.request.body.wireBytes
                        if !body.isEmpty {
                            request.headers.add(name: "content-type", value: "application/json")
                            request.body = .bytes(ByteBuffer(bytes: body))
                        }
                        let response = try await client.execute(request, timeout: .seconds(10))
                        #expect(Int(response.status.code) == interaction.response.status, "\(file)")
                        var received: [UInt8] = []
                        for try await part in response.body { received.append(contentsOf: part.readableBytesView) }
                        #expect(received == interaction.response.body.wireBytes, "\(file)")
                    }
                }
            } catch {
                try? await client.shutdown()
                throw error
            }
            try await client.shutdown()
        }
    }
}
