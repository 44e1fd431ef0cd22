/// One SSE frame read the way the SSE specification reads it: lines end in CRLF, LF or CR;
/// `data:` lines (one space after the colon dropped) join with `\n`; `event:` and `id:` name the
/// event; lines starting with `:` are comments; other fields are ignored.
public struct SSEEvent: Sendable, Equatable {
    public var event: String?
    /// The joined `data:` lines, or `nil` when the frame has none.
    public var data: String?
    public var id: String?
    /// The text of each comment line, after the `:` and one space.
    public var comments: [String] = []

    public init(parsing text: String) {
        self.init(parsing: Array(text.utf8))
    }

    public init(parsing bytes: [UInt8]) {
        var dataLines: [String] = []
        for line in Self.lines(of: bytes) where !line.isEmpty {
            if line.first == UInt8(ascii: ":") {
                comments.append(Self.value(after: 1, in: line))
                continue
            }
            let colon = line.firstIndex(of: UInt8(ascii: ":")) ?? line.endIndex
            let field = String(decoding: line[line.startIndex..<colon], as: UTF8.self)
            let value = colon < line.endIndex ? Self.value(after: colon - line.startIndex + 1, in: line) : ""
            switch field {
            case "data": dataLines.append(value)
            case "event": event = value
            case "id": id = value
            default: break
            }
        }
        data = dataLines.isEmpty ? nil : dataLines.joined(separator: "\n")
    }

    /// Whether the frame carries data (is an event, not only comments or a blank line).
    public var hasData: Bool { data != nil }

    /// The lines of `bytes`, split at CRLF, LF and CR.
    static func lines(of bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A || byte == 0x0D {
                lines.append(bytes[start..<index])
                index += byte == 0x0D && index + 1 < bytes.count && bytes[index + 1] == 0x0A ? 2 : 1
                start = index
            } else {
                index += 1
            }
        }
        if start < bytes.count { lines.append(bytes[start...]) }
        return lines
    }

    /// The text of `line` from `offset`, without one leading space.
    static func value(after offset: Int, in line: ArraySlice<UInt8>) -> String {
        var from = line.startIndex + offset
        if from < line.endIndex && line[from] == UInt8(ascii: " ") { from += 1 }
        return String(decoding: line[min(from, line.endIndex)...], as: UTF8.self)
    }
}
