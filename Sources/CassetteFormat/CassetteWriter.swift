import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends interactions to a cassette crash-safely: each interaction is one line, written with a
/// single `write` (as its own gzip member for gzip files) and flushed to disk with `fsync`
/// before `append` returns, so a kill at any moment leaves every finished interaction readable.
/// A write that fails (a full disk) is rolled back to the record before it, so later appends
/// never follow a broken record.
public final class CassetteWriter: @unchecked Sendable {
    public let path: String
    public let compressed: Bool
    private let descriptor: Int32
    private let lock = NSLock()

    /// Opens `path` for appending, creating it with `header` when it is missing or empty.
    /// An existing file must be a readable cassette; a damaged tail is cut back to the last
    /// complete interaction first, so new members never follow a broken one.
    public init(appendingTo path: String, header: CassetteHeader) throws(CassetteError) {
        self.path = path
        let existing = FileManager.default.contents(atPath: path).map(Array.init) ?? []
        compressed = existing.isEmpty ? path.hasSuffix(".gz") : Gzip.isGzip(existing)
        let keepBytes = try CassetteWriter.intactLength(of: path)
        descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw CassetteError(path: path, message: "cannot open for writing: \(String(cString: strerror(errno)))")
        }
        if let keepBytes { _ = ftruncate(descriptor, off_t(keepBytes)) }
        if lseek(descriptor, 0, SEEK_END) == 0 {
            try writeRecord(CassetteWriter.encodeLine(header.jsonValue))
        } else if try !CassetteWriter.endsWithNewline(path: path) {
            try writeRecord([0x0A])
        }
    }

    /// Whether the (intact) text of the cassette at `path` ends with a newline, so a new line can follow.
    static func endsWithNewline(path: String) throws(CassetteError) -> Bool {
        guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else { return true }
        let bytes = Array(data)
        guard Gzip.isGzip(bytes) else { return bytes.last == 0x0A }
        do { return try Gzip.decompress(bytes).bytes.last.map { $0 == 0x0A } ?? true } catch {
            throw CassetteError(path: path, message: "\(error)")
        }
    }

    deinit { close(descriptor) }

    /// Appends one interaction and flushes it to disk.
    public func append(_ interaction: Interaction) throws(CassetteError) {
        try writeRecord(CassetteWriter.encodeLine(interaction.jsonValue))
    }

    private func writeRecord(_ line: [UInt8]) throws(CassetteError) {
        let record = compressed ? Gzip.compress(line) : line
        lock.lock()
        defer { lock.unlock() }
        let before = lseek(descriptor, 0, SEEK_END)
        var written = 0
        while written < record.count {
            let result = record.withUnsafeBytes { systemWrite(descriptor, $0.baseAddress! + written, $0.count - written) }
            if result < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                if before >= 0 { _ = ftruncate(descriptor, before) }
                throw CassetteError(path: path, message: "write failed: \(reason); the cassette was left as it was before this interaction")
            }
            written += result
        }
        guard fsync(descriptor) == 0 else {
            throw CassetteError(path: path, message: "fsync failed: \(String(cString: strerror(errno)))")
        }
    }

    /// One JSON Lines record: the compact serialization and a newline.
    public static func encodeLine(_ value: JSONValue) -> [UInt8] {
        var line = JSONWriter.bytes(value)
        line.append(0x0A)
        return line
    }

    /// The complete bytes of a cassette: header and interactions, each line its own gzip member
    /// when `compressed`. The same content always gives the same bytes.
    public static func encode(header: CassetteHeader, interactions: [Interaction], compressed: Bool) -> [UInt8] {
        var out: [UInt8] = []
        for value in [header.jsonValue] + interactions.map(\.jsonValue) {
            let line = encodeLine(value)
            out.append(contentsOf: compressed ? Gzip.compress(line) : line)
        }
        return out
    }

    /// Writes a whole cassette to `path` atomically (a temporary file in the same folder, then rename).
    public static func write(header: CassetteHeader, interactions: [Interaction], to path: String) throws(CassetteError) {
        let bytes = encode(header: header, interactions: interactions, compressed: path.hasSuffix(".gz"))
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CassetteError(path: path, message: "cannot write: \((error as NSError).localizedDescription)")
        }
    }

    /// For an existing cassette with a damaged tail, the length of the prefix that holds every
    /// complete record; `nil` when the file is missing, empty or intact.
    static func intactLength(of path: String) throws(CassetteError) -> Int? {
        guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else { return nil }
        let file = try CassetteReader.read(path: path)
        guard !file.warnings.isEmpty else { return nil }
        let bytes = Array(data)
        if Gzip.isGzip(bytes) {
            return (try? Gzip.decompress(bytes))?.completeInputLength
        }
        return (bytes.lastIndex(of: 0x0A) ?? -1) + 1
    }
}

/// `write(2)`, named apart from the instance methods that shadow it.
private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}
