import CassetteFormat
import Testing

@Suite("JSON fidelity")
struct JSONFidelityTests {
    @Test(
        "compact JSON survives parse + write byte for byte",
        arguments: [
            #"{"b":1,"a":[true,false,null],"c":{"z":"x","y":0.00000315}}"#,
            #"{"n":1e-7,"m":-0.0,"big":12345678901234567890,"f":1.50}"#,
            #"{"s":"quote \" backslash \\ newline \n tab \t ctrl \u0001 é 日本 🎉"}"#,
            #"[]"#, #"{}"#, #""plain""#, #"0"#,
        ])
    func roundTrip(_ text: String) throws {
        let value = try JSONParser.parse(text)
        #expect(JSONWriter.string(value) == text)
    }

    @Test("escapes that are not minimal parse to the same string")
    func nonMinimalEscapes() throws {
        let value = try JSONParser.parse(#"{"s":"\u00e9\/\ud83c\udf89"}"#)
        #expect(value["s"]?.stringValue == "é/🎉")
    }

    @Test("whitespace around and inside is accepted and dropped on write")
    func whitespace() throws {
        let value = try JSONParser.parse(" {\n \"a\" : [ 1 , 2 ] }\n")
        #expect(JSONWriter.string(value) == #"{"a":[1,2]}"#)
    }

    @Test(
        "invalid documents are refused with an offset",
        arguments: [
            "", "{", #"{"a":}"#, "[1,]", "01", "1.", "-", "tru", #""unterminated"#, "{} x", #"{"a" 1}"#,
            "\"bad \\q escape\"", "\"ctrl \u{01}\"",
        ])
    func invalid(_ text: String) {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(text) }
    }

    @Test("invalid UTF-8 inside a string is refused")
    func invalidUTF8() {
        let bytes: [UInt8] = [0x22, 0xC3, 0x28, 0x22]
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(bytes) }
    }

    @Test("deep nesting is refused instead of overflowing the stack")
    func deepNesting() {
        let text = String(repeating: "[", count: 100_000)
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(text) }
    }
}
