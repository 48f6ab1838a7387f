import Foundation

/// A whole snapshot (header, compressed database, trailer), as `sync export --snapshot` writes it, held in a file
/// that has no name: created beside the database and unlinked at once, so that it takes no place in the folder, is
/// read by its owner only while it lives, and goes with the last reference to it, even when the process is killed.
///
/// A server keeps the last one (``SnapshotCache``) and streams it to every clone while the database is unchanged;
/// each reader reads at its own offset, so that any number stream it at once.
///
/// `Sendable`: everything it holds is set once; `pread` takes no shared file position.
public final class SealedSnapshot: Sendable {
    /// The header.
    public let header: SnapshotHeader
    /// The whole snapshot's size, in bytes.
    public let bytes: Int64
    private let descriptor: Int32

    /// Seals `stream` into a nameless file in `folder`.
    /// - Throws: `StoreError` `.io` when the file cannot be made or written, or what the stream throws.
    init(_ stream: SnapshotStream, in folder: String) throws {
        let path = folder + "/.newsdb-snapshot-\(randomUUIDString()).sealed"
        let descriptor = open(path, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            throw StoreError(.io, "cannot write a snapshot: cannot create \(path): \(String(cString: strerror(errno)))")
        }
        unlink(path)
        var written: Int64 = 0
        do {
            while let block = try stream.next() {
                if let reason = block.withUnsafeBytes({ writeAll($0, to: descriptor) }) {
                    throw StoreError(.io, "cannot write a snapshot: \(reason)")
                }
                written += Int64(block.count)
            }
        } catch {
            close(descriptor)
            throw error
        }
        self.descriptor = descriptor
        header = stream.header
        bytes = written
    }

    deinit { close(descriptor) }

    /// Reads the snapshot's bytes from `offset` into `buffer`.
    /// - Returns: How many bytes were read: `buffer.count`, or fewer at the end (0 there).
    /// - Throws: `StoreError` `.io` when the file cannot be read.
    public func read(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var filled = 0
        while filled < buffer.count && offset + Int64(filled) < bytes {
            let count = pread(
                descriptor, buffer.baseAddress! + filled, buffer.count - filled, off_t(offset) + off_t(filled))
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                let reason = count < 0 ? String(cString: strerror(errno)) : "it ended early"
                throw StoreError(.io, "cannot read the sealed snapshot: \(reason)")
            }
            filled += count
        }
        return filled
    }

}
