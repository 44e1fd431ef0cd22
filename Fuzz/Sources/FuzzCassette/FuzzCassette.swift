// libFuzzer target: CassetteReader.decode on arbitrary bytes (plain JSON Lines or gzip members).
// Errors are fine; crashes are not. What decodes is also put through what the server does with a
// loaded cassette (catalogue it, build each interaction's replay plan) and through a rewrite:
// encoding the decoded cassette and decoding that again must give the same header and interactions
// (up to the microsecond rounding of times), and rewriting once more the same bytes.
import CassetteFormat
import MockRouterTesting  // re-exports Playback, which is not a product of the root package

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let file: CassetteFile
    do { file = try CassetteReader.decode(bytes, path: "fuzz") } catch {
        _ = error.description
        return 0
    }
    for warning in file.warnings { _ = warning.description }

    var catalog = CassetteCatalog()
    catalog.add(file)
    for interaction in file.interactions {
        let plan = PlaybackPlan(replaying: interaction)
        _ = plan.contentLength
        _ = plan.coalescedSteps.count
        _ = interaction.request.body.wireBytes.count
        _ = interaction.response.body.wireBytes.count
    }

    // Writers round every millisecond value to whole microseconds and readers take any number
    // (docs/cassette-format.md, section 7), so a rewrite may change the decoded values, but not what
    // they serialize to, and a second rewrite must give exactly the bytes of the first.
    let canonical = CassetteWriter.encode(header: file.header, interactions: file.interactions, compressed: false)
    for compressed in [false, true] {
        let encoded = CassetteWriter.encode(
            header: file.header, interactions: file.interactions, compressed: compressed)
        let again: CassetteFile
        do {
            again = try CassetteReader.decode(encoded, path: "fuzz-rewritten")
        } catch {
            fatalError(
                "FuzzCassette: a decoded cassette, re-encoded (compressed: \(compressed)), does not decode: \(error)")
        }
        guard again.header == file.header else {
            fatalError("FuzzCassette: the header changed on rewrite: \(file.header) became \(again.header)")
        }
        guard again.interactions.count == file.interactions.count else {
            fatalError(
                "FuzzCassette: \(file.interactions.count) interactions became \(again.interactions.count) on rewrite")
        }
        for (index, (a, b)) in zip(file.interactions, again.interactions).enumerated() where a.jsonValue != b.jsonValue
        {
            fatalError(
                "FuzzCassette: interaction \(index + 1) changed on rewrite:\n  \(JSONWriter.string(a.jsonValue))\n  \(JSONWriter.string(b.jsonValue))"
            )
        }
        let twice = CassetteWriter.encode(header: again.header, interactions: again.interactions, compressed: false)
        guard twice == canonical else {
            fatalError("FuzzCassette: a second rewrite gives different bytes (compressed first: \(compressed))")
        }
    }
    return 0
}
