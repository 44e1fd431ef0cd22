import CassetteFormat
import Foundation
import Testing

@Suite("Crash-safe appending")
struct CassetteWriterTests {
    @Test("appending writes the header once and one record per interaction", arguments: ["a.cassette.jsonl.gz", "a.cassette.jsonl"])
    func append(name: String) throws {
        let path = Fixtures.temporaryPath(name)
        let writer = try CassetteWriter(appendingTo: path, header: Fixtures.header)
        for interaction in Fixtures.interactions.prefix(2) { try writer.append(interaction) }
        let reopened = try CassetteWriter(appendingTo: path, header: Fixtures.header)
        for interaction in Fixtures.interactions.dropFirst(2) { try reopened.append(interaction) }
        let file = try CassetteReader.read(path: path)
        #expect(file.interactions == Fixtures.interactions)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(CassetteWriter.encode(header: Fixtures.header, interactions: Fixtures.interactions, compressed: name.hasSuffix(".gz"))))
    }

    @Test("a file killed inside its fourth record loads three, and appending resumes after the third")
    func killedDuringFourth() throws {
        let path = Fixtures.temporaryPath("k.cassette.jsonl.gz")
        let writer = try CassetteWriter(appendingTo: path, header: Fixtures.header)
        for interaction in Fixtures.interactions { try writer.append(interaction) }
        let full = try Data(contentsOf: URL(fileURLWithPath: path))
        try full.dropLast(10).write(to: URL(fileURLWithPath: path))
        let damaged = try CassetteReader.read(path: path)
        #expect(damaged.interactions.count == 3)
        #expect(damaged.warnings.count == 1)

        let resumed = try CassetteWriter(appendingTo: path, header: Fixtures.header)
        try resumed.append(Fixtures.chat("after the crash"))
        let file = try CassetteReader.read(path: path)
        #expect(file.warnings.isEmpty)
        #expect(file.interactions == Array(Fixtures.interactions.prefix(3)) + [Fixtures.chat("after the crash")])
    }

    @Test("a cassette whose last line lost its newline (hand edit) gets one before the next append", arguments: [false, true])
    func missingFinalNewline(compressed: Bool) throws {
        let path = Fixtures.temporaryPath(compressed ? "n.cassette.jsonl.gz" : "n.cassette.jsonl")
        var text = CassetteWriter.encode(header: Fixtures.header, interactions: [Fixtures.chat("one")], compressed: false)
        text.removeLast()
        try Data(compressed ? Gzip.compress(text) : text).write(to: URL(fileURLWithPath: path))
        try CassetteWriter(appendingTo: path, header: Fixtures.header).append(Fixtures.chat("two"))
        let file = try CassetteReader.read(path: path)
        #expect(file.interactions == [Fixtures.chat("one"), Fixtures.chat("two")])
        #expect(file.warnings.isEmpty)
    }

    @Test("gzip is detected by content when appending, whatever the name says")
    func compressionByContent() throws {
        let path = Fixtures.temporaryPath("misnamed.cassette.jsonl")
        try Data(CassetteWriter.encode(header: Fixtures.header, interactions: [Fixtures.chat("one")], compressed: true)).write(to: URL(fileURLWithPath: path))
        try CassetteWriter(appendingTo: path, header: Fixtures.header).append(Fixtures.chat("two"))
        #expect(Gzip.isGzip(Array(try Data(contentsOf: URL(fileURLWithPath: path)))))
        #expect(try CassetteReader.read(path: path).interactions.count == 2)
    }

    @Test("opening a file that is not a cassette for appending is refused, and the file is untouched")
    func refusesForeignFile() throws {
        let path = Fixtures.temporaryPath("notes.cassette.jsonl")
        try Data("hello\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: CassetteError.self) { try CassetteWriter(appendingTo: path, header: Fixtures.header) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "hello\n")
    }

    @Test("an unwritable path is refused with the file named")
    func unwritable() throws {
        let error = #expect(throws: CassetteError.self) {
            try CassetteWriter(appendingTo: "/nonexistent-folder/x.cassette.jsonl.gz", header: Fixtures.header)
        }
        #expect(error?.description.hasPrefix("/nonexistent-folder/x.cassette.jsonl.gz: cannot open for writing") == true)
    }
}
