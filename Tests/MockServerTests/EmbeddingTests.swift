import CassetteFormat
import Foundation
import Testing

/// `POST /embeddings` answered without a recording: deterministic vectors, dimensions and
/// encoding honoured, scenarios' errors, and bad input.
@Suite("Embeddings over a socket")
struct EmbeddingTests {
    func embed(_ port: Int, _ body: String, path: String = "/api/v1/embeddings") throws -> RawHTTPClient.Response {
        let client = try RawHTTPClient(port: port)
        client.send(method: "POST", path: path, body: Array(body.utf8))
        return try client.readResponse()
    }

    func vectors(_ response: RawHTTPClient.Response) throws -> [[Double]] {
        try (json(response)["data"]?.arrayValue ?? []).map { item in
            (item["embedding"]?.arrayValue ?? []).compactMap(\.doubleValue)
        }
    }

    @Test("the same input gives the same unit vector, of the dimensions asked for, in OpenRouter's shape")
    func deterministic() async throws {
        try await TestServer.with(cassettes: [], scenarios: []) { server in
            let body = #"{"model":"openai/text-embedding-3-small","input":["hello","world"],"dimensions":16}"#
            let first = try embed(server.port, body)
            let again = try embed(server.port, #"{"model":"m","input":"hello","dimensions":16}"#)
            #expect(first.status == 200)
            let both = try vectors(first)
            #expect(both.count == 2 && both.allSatisfy { $0.count == 16 })
            #expect(both[0] == (try vectors(again))[0])
            #expect(both[0] != both[1])
            for vector in both { #expect(abs(vector.reduce(0) { $0 + $1 * $1 } - 1) < 1e-5) }
            let answer = try json(first)
            #expect(answer["object"]?.stringValue == "list")
            #expect(answer["model"]?.stringValue == "openai/text-embedding-3-small")
            #expect(answer["id"]?.stringValue?.hasPrefix("gen-emb-") == true)
            #expect(answer["usage"]?["prompt_tokens"]?.intValue == 4)
            let plain = try embed(server.port, #"{"model":"m","input":"hello"}"#)
            #expect(try vectors(plain).first?.count == 1_536)
        }
    }

    @Test("encoding_format base64 is little-endian float32 of the same vector")
    func base64() async throws {
        try await TestServer.with(cassettes: [], scenarios: []) { server in
            let floats = try vectors(try embed(server.port, #"{"model":"m","input":"hi","dimensions":8}"#))[0]
            let encoded = try embed(
                server.port, #"{"model":"m","input":"hi","dimensions":8,"encoding_format":"base64"}"#)
            let text = try #require(try json(encoded)["data"]?.arrayValue?.first?["embedding"]?.stringValue)
            let bytes = try #require(Data(base64Encoded: text))
            let decoded = (0..<8).map { index in
                Double(
                    Float(
                        bitPattern: bytes[(index * 4)..<(index * 4 + 4)].reversed().reduce(0) { $0 << 8 | UInt32($1) }))
            }
            #expect(zip(decoded, floats).allSatisfy { abs($0 - $1) < 1e-6 })
        }
    }

    @Test("a scenario's error step answers /embeddings too")
    func scenarioError() async throws {
        try await TestServer.with(cassettes: [], scenarios: [TestServer.bundledScenarios]) { server in
            let response = try embed(
                server.port, #"{"model":"m","input":"hello"}"#, path: "/scenario/rate-limit/api/v1/embeddings")
            #expect(response.status == 429)
            #expect(response.header("retry-after") == "1")
        }
    }

    @Test(
        "bad input gets a 400 that says what is wrong, and the server keeps serving",
        arguments: [
            (#"{"model":"m"}"#, "input is required"),
            (#"{"model":"m","input":[]}"#, "input must be a string, an array of strings"),
            (#"{"model":"m","input":[{"a":1}]}"#, "input must be a string, an array of strings"),
            (#"{"model":"m","input":"x","dimensions":0}"#, "dimensions must be a whole number from 1 to 8192"),
            (#"{"model":"m","input":"x","dimensions":1e9}"#, "dimensions must be a whole number from 1 to 8192"),
            (#"{"model":"m","input":"x","encoding_format":"hex"}"#, "encoding_format must be float or base64"),
            (
                #"{"model":"m","dimensions":8192,"input":["#
                    + Array(repeating: #""a""#, count: 200).joined(separator: ",") + "]}",
                "200 inputs × 8192 dimensions is more than 1048576 values in one answer"
            ),
        ])
    func bad(body: String, expected: String) async throws {
        try await TestServer.with(cassettes: [], scenarios: []) { server in
            let response = try embed(server.port, body)
            #expect(response.status == 400)
            #expect(try json(response)["error"]?["message"]?.stringValue?.hasPrefix(expected) == true)
            let health = try RawHTTPClient(port: server.port)
            health.send(method: "GET", path: "/__admin/health")
            #expect(try health.readResponse().status == 200)
        }
    }
}
