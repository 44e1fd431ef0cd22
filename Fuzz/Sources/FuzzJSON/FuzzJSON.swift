// libFuzzer target: CassetteFormat's JSON parser on arbitrary bytes. Whatever parses must survive
// a JSONWriter round trip: the compact form re-parses to an equal value, and writing that value
// again gives the same bytes. Errors are fine; a crash or a broken round trip is a finding.
import CassetteFormat

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    let value: JSONValue
    do { value = try JSONParser.parse(input) } catch { return 0 }

    let written = JSONWriter.bytes(value)
    let reparsed: JSONValue
    do {
        reparsed = try JSONParser.parse(written)
    } catch {
        fatalError("FuzzJSON: JSONWriter's output does not parse (\(error)): \(show(written))")
    }
    guard reparsed == value else {
        fatalError("FuzzJSON: the round trip changed the value: \(show(written)) re-parsed differently")
    }
    let rewritten = JSONWriter.bytes(reparsed)
    guard rewritten == written else {
        fatalError("FuzzJSON: writing is not stable: \(show(written)) then \(show(rewritten))")
    }
    // The string entry point must agree with the byte one on valid UTF-8.
    if let text = String(validating: input, as: UTF8.self) {
        guard let fromText = try? JSONParser.parse(text), fromText == value else {
            fatalError("FuzzJSON: parse(String) disagrees with parse(bytes) on \(show(Array(input)))")
        }
    }
    // Accessors must not trap on any shape.
    walk(value, depth: 0)
    return 0
}

private func walk(_ value: JSONValue, depth: Int) {
    _ = value.kindName
    _ = value.intValue
    _ = value.doubleValue
    _ = value.boolValue
    _ = value.isNull
    _ = value["model"]
    _ = value.hashValue
    guard depth < 64 else { return }
    if let array = value.arrayValue { for element in array { walk(element, depth: depth + 1) } }
    if let pairs = value.objectValue { for (_, element) in pairs { walk(element, depth: depth + 1) } }
}

private func show(_ bytes: [UInt8]) -> String {
    let text = String(decoding: bytes.prefix(400), as: UTF8.self)
    return "\(bytes.count) bytes: \(text.debugDescription)\(bytes.count > 400 ? "…" : "")"
}
