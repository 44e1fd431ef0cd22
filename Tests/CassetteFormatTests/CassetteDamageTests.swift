import CassetteFormat
import Foundation
import Testing

@Suite("Damaged cassettes")
struct CassetteDamageTests {
    func encoded(compressed: Bool) -> [UInt8] {
        Fixtures.appended(Fixtures.interactions, compressed: compressed)
    }

    @Test("a truncated last gzip member loses only that interaction, with a warning naming it")
    func truncatedGzipTail() throws {
        let bytes = encoded(compressed: true)
        let lastMember = Gzip.compress(CassetteWriter.encodeLine(Fixtures.interactions[3].jsonValue)).count
        for cut in [1, 8, lastMember / 2, lastMember - 1] {
            let file = try CassetteReader.decode(Array(bytes.dropLast(cut)), path: "x.cassette.jsonl.gz")
            #expect(file.interactions == Array(Fixtures.interactions.prefix(3)), "cut \(cut) bytes")
            #expect(file.warnings.count == 1)
            #expect(file.warnings.first?.interaction == 4)
            #expect(
                file.warnings.first?.description.contains("x.cassette.jsonl.gz: interaction 4 is incomplete") == true)
        }
    }

    @Test("a plain file whose last line was cut keeps the lines before it")
    func truncatedPlainTail() throws {
        let bytes = encoded(compressed: false)
        let file = try CassetteReader.decode(Array(bytes.dropLast(30)), path: "x.cassette.jsonl")
        #expect(file.interactions.count == 3)
        #expect(file.warnings.first?.interaction == 4)
    }

    @Test("an invalid line followed by valid ones is an error naming file and line")
    func invalidMiddleLine() throws {
        var lines = String(decoding: encoded(compressed: false), as: UTF8.self).split(separator: "\n").map(String.init)
        lines[2] = String(lines[2].dropLast(5))
        let bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
        let error = #expect(throws: CassetteError.self) { try CassetteReader.decode(bytes, path: "x.cassette.jsonl") }
        #expect(error?.line == 3)
        #expect(error?.description.hasPrefix("x.cassette.jsonl: line 3 (interaction 2): invalid JSON") == true)
    }

    @Test("a complete last line that is invalid is not mistaken for a cut tail")
    func invalidCompleteLastLine() throws {
        let bytes = encoded(compressed: false) + Array("{\"request\":1}\n".utf8)
        let error = #expect(throws: CassetteError.self) { try CassetteReader.decode(bytes, path: "x.cassette.jsonl") }
        #expect(error?.line == 6)
        #expect(error?.description.contains("request expected an object, found number") == true)
    }

    @Test("corrupt compressed data in the middle is an error, not a warning")
    func corruptGzip() throws {
        var bytes = encoded(compressed: true)
        let headerMember = Gzip.compress(CassetteWriter.encodeLine(Fixtures.header.jsonValue)).count
        bytes[headerMember + 20] ^= 0xFF
        let error = #expect(throws: CassetteError.self) { try CassetteReader.decode(bytes, path: "x.gz") }
        #expect(error?.description.contains("gzip member 2 is damaged") == true)
        #expect(error?.line == 2)
    }

    @Test("an unknown major version is refused by name")
    func unknownMajor() throws {
        let bytes =
            Array(#"{"format":"mockrouter-cassette","version":"2.0","created":"","tool":"future"}"#.utf8) + [0x0A]
        let error = #expect(throws: CassetteError.self) {
            try CassetteReader.decode(bytes, path: "future.cassette.jsonl")
        }
        #expect(
            error?.description
                == "future.cassette.jsonl: line 1 (header): cassette format version 2.0 is not supported: this reader knows 1.x; upgrade mockrouter to read it"
        )
    }

    @Test("a newer minor version is read, ignoring keys it does not know")
    func newerMinor() throws {
        var text =
            #"{"format":"mockrouter-cassette","version":"1.7","created":"","tool":"future","extra":{"x":1}}"# + "\n"
        text += String(decoding: CassetteWriter.encodeLine(Fixtures.interactions[0].jsonValue), as: UTF8.self)
        let file = try CassetteReader.decode(Array(text.utf8), path: "m")
        #expect(file.header.version == FormatVersion(major: 1, minor: 7))
        #expect(file.interactions.count == 1)
    }

    @Test(
        "another format's file, an empty file and a bad field are errors with their place",
        arguments: [
            (#"{"format":"vcr","version":"1.0"}"#, "line 1 (header): not a MockRouter cassette"),
            ("", "line 1 (header): the file is empty"),
            (
                #"{"format":"mockrouter-cassette","version":"one"}"#,
                #"line 1 (header): version expected "MAJOR.MINOR", found "one""#
            ),
        ])
    func badHeaders(text: String, expected: String) throws {
        let error = #expect(throws: CassetteError.self) { try CassetteReader.decode(Array(text.utf8), path: "f") }
        #expect(error?.description.contains(expected) == true, "\(String(describing: error))")
    }

    @Test("field errors name the path inside the interaction")
    func fieldPath() throws {
        let header = String(decoding: CassetteWriter.encodeLine(Fixtures.header.jsonValue), as: UTF8.self)
        let line =
            #"{"request":{"method":"GET","path":"/api/v1/models","headers":[]},"response":{"status":200,"headers":[],"body":{"sse":[{"offset_ms":"soon","text":"data: x\n\n"}]}}}"#
        let error = #expect(throws: CassetteError.self) {
            try CassetteReader.decode(Array((header + line + "\n").utf8), path: "f")
        }
        #expect(
            error?.description
                == "f: line 2 (interaction 1): response.body.sse[0].offset_ms expected a number, found string")
    }

    @Test("integrity: offsets going backwards and frames without a blank line are reported")
    func integrity() throws {
        var interaction = Fixtures.stream(frames: ["data: 1\n\n", "data: 2\n"])
        if case .sse(var frames) = interaction.response.body {
            frames[1].offsetMs = -1
            interaction.response.body = .sse(frames)
        }
        let issues = CassetteIntegrity.issues(
            in: CassetteFile(path: "f", header: Fixtures.header, interactions: [interaction]))
        #expect(issues.map(\.description).contains { $0.contains("does not end with a blank line") })
        #expect(issues.map(\.description).contains { $0.contains("earlier than the one before it") })
        #expect(
            CassetteIntegrity.issues(
                in: CassetteFile(path: "f", header: Fixtures.header, interactions: Fixtures.interactions)
            ).isEmpty)
    }
}
