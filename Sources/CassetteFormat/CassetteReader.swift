import Dispatch
import Foundation
import Synchronization

/// Reads cassettes, plain or gzip (detected by content, not by name).
///
/// Damage at the tail (a truncated last gzip member, or a last line cut before its newline)
/// becomes a `CassetteWarning` and the interactions before it load. Damage anywhere else
/// (bad header, unknown major version, an invalid line followed by more lines, corrupt gzip data)
/// throws a `CassetteError` naming the file and line.
public enum CassetteReader {
    /// Reads the cassette at `path`.
    public static func read(path: String) throws(CassetteError) -> CassetteFile {
        try decode(try FileBytes.read(path), path: path)
    }

    /// Decodes a cassette's bytes; `path` is used in messages only.
    public static func decode(_ bytes: [UInt8], path: String) throws(CassetteError) -> CassetteFile {
        var text = bytes
        var truncatedMember = false
        if Gzip.isGzip(bytes) {
            do {
                let inflated = try Gzip.decompress(bytes)
                text = inflated.bytes
                truncatedMember = inflated.truncated
            } catch {
                throw CassetteError(path: path, line: error.linesBefore + 1, message: "\(error)")
            }
        }
        return try decodeLines(text, path: path, truncatedMember: truncatedMember)
    }

    static func decodeLines(_ text: [UInt8], path: String, truncatedMember: Bool) throws(CassetteError) -> CassetteFile
    {
        let lines = splitLines(text)
        guard let first = lines.first(where: { !$0.isBlank }) else {
            if truncatedMember {
                throw CassetteError(
                    path: path, line: 1, message: "the header is missing: the file ends inside its first gzip member")
            }
            throw CassetteError(path: path, line: 1, message: "the file is empty: a cassette starts with a header line")
        }
        let header: CassetteHeader
        do {
            header = try CassetteHeader(json: try parseJSON(text, first))
        } catch {
            throw CassetteError(path: path, line: first.number, message: "\(error)")
        }
        var interactions: [Interaction] = []
        var warnings: [CassetteWarning] = []
        let rest = lines.drop(while: { $0.number <= first.number }).filter { !$0.isBlank }
        let parsed = parseInteractions(text, rest)
        interactions.reserveCapacity(rest.count)
        for (position, line) in rest.enumerated() {
            do {
                interactions.append(try parsed[position].get())
            } catch {
                let isLast = position == rest.count - 1
                if isLast && !line.terminated {
                    warnings.append(
                        CassetteWarning(
                            path: path, interaction: interactions.count + 1,
                            message: "the last line ends without a newline: \(error)"))
                    break
                }
                throw CassetteError(path: path, line: line.number, message: "\(error)")
            }
        }
        if truncatedMember {
            warnings.append(
                CassetteWarning(
                    path: path, interaction: interactions.count + 1, message: "the file ends inside a gzip member"))
        }
        return CassetteFile(path: path, header: header, interactions: interactions, warnings: warnings)
    }

    /// Each line parsed as an interaction, in order. Large cassettes are parsed on every core: a
    /// line does not depend on the others, and parsing is most of the time a load takes.
    static func parseInteractions(_ text: [UInt8], _ lines: [Line]) -> [Result<Interaction, CassetteDecodingError>] {
        @Sendable func parse(_ line: Line) -> Result<Interaction, CassetteDecodingError> {
            Result { () throws(CassetteDecodingError) -> Interaction in try Interaction(json: try parseJSON(text, line))
            }
        }
        let parts = min(ProcessInfo.processInfo.activeProcessorCount * 4, lines.count / 64)
        guard parts > 1 else { return lines.map(parse) }
        let slices = Mutex([[Result<Interaction, CassetteDecodingError>]](repeating: [], count: parts))
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let range = (lines.count * part / parts)..<(lines.count * (part + 1) / parts)
            let results = lines[range].map(parse)
            slices.withLock { $0[part] = results }
        }
        return slices.withLock { $0.flatMap { $0 } }
    }

    static func parseJSON(_ text: [UInt8], _ line: Line) throws(CassetteDecodingError) -> JSONValue {
        let result: Result<JSONValue, JSONParser.Failure> = text.withUnsafeBytes { buffer in
            Result { () throws(JSONParser.Failure) -> JSONValue in
                try JSONParser.parse(buffer: UnsafeRawBufferPointer(rebasing: buffer[line.range]))
            }
        }
        switch result {
        case .success(let value): return value
        case .failure(let failure): throw .invalidJSON(failure)
        }
    }

    struct Line: Sendable {
        let number: Int
        let range: Range<Int>
        let terminated: Bool
        let isBlank: Bool
    }

    static func splitLines(_ text: [UInt8]) -> [Line] {
        var lines: [Line] = []
        var start = 0
        var number = 1
        var blank = true
        for index in text.indices {
            let byte = text[index]
            if byte == 0x0A {
                lines.append(Line(number: number, range: start..<index, terminated: true, isBlank: blank))
                start = index + 1
                number += 1
                blank = true
            } else if byte != 0x20 && byte != 0x09 && byte != 0x0D {
                blank = false
            }
        }
        if start < text.count {
            lines.append(Line(number: number, range: start..<text.count, terminated: false, isBlank: blank))
        }
        return lines
    }
}
