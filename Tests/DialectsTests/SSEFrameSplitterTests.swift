import Dialects
import Testing

@Suite("SSE frame splitting as bytes arrive")
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
}
