import Foundation

/// A path newsdb writes to (an export, a change file, a backup, the database itself), and the one place that decides
/// how, so that newsdb never replaces or changes a file it did not create.
///
/// - Absent: created readable by its owner only, under a temporary name renamed into place when whole.
/// - A regular file: replaced the same way, the new file keeping the old one's mode (and owner, when run as root);
///   through a symbolic link, the file it points to is replaced and the link stays.
/// - Anything else that exists (`/dev/null`, a FIFO, a terminal, `/dev/stdout`): written through, never replaced,
///   its mode untouched.
/// - A folder: refused.
/// - `-`: standard output.
public struct OutputFile: Sendable {
    /// What a path names, as far as writing to it goes.
    public enum Kind: Sendable, Equatable {
        /// Nothing.
        case absent
        /// A regular file (possibly through a symbolic link).
        case regular
        /// A folder.
        case folder
        /// A device, FIFO or socket: written through.
        case special
    }

    /// The path as given; `-` is standard output.
    public let path: String

    /// Names an output.
    /// - Parameter path: A file path, or `-` for standard output.
    public init(_ path: String) {
        self.path = path
    }

    /// Whether this output is standard output (`-`).
    public var isStandardOutput: Bool { path == "-" }

    /// What `path` names, following symbolic links.
    /// - Throws: `StoreError` (`.io`) when the path cannot be examined (a folder on the way that may not be read).
    public static func kind(of path: String) throws -> Kind {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return .absent }
            throw StoreError(.io, "cannot examine \(path): \(String(cString: strerror(errno)))")
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .folder
        default: return .special
        }
    }

    /// Writes the output through `body`, given a handle to write to, deciding how by what the path names (see the
    /// type). Nothing is left behind when `body` or the write fails, except what a device or FIFO already took.
    /// - Parameter body: Writes the content; may throw to abandon the output.
    /// - Throws: `StoreError` (`.invalidInput` for a folder, `.io` when the file cannot be written), or what `body`
    ///   throws when it is a `StoreError`.
    /// - Returns: What `body` returns.
    @discardableResult
    public func write<T>(_ body: (FileHandle) throws -> T) throws -> T {
        if isStandardOutput { return try run(body, handle: FileHandle.standardOutput) }
        switch try Self.kind(of: path) {
        case .folder:
            throw Self.folderError(path)
        case .special:
            let descriptor = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC)
            guard descriptor >= 0 else { throw failure(String(cString: strerror(errno))) }
            let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
            let result = try run(body, handle: handle)
            try close(handle)
            return result
        case .absent:
            return try replace(path, mode: 0o600, owner: nil, body)
        case .regular:
            var info = stat()
            guard let target = realpath(path, nil) else { throw failure(String(cString: strerror(errno))) }
            defer { free(target) }
            let resolved = String(cString: target)
            guard stat(resolved, &info) == 0 else { throw failure(String(cString: strerror(errno))) }
            return try replace(resolved, mode: info.st_mode & 0o7777, owner: (info.st_uid, info.st_gid), body)
        }
    }

    /// Refuses an output that names a folder, so that a caller can say so before doing any work.
    /// - Throws: `StoreError` `.invalidInput`.
    public func checkNotFolder() throws {
        if !isStandardOutput, try Self.kind(of: path) == .folder { throw Self.folderError(path) }
    }

    private static func folderError(_ path: String) -> StoreError {
        StoreError(.invalidInput, "\(path) is a folder; give a file name")
    }

    /// Writes `data` to the output.
    /// - Throws: `StoreError`, as ``write(_:)``.
    public func write(_ data: Data) throws {
        try write { handle in try handle.write(contentsOf: data) }
    }

    /// Creates `path`, which must not exist, as an empty file readable by its owner only.
    /// - Returns: false when something already has that name.
    /// - Throws: `StoreError` (`.io`) when it cannot be created for another reason.
    public static func createNew(_ path: String) throws -> Bool {
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            if errno == EEXIST { return false }
            throw StoreError(.io, "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        Foundation.close(descriptor)
        return true
    }

    /// Writes a new file beside `target` and renames it over `target`.
    private func replace<T>(
        _ target: String, mode: mode_t, owner: (uid_t, gid_t)?, _ body: (FileHandle) throws -> T
    ) throws -> T {
        let temporary = target + ".partial-\(getpid())"
        let descriptor = open(temporary, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw failure(String(cString: strerror(errno))) }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        do {
            // The replacement keeps what the user gave the file it replaces; a new file stays owner-only.
            if let (uid, gid) = owner, uid != geteuid() || gid != getegid(), fchown(descriptor, uid, gid) != 0 {
                throw failure("cannot keep its owner: \(String(cString: strerror(errno)))")
            }
            if mode != 0o600, fchmod(descriptor, mode) != 0 {
                throw failure("cannot keep its permissions: \(String(cString: strerror(errno)))")
            }
            let result = try run(body, handle: handle)
            try close(handle)
            guard rename(temporary, target) == 0 else { throw failure(String(cString: strerror(errno))) }
            return result
        } catch {
            unlink(temporary)
            throw error
        }
    }

    private func run<T>(_ body: (FileHandle) throws -> T, handle: FileHandle) throws -> T {
        do {
            return try body(handle)
        } catch let error as StoreError {
            throw error
        } catch {
            throw failure(StoreError.describe(error))
        }
    }

    private func close(_ handle: FileHandle) throws {
        do {
            try handle.close()
        } catch {
            throw failure(StoreError.describe(error))
        }
    }

    private func failure(_ reason: String) -> StoreError {
        StoreError(.io, "cannot write \(isStandardOutput ? "the output" : path): \(reason)")
    }
}
