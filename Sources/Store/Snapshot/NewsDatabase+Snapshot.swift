import Foundation
import GRDB

/// What `sync export --snapshot` wrote.
public struct SnapshotSummary: Sendable, Encodable {
    /// Where.
    public let path: String
    /// The whole file's size, in bytes.
    public let bytes: Int64
    /// The replica it was taken from.
    public let source: Replica
    /// The schema version of the database inside.
    public let schema: Int
}

extension NewsDatabase {
    /// The tables a snapshot leaves empty: what is private to the source (its teammates' tokens, the servers it
    /// syncs with and their tokens, what it knows of its peers), which a clone must neither see nor take for its
    /// own.
    static let privateTables = ["tokens", "remotes", "peers"]

    /// Writes a snapshot of everything this replica holds that syncs (docs/SYNC.md, "Snapshots") to `path`, under a
    /// temporary name renamed into place when whole, as ``OutputFile`` writes.
    /// - Parameters:
    ///   - path: The file, or `-` for standard output.
    ///   - newsdbVersion: This newsdb's version, for the header.
    /// - Returns: What was written.
    /// - Throws: `StoreError`.
    public func writeSnapshot(to path: String, newsdbVersion: String) throws -> SnapshotSummary {
        let output = OutputFile(path)
        let folder =
            output.isStandardOutput
            ? URL(fileURLWithPath: self.path).deletingLastPathComponent().path
            : URL(fileURLWithPath: path).deletingLastPathComponent().path
        let stream = try sealSnapshot(in: folder, newsdbVersion: newsdbVersion)
        defer { stream.remove() }
        let bytes = try output.write { handle in
            var written: Int64 = 0
            while let chunk = try stream.next() {
                try handle.write(contentsOf: chunk)
                written += Int64(chunk.count)
            }
            return written
        }
        return SnapshotSummary(path: path, bytes: bytes, source: stream.header.source, schema: stream.header.schema)
    }

    /// Makes the database a snapshot holds, in a new temporary file in `folder`: a compacted copy (`VACUUM INTO`, a
    /// consistent copy even while others write) with the private tables emptied and their pages zeroed, in
    /// rollback-journal mode so that it is one file.
    /// - Parameters:
    ///   - folder: Where the temporary file goes (beside the output, so no other disk must hold it).
    ///   - newsdbVersion: This newsdb's version, for the header.
    /// - Returns: The snapshot as a stream of bytes; the caller removes its file (``SnapshotStream/remove()``).
    /// - Throws: `StoreError` (`.io` when the copy cannot be written; nothing is left).
    public func sealSnapshot(in folder: String, newsdbVersion: String) throws -> SnapshotStream {
        let temporary = folder + "/.newsdb-snapshot-\(randomUUIDString()).sqlite"
        // Made empty first, readable by its owner only: until the private tables are emptied, the copy holds them.
        guard try OutputFile.createNew(temporary) else {
            throw StoreError(.io, "cannot write a snapshot: \(temporary) exists")
        }
        do {
            // A consistent copy from a reader (a server's pool goes on taking pushes meanwhile); VACUUM INTO runs
            // outside a transaction and reads one snapshot of its own.
            try writer.unsafeRead { db in try db.execute(sql: "VACUUM INTO ?", arguments: [temporary]) }
            let copy = try DatabaseQueue(path: temporary)
            let (replica, schema) = try copy.write { db in
                // Deleted rows are overwritten with zeros, so no token survives in a free page.
                try db.execute(sql: "PRAGMA secure_delete = ON")
                for table in Self.privateTables { try db.execute(sql: "DELETE FROM \(table)") }
                // The clone takes its own file (NewsDatabase+Clone.swift); this one's is meaningless there.
                try db.execute(sql: "UPDATE replica SET file_id = NULL WHERE singleton = 1")
                let schema = try Int.fetchOne(db, sql: "SELECT max(version) FROM newsdb_migrations") ?? 0
                return (try Self.fetchReplica(db), schema)
            }
            try copy.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
            try copy.close()
            let header = SnapshotHeader(
                version: SnapshotFormat.version, schema: schema, newsdb: newsdbVersion,
                databaseBytes: fileSize(atPath: temporary) ?? 0, source: replica)
            return try SnapshotStream(path: temporary, header: header)
        } catch {
            for suffix in ["", "-journal", "-wal", "-shm"] { unlink(temporary + suffix) }
            throw StoreError(.io, "cannot write a snapshot: \(StoreError.describe(error))", underlying: error)
        }
    }
}

extension NewsDatabase {
    /// Seals a snapshot (``sealSnapshot(in:newsdbVersion:)``) whole into a nameless file in `folder`, compressed,
    /// for a server to stream again and again (``SnapshotCache``); the uncompressed copy is removed.
    /// - Throws: `StoreError` (`.io` when a file cannot be written; nothing is left).
    public func sealSnapshotFile(in folder: String, newsdbVersion: String) throws -> SealedSnapshot {
        let stream = try sealSnapshot(in: folder, newsdbVersion: newsdbVersion)
        defer { stream.remove() }
        return try SealedSnapshot(stream, in: folder)
    }
}

/// A snapshot's bytes, a block at a time: its header line, its database file compressed as it is read, and the
/// trailer with the SHA-256 of all before it, so that a server can stream it without holding it in memory.
///
/// `@unchecked Sendable`: a server makes it in one task and writes the answer from another; it is used by one task at
/// a time, which takes its blocks in order, and never shared.
public final class SnapshotStream: @unchecked Sendable {
    /// The header.
    public let header: SnapshotHeader
    /// The compressed bytes made so far (the size of the snapshot's middle part, once the trailer is out).
    public private(set) var compressedBytes: Int64 = 0
    private let path: String
    private let handle: FileHandle
    private let compressor: ZstdCompressor
    private var hasher = SHA256Digest()
    private var state = State.header
    private var remaining: Int64

    private enum State { case header, database, trailer, done }

    /// How much of the database file is read at a time.
    static let blockSize = 1 << 20

    init(path: String, header: SnapshotHeader) throws {
        self.path = path
        self.header = header
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw StoreError(.io, "cannot read the snapshot's database \(path)")
        }
        self.handle = handle
        compressor = try ZstdCompressor()
        remaining = header.databaseBytes
    }

    /// The next block, or nil after the trailer.
    /// - Throws: `StoreError` `.io` when the database file cannot be read, or is not the size the header says.
    public func next() throws -> [UInt8]? {
        switch state {
        case .header:
            state = .database
            let line = header.line
            hasher.update(line)
            return line
        case .database:
            var block: [UInt8] = []
            // A block of input may compress to nothing yet: read on until there is output or the file ends.
            while block.isEmpty && state == .database {
                let data: Data
                do {
                    data = try handle.read(upToCount: Int(min(Int64(Self.blockSize), remaining))) ?? Data()
                } catch {
                    throw StoreError(.io, "cannot read the snapshot's database: \(StoreError.describe(error))")
                }
                guard !data.isEmpty || remaining == 0 else {
                    throw StoreError(.io, "the snapshot's database ended early")
                }
                remaining -= Int64(data.count)
                if remaining == 0 { state = .trailer }
                block = try data.withUnsafeBytes { try compressor.compress($0, last: remaining == 0) }
            }
            compressedBytes += Int64(block.count)
            hasher.update(block)
            return block
        case .trailer:
            state = .done
            return SnapshotFormat.trailer(sha256: hasher.finalize())
        case .done:
            return nil
        }
    }

    /// Closes and removes the temporary database file.
    public func remove() {
        // A close that fails leaves nothing to do: the file is removed whatever it says.
        do { try handle.close() } catch { NewsDatabase.logger.debug("closing \(path): \(error)") }
        unlink(path)
    }
}

extension NewsDatabase.AsyncAccess {
    /// As ``NewsDatabase/sealSnapshotFile(in:newsdbVersion:)``, on a thread of its own: the copy reads the whole
    /// database, which must not hold a thread of Swift's cooperative pool or of NIO's event loops.
    /// - Throws: `StoreError`.
    public func sealSnapshotFile(in folder: String, newsdbVersion: String) async throws -> SealedSnapshot {
        let database = self.database
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(
                    with: Result { try database.sealSnapshotFile(in: folder, newsdbVersion: newsdbVersion) })
            }
        }
    }
}
