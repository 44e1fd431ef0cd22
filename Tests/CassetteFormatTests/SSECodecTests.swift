import CassetteFormat
import Testing

@Suite("The SSE codec: frames as bytes arrive, and events read from them")
struct SSEFrameSplitterTests {
    func split(_ pieces: [String]) -> [(String, Double)] {
        var splitter = SSEFrameSplitter()
        for (i, piece) in pieces.enumerated() { splitter.append(Array(piece.utf8), offsetMs: Double(i)) }
        return splitter.finish(offsetMs: 99).map { (String(decoding: $0.bytes, as: UTF8.self), $0.offsetMs) }
    }

    @Test("a frame is stamped with the arrival of the chunk that completed it")
    func boundariesAcrossChunks() {
        let frames = split([": OPENROUTER PROCESSING\n\ndata: {\"a\"", ":1}\n", "\ndata: [DONE]\n\n"])
        #expect(frames.map(\.0) == [": OPENROUTER PROCESSING\n\n", "data: {\"a\":1}\n\n", "data: [DONE]\n\n"])
        #expect(frames.map(\.1) == [0, 2, 2])
    }

    @Test("CRLF and CR boundaries end frames too")
    func lineEndings() {
        #expect(
            split(["data: 1\r\n\r\ndata: 2\r", "\rdata: 3\n\n"]).map(\.0) == [
                "data: 1\r\n\r\n", "data: 2\r\r", "data: 3\n\n",
            ])
    }

    @Test("a stream cut inside a frame leaves that frame incomplete, stamped at the end")
    func cut() {
        let frames = split(["data: 1\n\ndata: {\"tru"])
        #expect(frames.map(\.0) == ["data: 1\n\n", "data: {\"tru"])
        #expect(frames.last?.1 == 99)
    }

    @Test("one byte at a time gives the same frames")
    func byteByByte() {
        let text = ": c\n\ndata: {\"x\":\"é\"}\n\ndata: [DONE]\n\n"
        var splitter = SSEFrameSplitter()
        for byte in text.utf8 { splitter.append([byte], offsetMs: 0) }
        #expect(
            splitter.finish(offsetMs: 0).map { String(decoding: $0.bytes, as: UTF8.self) } == [
                ": c\n\n", "data: {\"x\":\"é\"}\n\n", "data: [DONE]\n\n",
            ])
    }

    @Test(
        "every line-ending form, mixed ones included, ends a frame at its empty line",
        arguments: [
            ("data: a\n\ndata: b\n\n", ["data: a\n\n", "data: b\n\n"]),
            ("data: a\r\n\r\ndata: b\r\n\r\n", ["data: a\r\n\r\n", "data: b\r\n\r\n"]),
            ("data: a\r\rdata: b\r\r", ["data: a\r\r", "data: b\r\r"]),
            ("data: a\n\r\ndata: b\r\n\n", ["data: a\n\r\n", "data: b\r\n\n"]),
            ("data: a\r\n\rdata: b\n\r", ["data: a\r\n\r", "data: b\n\r"]),
            ("event: x\r\ndata: a\ndata: b\r\r", ["event: x\r\ndata: a\ndata: b\r\r"]),
        ])
    func mixedLineEndings(stream: String, expected: [String]) {
        #expect(split([stream]).map(\.0) == expected)
        #expect(split(stream.map(String.init)).map(\.0) == expected, "one character at a time")
        var splitter = SSEFrameSplitter()
        for byte in stream.utf8 { splitter.append([byte], offsetMs: 0) }
        #expect(splitter.finish(offsetMs: 0).map { String(decoding: $0.bytes, as: UTF8.self) } == expected)
    }

    @Test("an event reads its fields the SSE way, whatever the line endings")
    func events() {
        let crlf = SSEEvent(parsing: "event: message_start\r\ndata: {\"a\":1}\r\ndata:{\"b\":2}\r\n\r\n")
        #expect(crlf.event == "message_start")
        #expect(crlf.data == "{\"a\":1}\n{\"b\":2}")
        let comment = SSEEvent(parsing: ": OPENROUTER PROCESSING\r\r")
        #expect(comment.data == nil && comment.comments == ["OPENROUTER PROCESSING"] && !comment.hasData)
        let mixed = SSEEvent(parsing: "id: 7\rdata: x\n\r\n")
        #expect(mixed.id == "7" && mixed.data == "x")
        #expect(SSEEvent(parsing: "data\n\n").data == "")
        #expect(SSEEvent(parsing: "retry: 10\nfoo: bar\n\n").hasData == false)
    }
}
