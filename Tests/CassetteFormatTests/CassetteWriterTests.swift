import CassetteFormat
import Foundation
import Testing

@Suite("Crash-safe appending")
struct CassetteWriterTests {
    @Test(
        "appending writes the header once and one record per interaction",
        arguments: ["a.cassette.jsonl.gz", "a.cassette.jsonl"])
    func append(name: String) async throws {
        let path = Fixtures.temporaryPath(name)
        let writer = try CassetteWriter(appendingTo: path, header: Fixtures.header)
        for interaction in Fixtures.interactions.prefix(2) { try await writer.append(interaction) }
        let reopened = try CassetteWriter(appendingTo: path, header: Fixtures.header)
        for interaction in Fixtures.interactions.dropFirst(2) { try await reopened.append(interaction) }
        let file = try CassetteReader.read(path: path)
        #expect(file.interactions == Fixtures.interactions)
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: path))
                == Data(Fixtures.appended(Fixtures.interactions, compressed: name.hasSuffix(".gz"))))
    }

    @Test("concurrent appends all land, each line whole and readable")
    func concurrentAppends() async throws {
        let path = Fixtures.temporaryPath("c.cassette.jsonl.gz")
        let writer = try CassetteWriter(appendingTo: path, header: Fixtures.header)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<200 { group.addTask { try await writer.append(Fixtures.chat("n\(index)")) } }
            try await group.waitForAll()
        }
        let file = try CassetteReader.read(path: path)
        #expect(file.warnings.isEmpty)
        #expect(Set(file.interactions.map { String(decoding: $0.request.body.wireBytes, as: UTF8.self) }).count == 200)
    }

    @Test("finish rewrites a gzip cassette as one member with the same text, and appending can resume after it")
    func finishCompacts() async throws {
        let path = Fixtures.temporaryPath("f.cassette.jsonl.gz")
        let writer = try CassetteWriter(appendingTo: path, header: Fixtures.header)
        for interaction in Fixtures.interactions { try await writer.append(interaction) }
        let appendedSize = try Data(contentsOf: URL(fileURLWithPath: path)).count
        try writer.finish()
        let compacted = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(
            compacted
                == CassetteWriter.encode(header: Fixtures.header, interactions: Fixtures.interactions, compressed: true)
        )
        #expect(try Gzip.decompress(compacted).completeMembers == 1)
        #expect(compacted.count < appendedSize)
        await #expect(throws: CassetteError.self) { try await writer.append(Fixtures.chat("late")) }

        let resumed = try CassetteWriter(appendingTo: path, header: Fixtures.header)
        try await resumed.append(Fixtures.chat("next session"))
        #expect(
            try CassetteReader.read(path: path).interactions == Fixtures.interactions + [Fixtures.chat("next session")])
        let leftovers = try FileManager.default.contentsOfDirectory(
            atPath: (path as NSString).deletingLastPathComponent
        ).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test("finish follows a symbolic link and keeps the file's permissions")
    func finishThroughSymlink() async throws {
        let target = Fixtures.temporaryPath("target.cassette.jsonl.gz")
        let link = (target as NSString).deletingLastPathComponent + "/link.cassette.jsonl.gz"
        let writer = try CassetteWriter(appendingTo: target, header: Fixtures.header)
        try await writer.append(Fixtures.chat("one"))
        chmod(target, 0o600)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let viaLink = try CassetteWriter(appendingTo: link, header: Fixtures.header)
        try await viaLink.append(Fixtures.chat("two"))
        try viaLink.finish()
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target)
        #expect(try Gzip.decompress(Array(try Data(contentsOf: URL(fileURLWithPath: target)))).completeMembers == 1)
        #expect(try CassetteReader.read(path: link).interactions == [Fixtures.chat("one"), Fixtures.chat("two")])
        #expect((try FileManager.default.attributesOfItem(atPath: target)[.posixPermissions] as? Int) == 0o600)
    }

    @Test("finish does not split a hard-linked cassette: it stays as appended and the reason is reported")
    func finishHardLinked() async throws {
        let path = Fixtures.temporaryPath("linked.cassette.jsonl.gz")
        let other = (path as NSString).deletingLastPathComponent + "/other-name.cassette.jsonl.gz"
        let writer = try CassetteWriter(appendingTo: path, header: Fixtures.header)
        for interaction in Fixtures.interactions { try await writer.append(interaction) }
        try FileManager.default.linkItem(atPath: path, toPath: other)
        var reason: CassetteError?
        try writer.finish { reason = $0 }
        #expect(reason?.description.contains("hard links") == true)
        #expect(
            Array(try Data(contentsOf: URL(fileURLWithPath: other)))
                == Fixtures.appended(Fixtures.interactions, compressed: true))
        #expect(try CassetteReader.read(path: path).interactions == Fixtures.interactions)
    }

    @Test("finish leaves a plain cassette as it was appended")
    func finishPlain() async throws {
        let path = Fixtures.temporaryPath("p.cassette.jsonl")
        let writer = try CassetteWriter(appendingTo: path, header: Fixtures.header)
        for interaction in Fixtures.interactions { try await writer.append(interaction) }
        try writer.finish()
        #expect(
            Array(try Data(contentsOf: URL(fileURLWithPath: path)))
                == Fixtures.appended(Fixtures.interactions, compressed: false))
    }

    @Test("a file killed inside its fourth record loads three, and appending resumes after the third")
    func killedDuringFourth() async throws {
        let path = Fixtures.temporaryPath("k.cassette.jsonl.gz")
        let writer = try CassetteWriter(appendingTo: path, header: Fixtures.header)
        for interaction in Fixtures.interactions { try await writer.append(interaction) }
        let full = try Data(contentsOf: URL(fileURLWithPath: path))
        try full.dropLast(10).write(to: URL(fileURLWithPath: path))
        let damaged = try CassetteReader.read(path: path)
        #expect(damaged.interactions.count == 3)
        #expect(damaged.warnings.count == 1)

        let resumed = try CassetteWriter(appendingTo: path, header: Fixtures.header)
        try await resumed.append(Fixtures.chat("after the crash"))
        let file = try CassetteReader.read(path: path)
        #expect(file.warnings.isEmpty)
        #expect(file.interactions == Array(Fixtures.interactions.prefix(3)) + [Fixtures.chat("after the crash")])
    }

    @Test(
        "a cassette whose last line lost its newline (hand edit) gets one before the next append",
        arguments: [false, true])
    func missingFinalNewline(compressed: Bool) async throws {
        let path = Fixtures.temporaryPath(compressed ? "n.cassette.jsonl.gz" : "n.cassette.jsonl")
        var text = CassetteWriter.encode(
            header: Fixtures.header, interactions: [Fixtures.chat("one")], compressed: false)
        text.removeLast()
        try Data(compressed ? Gzip.compress(text) : text).write(to: URL(fileURLWithPath: path))
        try await CassetteWriter(appendingTo: path, header: Fixtures.header).append(Fixtures.chat("two"))
        let file = try CassetteReader.read(path: path)
        #expect(file.interactions == [Fixtures.chat("one"), Fixtures.chat("two")])
        #expect(file.warnings.isEmpty)
    }

    @Test("gzip is detected by content when appending, whatever the name says")
    func compressionByContent() async throws {
        let path = Fixtures.temporaryPath("misnamed.cassette.jsonl")
        try Data(CassetteWriter.encode(header: Fixtures.header, interactions: [Fixtures.chat("one")], compressed: true))
            .write(to: URL(fileURLWithPath: path))
        try await CassetteWriter(appendingTo: path, header: Fixtures.header).append(Fixtures.chat("two"))
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
        #expect(
            error?.description.hasPrefix("/nonexistent-folder/x.cassette.jsonl.gz: cannot open for writing") == true)
    }
}
