#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a whole file straight into one byte array (no intermediate `Data` and copy: a cassette can
/// be hundreds of megabytes).
enum FileBytes {
    static func read(_ path: String) throws(CassetteError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure(path) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw failure(path) }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw CassetteError(path: path, message: "cannot read the file: it is not a regular file")
        }
        var bytes = [UInt8](repeating: 0, count: Int(status.st_size))
        var filled = 0
        while filled < bytes.count {
            let result = bytes.withUnsafeMutableBytes {
                systemRead(descriptor, $0.baseAddress! + filled, $0.count - filled)
            }
            if result < 0 && errno == EINTR { continue }
            guard result >= 0 else { throw failure(path) }
            if result == 0 { break }
            filled += result
        }
        if filled < bytes.count { bytes.removeLast(bytes.count - filled) }
        return bytes
    }

    private static func failure(_ path: String) -> CassetteError {
        CassetteError(path: path, message: "cannot read the file: \(String(cString: strerror(errno)))")
    }
}

/// `read(2)`, named apart from `FileBytes.read`, which shadows it.
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
