import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Appends interactions to a cassette crash-safely: each interaction is one line, written with a
/// single `write` (as its own gzip member for gzip files), so a kill at any moment leaves every
/// finished interaction readable. `append` returns once an `fsync` covering the line has finished;
/// concurrent appends share their flushes (group commit). A write that fails (a full disk) is
/// rolled back to the record before it, so later appends never follow a broken record.
/// `finish` rewrites a gzip cassette it appended to as one member, which compresses far better.
public final class CassetteWriter: @unchecked Sendable {
    public let path: String
    public let compressed: Bool
    private let descriptor: Int32
    private let commit: GroupCommit
    private let lock = NSLock()
    private var appended = false
    /// Idle deflate streams, reused so that concurrent appends compress in parallel without
    /// setting up a stream each time.
    private var deflaters: [Deflater] = []
    private var finished = false

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
        commit = GroupCommit(descriptor: descriptor, path: path)
        if let keepBytes { _ = ftruncate(descriptor, off_t(keepBytes)) }
        if lseek(descriptor, 0, SEEK_END) == 0 {
            try writeRecord(CassetteWriter.encodeLine(header.jsonValue))
        } else if try !CassetteWriter.endsWithNewline(path: path) {
            try writeRecord([0x0A])
        }
        guard fsync(descriptor) == 0 else {
            throw CassetteError(path: path, message: "fsync failed: \(String(cString: strerror(errno)))")
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

    deinit {
        if !finished { close(descriptor) }
    }

    /// Appends one interaction and calls `whenDurable` once it is on disk (on the flushing thread,
    /// or at once when the write itself failed).
    public func append(
        _ interaction: Interaction, whenDurable: @escaping @Sendable (Result<Void, CassetteError>) -> Void
    ) {
        do {
            commit.whenDurable(try writeRecord(CassetteWriter.encodeLine(interaction.jsonValue)), whenDurable)
        } catch {
            whenDurable(.failure(error))
        }
    }

    /// Appends one interaction; returns once it is on disk.
    public func append(_ interaction: Interaction) async throws(CassetteError) {
        let result = await withCheckedContinuation { continuation in
            append(interaction) { continuation.resume(returning: $0) }
        }
        try result.get()
    }

    /// Flushes and closes the file; throws when that last flush fails. A gzip cassette that got new
    /// interactions from this writer is then rewritten atomically as a single gzip member: one
    /// member per line is what makes appending crash-safe, but it compresses every line on its own.
    /// When the rewrite cannot be done (an unwritable folder, a hard-linked file), the cassette stays
    /// as it was appended, complete, and `compactionFailed` is told why. Call it after the last
    /// `append` has completed; later appends fail.
    public func finish(compactionFailed: (CassetteError) -> Void = { _ in }) throws(CassetteError) {
        guard try closeFile() else { return }
        do throws(CassetteError) {
            let inflated = try? Gzip.decompress(try FileBytes.read(path))
            guard let inflated, !inflated.truncated else { return }
            try AtomicFile.replace(path, with: Gzip.compress(inflated.bytes))
        } catch {
            compactionFailed(error)
        }
    }

    private func compress(_ line: [UInt8]) -> [UInt8] {
        let deflater = lock.withLock { deflaters.popLast() } ?? Deflater()
        defer { lock.withLock { deflaters.append(deflater) } }
        return deflater.member(line)
    }

    /// Flushes and closes the descriptor once; whether there is anything to compact.
    private func closeFile() throws(CassetteError) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard !finished else { return false }
        finished = true
        commit.drain()
        let flushed = fsync(descriptor) == 0
        let reason = String(cString: strerror(errno))
        close(descriptor)
        guard flushed else { throw CassetteError(path: path, message: "fsync failed: \(reason)") }
        return compressed && appended
    }

    /// Writes one record with a single `write` and returns its group-commit ticket.
    @discardableResult
    private func writeRecord(_ line: [UInt8]) throws(CassetteError) -> Int {
        let record = compressed ? compress(line) : line
        lock.lock()
        defer { lock.unlock() }
        guard !finished else { throw CassetteError(path: path, message: "the cassette was already closed") }
        let before = lseek(descriptor, 0, SEEK_END)
        var written = 0
        while written < record.count {
            let result = record.withUnsafeBytes {
                systemWrite(descriptor, $0.baseAddress! + written, $0.count - written)
            }
            if result < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                if before >= 0 { _ = ftruncate(descriptor, before) }
                throw CassetteError(
                    path: path,
                    message: "write failed: \(reason); the cassette was left as it was before this interaction")
            }
            written += result
        }
        appended = true
        return commit.ticket()
    }

    /// One JSON Lines record: the compact serialization and a newline.
    public static func encodeLine(_ value: JSONValue) -> [UInt8] {
        var line = JSONWriter.bytes(value)
        line.append(0x0A)
        return line
    }

    /// The complete bytes of a cassette written in one go: the header and interaction lines, as one
    /// gzip member when `compressed`. The same content always gives the same bytes.
    public static func encode(header: CassetteHeader, interactions: [Interaction], compressed: Bool) -> [UInt8] {
        var text = encodeLine(header.jsonValue)
        for interaction in interactions { text += encodeLine(interaction.jsonValue) }
        return compressed ? Gzip.compress(text) : text
    }

    /// Writes a whole cassette to `path` atomically (a temporary file in the same folder, flushed, then renamed).
    public static func write(header: CassetteHeader, interactions: [Interaction], to path: String) throws(CassetteError)
    {
        try AtomicFile.replace(
            path, with: encode(header: header, interactions: interactions, compressed: path.hasSuffix(".gz")))
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
