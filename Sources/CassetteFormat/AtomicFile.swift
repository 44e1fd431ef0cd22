import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Replaces a file in one step: the bytes go to a temporary file in the same folder, are flushed
/// with `fsync`, and the temporary file is renamed over the target (then the folder is flushed).
/// A kill or a failed write at any moment leaves either the old file or the new one, never a mix.
/// A symbolic link is followed (the file it names is replaced), the old file's permissions are
/// kept, and a file with other hard links is refused (renaming over it would split them).
enum AtomicFile {
    static func replace(_ given: String, with bytes: [UInt8]) throws(CassetteError) {
        let path =
            realpath(given, nil).map { resolved in
                defer { free(resolved) }
                return String(cString: resolved)
            } ?? given
        var old = stat()
        let exists = stat(path, &old) == 0
        if exists && old.st_nlink > 1 {
            throw CassetteError(
                path: given, message: "has other hard links; not replacing it (they would no longer share its content)")
        }
        let folder = (path as NSString).deletingLastPathComponent
        let temporary = (folder.isEmpty ? "." : folder) + "/.\((path as NSString).lastPathComponent).\(getpid()).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure(given, "cannot write") }
        if exists { _ = fchmod(descriptor, old.st_mode & 0o7777) }
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, $0.count - written) }
            if result < 0 && errno == EINTR { continue }
            guard result >= 0 else {
                let error = failure(given, "cannot write")
                close(descriptor)
                unlink(temporary)
                throw error
            }
            written += result
        }
        let flushed = fsync(descriptor) == 0
        let flushError = failure(given, "fsync failed")
        close(descriptor)
        guard flushed else {
            unlink(temporary)
            throw flushError
        }
        guard rename(temporary, path) == 0 else {
            let error = failure(given, "cannot replace the file")
            unlink(temporary)
            throw error
        }
        let folderDescriptor = open(folder.isEmpty ? "." : folder, O_RDONLY | O_CLOEXEC)
        if folderDescriptor >= 0 {
            _ = fsync(folderDescriptor)
            close(folderDescriptor)
        }
    }

    private static func failure(_ path: String, _ what: String) -> CassetteError {
        CassetteError(path: path, message: "\(what): \(String(cString: strerror(errno)))")
    }
}
