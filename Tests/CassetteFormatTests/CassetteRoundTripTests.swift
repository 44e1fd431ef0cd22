import CassetteFormat
import Foundation
import Testing

@Suite("Cassette round trip")
struct CassetteRoundTripTests {
    @Test("encode then decode gives the same interactions, plain and gzip", arguments: [false, true])
    func roundTrip(compressed: Bool) throws {
        let bytes = CassetteWriter.encode(
            header: Fixtures.header, interactions: Fixtures.interactions, compressed: compressed)
        let file = try CassetteReader.decode(bytes, path: "memory")
        #expect(file.header == Fixtures.header)
        #expect(file.interactions == Fixtures.interactions)
        #expect(file.warnings.isEmpty)
    }

    @Test("same content gives the same bytes; decoding and re-encoding is the identity")
    func deterministic() throws {
        let first = CassetteWriter.encode(
            header: Fixtures.header, interactions: Fixtures.interactions, compressed: true)
        let second = CassetteWriter.encode(
            header: Fixtures.header, interactions: Fixtures.interactions, compressed: true)
        #expect(first == second)
        let file = try CassetteReader.decode(first, path: "memory")
        #expect(CassetteWriter.encode(header: file.header, interactions: file.interactions, compressed: true) == first)
    }

    @Test("the documented line layout: header keys first, body as a one-key object, offsets in ms")
    func lineLayout() throws {
        let bytes = CassetteWriter.encode(
            header: Fixtures.header, interactions: [Fixtures.interactions[1]], compressed: false)
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix(#"{"format":"mockrouter-cassette","version":"1.0","created":"#))
        #expect(
            lines[1].hasPrefix(
                #"{"request":{"method":"POST","path":"/api/v1/chat/completions","headers":[],"body":{"json":"#))
        #expect(
            lines[1].contains(
                #""body":{"sse":[{"offset_ms":0,"text":": OPENROUTER PROCESSING\n\n"},{"offset_ms":25.125,"#))
        #expect(lines[1].hasSuffix(#""outcome":{"kind":"complete"}}"#))
    }

    @Test("several gzip members concatenated read as one file (as `cat a.gz b.gz` makes)")
    func multiMember() throws {
        var bytes = Gzip.compress(CassetteWriter.encodeLine(Fixtures.header.jsonValue))
        for interaction in Fixtures.interactions {
            bytes += Gzip.compress(CassetteWriter.encodeLine(interaction.jsonValue))
        }
        let inflated = try Gzip.decompress(bytes)
        #expect(inflated.completeMembers == Fixtures.interactions.count + 1)
        let file = try CassetteReader.decode(bytes, path: "memory")
        #expect(file.interactions.count == Fixtures.interactions.count)
    }

    @Test("one gzip member holding every line reads the same as one member per line")
    func singleMember() throws {
        let plain = CassetteWriter.encode(
            header: Fixtures.header, interactions: Fixtures.interactions, compressed: false)
        let file = try CassetteReader.decode(Gzip.compress(plain), path: "memory")
        #expect(file.interactions == Fixtures.interactions)
    }

    @Test("a large cassette (parsed on every core) keeps the recording order and names a bad line by number")
    func largeCassette() throws {
        let many = (0..<500).map {
            Fixtures.chat(#"message \#($0) with \"quotes\", a tab \t, é and \u00e9 and \ud83d\ude00"#)
        }
        let bytes = CassetteWriter.encode(header: Fixtures.header, interactions: many, compressed: true)
        #expect(try CassetteReader.decode(bytes, path: "big").interactions == many)

        var lines = String(
            decoding: CassetteWriter.encode(header: Fixtures.header, interactions: many, compressed: false),
            as: UTF8.self
        )
        .split(separator: "\n").map(String.init)
        lines[377] = String(lines[377].dropLast(3))
        let error = #expect(throws: CassetteError.self) {
            try CassetteReader.decode(Array((lines.joined(separator: "\n") + "\n").utf8), path: "big")
        }
        #expect(error?.line == 378)
    }

    @Test("the wire bytes of each body kind")
    func wireBytes() throws {
        #expect(Body.json(try JSONParser.parse(#"{"a": 1}"#)).wireBytes == Array(#"{"a":1}"#.utf8))
        #expect(
            Body.sse([TimedFrame(offsetMs: 0, text: "data: 1\n\n"), TimedFrame(offsetMs: 1, text: "data: 2\n\n")])
                .wireBytes == Array("data: 1\n\ndata: 2\n\n".utf8))
        #expect(Body.exact(Array(#"{"a":1}"#.utf8)) == .json(try JSONParser.parse(#"{"a":1}"#)))
        #expect(Body.exact(Array("\n{\"a\": 1}".utf8)) == .text("\n{\"a\": 1}"))
        #expect(Body.exact([0xFF, 0x00]) == .bytes([0xFF, 0x00]))
    }

    @Test("milliseconds are written with at most three decimals and no trailing zeros")
    func milliseconds() throws {
        var interaction = Fixtures.interactions[0]
        interaction.timing = Timing(ttfbMs: 12.3456, durationMs: 100.1)
        let line = String(decoding: CassetteWriter.encodeLine(interaction.jsonValue), as: UTF8.self)
        #expect(line.contains(#""timing":{"ttfb_ms":12.346,"duration_ms":100.1}"#))
    }
}
