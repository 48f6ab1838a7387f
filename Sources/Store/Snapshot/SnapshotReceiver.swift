import Foundation

/// Takes a snapshot's bytes as they come (from a file or over HTTP), checks them and writes the database they hold,
/// decompressed, to a partial file beside the target, never holding the snapshot in memory. ``finish(replicaName:)`` makes the
/// partial file a new replica and renames it into place only once the whole snapshot has been checked: a snapshot
/// refused, or a transfer cut short, leaves no database.
///
/// The partial file (`TARGET.partial`) is locked while it is written; one left by a clone that was killed is taken
/// over and started again by the next clone into the same target.
///
/// Not `Sendable`: one task gives it the bytes in order.
public final class SnapshotReceiver {
    /// The database being made.
    public let target: String
    /// What the snapshot is called in messages (a file, a server's URL).
    public let name: String
    /// The bytes taken so far.
    public private(set) var received: Int64 = 0
    /// The bytes of the database written so far (of the header's `databaseBytes`).
    public private(set) var written: Int64 = 0
    /// The header, once its line has arrived.
    public private(set) var header: SnapshotHeader?

    let partial: String
    private var descriptor: Int32
    private var hasher = SHA256Digest()
    private var line: [UInt8] = []
    private let decompressor: ZstdDecompressor
    private var trailer: [UInt8] = []
    /// Why the database does not decompress, once it was found not to: the rest is then only hashed, up to the last
    /// bytes, which would be the trailer.
    private var undecodable: String?

    /// Checks that `target` may be made, and opens its partial file.
    /// - Parameters:
    ///   - target: The new database's path: nothing there, or an empty file.
    ///   - name: The snapshot's name for messages.
    /// - Throws: `StoreError`: `.invalidInput` for a target that exists and is not empty, or one another clone is
    ///   making; `.io` when the partial file cannot be made.
    public init(target: String, name: String) throws {
        try NewsDatabase.checkCloneTarget(target)
        self.target = target
        self.name = name
        partial = target + ".partial"
        decompressor = try ZstdDecompressor()
        let folder = URL(fileURLWithPath: target).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw StoreError(.io, "cannot create folder \(folder): \(StoreError.describe(error))", underlying: error)
        }
        descriptor = open(partial, O_CREAT | O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            throw StoreError(.io, "cannot create \(partial): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw StoreError(.invalidInput, "another clone is making \(target); wait for it to end")
        }
        // What a clone that was killed left is started again.
        for suffix in ["-journal", "-wal", "-shm"] { unlink(partial + suffix) }
        guard ftruncate(descriptor, 0) == 0 else {
            let reason = String(cString: strerror(errno))
            abandon()
            throw StoreError(.io, "cannot write \(partial): \(reason)")
        }
    }

    /// Takes the next bytes of the snapshot.
    /// - Throws: `StoreError`: `.invalidInput` for bytes that are not a snapshot's (or one this newsdb cannot take),
    ///   `.io` when the partial file cannot be written. The caller then calls ``abandon()``.
    public func take(_ bytes: UnsafeRawBufferPointer) throws {
        received += Int64(bytes.count)
        var rest = bytes[...]
        if header == nil {
            guard let end = rest.firstIndex(of: UInt8(ascii: "\n")) else {
                line += rest
                if line.count > SnapshotFormat.maximumHeaderBytes { throw notSnapshot }
                return
            }
            line += rest[..<end]
            rest = rest[(end + 1)...]
            guard line.count <= SnapshotFormat.maximumHeaderBytes else { throw notSnapshot }
            let parsed = try SnapshotHeader.parse(line[...], name: name)
            guard parsed.line == line + [UInt8(ascii: "\n")] else {
                throw StoreError(.invalidInput, "\(name) is damaged: its header line is not as newsdb writes it")
            }
            hasher.update(parsed.line)
            header = parsed
        }
        if undecodable != nil {
            trailer += rest
            holdBackTrailer()
            return
        }
        if !decompressor.finished && !rest.isEmpty {
            let limit = header?.databaseBytes ?? 0
            let frame: Int
            do {
                frame = try decompressor.decompress(UnsafeRawBufferPointer(rebasing: rest)) { block in
                    written += Int64(block.count)
                    guard written <= limit else {
                        throw StoreError(.invalidInput, "its database is larger than its header says")
                    }
                    try write(block)
                }
            } catch let error as StoreError where error.code == .invalidInput {
                // Said once the whole snapshot is read: a damaged file is said to be damaged (its SHA-256), and
                // only one whose SHA-256 matches (made by hand) gets this reason.
                undecodable = error.message
                trailer += rest
                holdBackTrailer()
                return
            }
            hasher.update(UnsafeRawBufferPointer(rebasing: rest.prefix(frame)))
            rest = rest.dropFirst(frame)
        }
        guard !rest.isEmpty else { return }
        trailer += rest
        if trailer.count > SnapshotFormat.trailerBytes {
            throw StoreError(.invalidInput, "\(name) is damaged: it goes on after its end")
        }
    }

    /// Takes the next bytes of the snapshot (as ``take(_:)-(UnsafeRawBufferPointer)``).
    public func take(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try take($0) }
    }

    /// Checks the whole snapshot, makes it a new replica and renames it into place.
    /// - Parameters:
    ///   - replicaName: The new replica's name; `user@host` when nil.
    ///   - server: The server the snapshot came from, stored in the new database (as `peers add` does) so that
    ///     `newsdb sync NAME` syncs with it; an empty name is the source replica's name.
    ///   - options: How to open the new database (its clock; it is migrated if older, without a backup).
    /// - Returns: What was made.
    /// - Throws: `StoreError` `.invalidInput` for a snapshot cut short or altered; the caller then calls
    ///   ``abandon()``.
    public func finish(
        replicaName: String?, server: PeerServer? = nil, options: NewsDatabase.Options = .init()
    ) throws -> CloneReport {
        guard let header else {
            throw received == 0 ? notSnapshot : damaged("it is truncated")
        }
        guard decompressor.finished || undecodable != nil, trailer.count == SnapshotFormat.trailerBytes else {
            throw damaged("it is truncated")
        }
        guard let digest = SnapshotFormat.digest(inTrailer: trailer) else {
            throw damaged(undecodable == nil ? "its last line is not a snapshot's trailer" : "it is truncated")
        }
        guard digest == hasher.finalize() else {
            throw damaged("its SHA-256 does not match its content (it was corrupted or altered)")
        }
        if let undecodable { throw damaged(undecodable) }
        guard written == header.databaseBytes else {
            throw damaged("its database is \(written) bytes, not the \(header.databaseBytes) its header says")
        }
        guard fsync(descriptor) == 0 else {
            throw StoreError(.io, "cannot write \(partial): \(String(cString: strerror(errno)))")
        }
        let report = try NewsDatabase.becomeClone(
            partial: partial, of: header, name: replicaName, server: server, snapshotBytes: received, options: options)
        try NewsDatabase.checkCloneTarget(target)
        for suffix in ["-wal", "-shm"] { unlink(target + suffix) }
        guard rename(partial, target) == 0 else {
            throw StoreError(.io, "cannot rename \(partial) to \(target): \(String(cString: strerror(errno)))")
        }
        close(descriptor)
        descriptor = -1
        return CloneReport(path: target, report: report)
    }

    /// Removes the partial file: the snapshot was refused, or its transfer failed.
    public func abandon() {
        for suffix in ["", "-journal", "-wal", "-shm"] { unlink(partial + suffix) }
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
    }

    /// Hashes all but the last bytes taken after the database failed to decompress, which would be the trailer.
    private func holdBackTrailer() {
        guard trailer.count > SnapshotFormat.trailerBytes else { return }
        let extra = trailer.count - SnapshotFormat.trailerBytes
        hasher.update(Array(trailer[..<extra]))
        trailer.removeFirst(extra)
    }

    private func write(_ bytes: UnsafeRawBufferPointer) throws {
        if let reason = writeAll(bytes, to: descriptor) { throw StoreError(.io, "cannot write \(partial): \(reason)") }
    }

    private var notSnapshot: StoreError {
        StoreError(.invalidInput, "\(name) is not a newsdb snapshot (made by `newsdb sync export --snapshot`)")
    }

    private func damaged(_ reason: String) -> StoreError {
        StoreError(.invalidInput, "\(name) is damaged: \(reason); no database was made; take the snapshot again")
    }
}
