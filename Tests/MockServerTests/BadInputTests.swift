import CassetteFormat
import Testing

/// Every bad input gets OpenRouter's error body with the right status, and the server keeps serving.
@Suite("Bad input")
struct BadInputTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let request: String
        let status: Int
        let message: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "malformed JSON",
            request:
                "POST /api/v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{\"model\":x",
            status: 400, message: "Invalid JSON in request body"),
        Case(
            name: "non-JSON content type",
            request:
                "POST /api/v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello",
            status: 415, message: "Unsupported Content-Type \"text/plain\""),
        Case(
            name: "unknown path", request: "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n", status: 404,
            message: "Not Found: /nope is not an OpenRouter API path"),
        Case(
            name: "wrong method", request: "GET /api/v1/chat/completions HTTP/1.1\r\nHost: x\r\n\r\n", status: 405,
            message: "Method GET is not allowed on /api/v1/chat/completions; use POST"),
        Case(
            name: "unknown API path", request: "GET /api/v1/nothing-here HTTP/1.1\r\nHost: x\r\n\r\n", status: 404,
            message: "MockRouter: no recorded interaction matches GET /api/v1/nothing-here"),
        Case(
            name: "unknown scenario", request: "GET /scenario/nope/api/v1/models HTTP/1.1\r\nHost: x\r\n\r\n",
            status: 404, message: "MockRouter: unknown scenario \"nope\""),
        Case(
            name: "unknown admin endpoint", request: "GET /__admin/nope HTTP/1.1\r\nHost: x\r\n\r\n", status: 404,
            message: "Unknown admin endpoint /__admin/nope"),
    ]

    @Test("bad requests get OpenRouter's error shape, and the same connection keeps serving", arguments: cases)
    func badRequest(_ testCase: Case) async throws {
        let good = try #require(
            try TestServer.bundledInteractions().first { $0.file.hasSuffix("chat-completion.cassette.jsonl.gz") }?
                .interaction)
        try await TestServer.with(replayIDs: .recorded) { server in
            let client = try RawHTTPClient(port: server.port)
            client.send(Array(testCase.request.utf8))
            let response = try client.readResponse()
            #expect(response.status == testCase.status)
            #expect(response.header("content-type") == "application/json")
            let error = try #require(try json(response)["error"])
            #expect(error["code"]?.intValue == testCase.status)
            #expect(
                error["message"]?.stringValue?.hasPrefix(testCase.message) == true,
                "\(error["message"]?.stringValue ?? "")")
            client.send(good.request)
            #expect(try client.readResponse().body == good.response.body.wireBytes)
        }
    }

    @Test(
        "an oversized body gets 413 and the connection closes; the server keeps serving new ones",
        arguments: [true, false])
    func oversized(declaresLength: Bool) async throws {
        let good = try #require(
            try TestServer.bundledInteractions().first { $0.file.hasSuffix("chat-completion.cassette.jsonl.gz") }?
                .interaction)
        try await TestServer.with(maxBodyBytes: 1024) { server in
            let client = try RawHTTPClient(port: server.port)
            let body = "{\"model\":\"" + String(repeating: "x", count: 3_000_000) + "\"}"
            if declaresLength {
                client.send(method: "POST", path: "/api/v1/chat/completions", body: Array(body.utf8))
            } else {
                let chunked = String(body.utf8.count, radix: 16) + "\r\n" + body + "\r\n0\r\n\r\n"
                client.send(
                    Array(
                        ("POST /api/v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                            + chunked).utf8))
            }
            let response = try client.readResponse()
            #expect(response.status == 413)
            #expect(response.header("connection") == "close")
            #expect(
                try json(response)["error"]?["message"]?.stringValue?.hasPrefix("Request payload too large") == true)
            let next = try RawHTTPClient(port: server.port)
            next.send(good.request)
            #expect(try next.readResponse().status == 200)
        }
    }

    @Test("--require-key: a missing key and a wrong key get OpenRouter's two 401 bodies; the right key passes")
    func requiredKey() async throws {
        let good = try #require(
            try TestServer.bundledInteractions().first { $0.file.hasSuffix("chat-completion.cassette.jsonl.gz") }?
                .interaction)
        try await TestServer.with(requiredKey: "sk-test-key") { server in
            for (headers, expected) in [
                ([(String, String)](), "No auth credentials found"),
                ([("Authorization", "Bearer wrong")], "User not found."),
            ] {
                let client = try RawHTTPClient(port: server.port)
                client.send(
                    method: "POST", path: "/api/v1/chat/completions", body: good.request.body.wireBytes,
                    headers: headers)
                let response = try client.readResponse()
                #expect(response.status == 401)
                #expect(try json(response)["error"]?["message"]?.stringValue == expected)
            }
            let client = try RawHTTPClient(port: server.port)
            client.send(
                method: "POST", path: "/api/v1/chat/completions", body: good.request.body.wireBytes,
                headers: [("Authorization", "Bearer sk-test-key")])
            #expect(try client.readResponse().status == 200)
        }
    }

    @Test("errors on /messages use Anthropic's envelope")
    func anthropicEnvelope() async throws {
        try await TestServer.with { server in
            let client = try RawHTTPClient(port: server.port)
            client.send(method: "POST", path: "/api/v1/messages", body: Array("{not json".utf8))
            let response = try client.readResponse()
            #expect(response.status == 400)
            let body = try json(response)
            #expect(body["type"]?.stringValue == "error")
            #expect(body["error"]?["type"]?.stringValue == "invalid_request_error")
        }
    }

    @Test(
        "a request HTTP cannot parse gets 400 in OpenRouter's shape and the connection closes; the server keeps serving",
        arguments: [
            "NOT HTTP AT ALL\r\n\r\n", "GET / HTTP/1.1\r\nHost x\r\n\r\n",
            "POST /api/v1/chat/completions HTTP/1.1\r\nContent-Length: banana\r\n\r\n",
        ])
    func unparseable(_ request: String) async throws {
        try await TestServer.with(replayIDs: .recorded) { server in
            let client = try RawHTTPClient(port: server.port)
            client.send(Array(request.utf8))
            let response = try client.readResponse()
            #expect(response.status == 400)
            #expect(response.header("content-type") == "application/json")
            #expect(response.header("connection") == "close")
            let error = try #require(try json(response)["error"])
            #expect(error["code"]?.intValue == 400)
            #expect(
                error["message"]?.stringValue?.hasPrefix("Bad request: the HTTP request could not be parsed") == true)
            #expect(try client.isClosedByPeer())
            let next = try RawHTTPClient(port: server.port)
            next.send(method: "GET", path: "/api/v1/models")
            #expect(try next.readResponse().status == 200)
        }
    }
}
