import CassetteFormat
import Testing

@Suite("Redaction")
struct RedactorTests {
    static let key = "sk-or-v1-0123456789abcdef0123456789abcdef"

    @Test("secret headers and key-shaped strings anywhere are replaced; nothing else changes")
    func interaction() throws {
        let body = try JSONParser.parse(#"{"model":"m","messages":[{"role":"user","content":"key \#(Self.key) and sk-ant-api03-abcdefgh1234 and sk-proj-0123456789abcdef"}],"api_key":"plain"}"#)
        let interaction = Interaction(
            request: RecordedRequest(method: "POST", path: "/api/v1/chat/completions", query: "k=\(Self.key)",
                                     headers: [HeaderField("Authorization", "Bearer x"), HeaderField("X-Api-Key", "y"), HeaderField("Cookie", "z"),
                                               HeaderField("User-Agent", "agent \(Self.key)"), HeaderField("Accept", "text/event-stream")],
                                     body: .json(body)),
            response: RecordedResponse(status: 200, headers: [HeaderField("Set-Cookie", "s=1")],
                                       body: .sse([TimedFrame(offsetMs: 1, text: "data: {\"echo\":\"\(Self.key)\"}\n\n")])))
        let clean = Redactor.standard.redact(interaction)
        let text = JSONWriter.string(clean.jsonValue)
        #expect(!text.contains("0123456789abcdef"))
        #expect(!text.contains("api03-abcdefgh1234"))
        #expect(clean.request.headers.map(\.value) == ["[REDACTED]", "[REDACTED]", "[REDACTED]", "agent [REDACTED]", "text/event-stream"])
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

    @Test("request bodies without a key-shaped string are returned untouched (no copy, no parse)")
    func untouched() {
        let bytes = Array(#"{"model":"m","messages":[]}"#.utf8)
        #expect(Redactor.standard.redact(bytes) == bytes)
        #expect(Redactor.standard.redact(Array("say sk-or-v1-abcdefgh12345678 ok".utf8)) == Array("say [REDACTED] ok".utf8))
    }
}
