import Foundation

/// Files newsdb writes for its user (exports): readable by their owner only, as the database is, and written under
/// a temporary name then renamed, so that a failed write leaves no partial file.
enum PrivateFile {
    /// Writes `data` to `path`, replacing it.
    /// - Throws: `CLIError` naming the file.
    static func write(_ data: Data, to path: String) throws {
        let temporary = path + ".partial-\(getpid())"
        let descriptor = open(temporary, O_CREAT | O_EXCL | O_WRONLY | O_TRUNC, 0o600)
        guard descriptor >= 0 else {
            throw CLIError(message: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        do {
            try handle.write(contentsOf: data)
            try handle.close()
        } catch {
            unlink(temporary)
            throw CLIError(message: "cannot write \(path): \((error as NSError).localizedDescription)")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw CLIError(message: "cannot write \(path): \(reason)")
        }
    }
}
