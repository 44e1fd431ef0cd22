import CassetteFormat
import Testing

@Suite("Redaction")
struct RedactorTests {
    static let key = "sk-or-v1-0123456789abcdef0123456789abcdef"

    @Test("secret headers and key-shaped strings anywhere are replaced; nothing else changes")
    func interaction() throws {
        let body = try JSONParser.parse(
            #"{"model":"m","messages":[{"role":"user","content":"key \#(Self.key) and sk-ant-api03-abcdefgh1234 and sk-proj-0123456789abcdef"}],"api_key":"plain"}"#
        )
        let interaction = Interaction(
            request: RecordedRequest(
                method: "POST", path: "/api/v1/chat/completions", query: "k=\(Self.key)",
                headers: [
                    HeaderField("Authorization", "Bearer x"), HeaderField("X-Api-Key", "y"), HeaderField("Cookie", "z"),
                    HeaderField("User-Agent", "agent \(Self.key)"), HeaderField("Accept", "text/event-stream"),
                ],
                body: .json(body)),
            response: RecordedResponse(
                status: 200, headers: [HeaderField("Set-Cookie", "s=1")],
                body: .sse([TimedFrame(offsetMs: 1, text: "data: {\"echo\":\"\(Self.key)\"}\n\n")])))
        let clean = Redactor.standard.redact(interaction)
        let text = JSONWriter.string(clean.jsonValue)
        #expect(!text.contains("0123456789abcdef"))
        #expect(!text.contains("api03-abcdefgh1234"))
        #expect(
            clean.request.headers.map(\.value) == [
                "[REDACTED]", "[REDACTED]", "[REDACTED]", "agent [REDACTED]", "text/event-stream",
            ])
        #expect(clean.response.headers.first?.value == "[REDACTED]")
        #expect(clean.request.query == "k=[REDACTED]")
        #expect(text.contains(#""api_key":"plain""#))
        #expect(text.contains(#""model":"m""#))
    }

    @Test("added headers and patterns are redacted too; an invalid pattern is refused")
    func extras() throws {
        let redactor = try Redactor(extraHeaders: ["X-Team-Token"], extraPatterns: [#"team-[0-9]{6}"#])
        #expect(redactor.redact([HeaderField("x-team-token", "t")]).first?.value == "[REDACTED]")
        #expect(redactor.redact("id team-123456 ok") == "id [REDACTED] ok")
        #expect(throws: (any Error).self) { try Redactor(extraPatterns: ["(unclosed"]) }
    }

    @Test("a key must start a word: ordinary hyphenated words are left alone")
    func boundaries() {
        let text = "task-scheduler-configuration and risk-adjusted-returns-2026 but sk-live-0123456789abcdef0"
        #expect(
            Redactor.standard.redact(text)
                == "task-scheduler-configuration and risk-adjusted-returns-2026 but [REDACTED]")
    }

    @Test("a key split across raw chunks, or beside a UTF-8 character cut by a chunk edge, is still removed")
    func acrossChunks() {
        let key = Array("sk-or-v1-0123456789abcdef".utf8)
        let chunks = [
            TimedChunk(offsetMs: 1, bytes: Array("é".utf8).prefix(1) + Array(" token ".utf8) + key[0..<10]),
            TimedChunk(offsetMs: 2, bytes: Array(key[10...]) + Array(" end".utf8)),
        ]
        guard case .chunks(let clean) = Redactor.standard.redact(Body.chunks(chunks)) else {
            Issue.record("not chunks")
            return
        }
        #expect(clean.map(\.offsetMs) == [1, 2])
        let joined = clean.flatMap(\.bytes)
        #expect(!String(decoding: joined, as: UTF8.self).contains("0123456789"))
        #expect(String(decoding: clean[1].bytes, as: UTF8.self) == " end")
        #expect(String(decoding: joined.dropFirst(), as: UTF8.self) == " token [REDACTED] end")
    }

    @Test("JSON members named like secret headers are redacted in request bodies as in recordings")
    func jsonMembers() {
        let body = Array(#"{"tools":[{"type":"mcp","headers":{"Authorization":"Bearer abc"}}]}"#.utf8)
        #expect(
            String(decoding: Redactor.standard.redact(body), as: UTF8.self)
                == #"{"tools":[{"type":"mcp","headers":{"Authorization":"[REDACTED]"}}]}"#)
    }

    @Test(
        "a secret header's name as a JSON key is found in any case, only when quoted",
        arguments: [
            (#"{"X-API-KEY":"abc"}"#, #"{"X-API-KEY":"[REDACTED]"}"#),
            (#"{"a":1,"authorization":"abc"}"#, #"{"a":1,"authorization":"[REDACTED]"}"#),
            (#"{"note":"the authorization header"}"#, #"{"note":"the authorization header"}"#),
            (#"{"authorizationx":"abc","x":"""#, #"{"authorizationx":"abc","x":"""#),
        ])
    func quotedNames(body: String, expected: String) {
        #expect(String(decoding: Redactor.standard.redact(Array(body.utf8)), as: UTF8.self) == expected)
    }

    @Test("request bodies without a key-shaped string are returned untouched (no copy, no parse)")
    func untouched() {
        let bytes = Array(#"{"model":"m","messages":[]}"#.utf8)
        #expect(Redactor.standard.redact(bytes) == bytes)
        #expect(
            Redactor.standard.redact(Array("say sk-or-v1-abcdefgh12345678 ok".utf8)) == Array("say [REDACTED] ok".utf8))
    }
}
