import Foundation
import GRDB

/// What `newsdb clone` made.
public struct CloneReport: Sendable, Encodable {
    /// The new database.
    public let path: String
    /// The replica the snapshot was taken from.
    public let source: Replica
    /// The new replica.
    public let replica: Replica
    /// The articles it holds.
    public let articles: Int
    /// The annotations it holds, deleted ones left out.
    public let annotations: Int
    /// The changes it has received.
    public let changes: Int64
    /// The snapshot's size, in bytes.
    public let snapshotBytes: Int64

    init(path: String, report: CloneReport) {
        self.path = path
        source = report.source
        replica = report.replica
        articles = report.articles
        annotations = report.annotations
        changes = report.changes
        snapshotBytes = report.snapshotBytes
    }

    init(
        path: String, source: Replica, replica: Replica, articles: Int, annotations: Int, changes: Int64,
        snapshotBytes: Int64
    ) {
        self.path = path
        self.source = source
        self.replica = replica
        self.articles = articles
        self.annotations = annotations
        self.changes = changes
        self.snapshotBytes = snapshotBytes
    }
}

extension NewsDatabase {
    /// Makes a new database at `target` from the snapshot file `snapshot` (`sync export --snapshot`): checked whole,
    /// written beside the target, made a new replica, and renamed into place (see ``SnapshotReceiver``).
    /// - Parameters:
    ///   - snapshot: The snapshot file.
    ///   - target: The new database: nothing there, or an empty file.
    ///   - name: The new replica's name; `user@host` when nil.
    ///   - options: How to open the new database.
    ///   - progress: Called with the bytes read and the file's size, as blocks are read.
    /// - Returns: What was made.
    /// - Throws: `StoreError`: `.invalidInput` for a target that is not empty or a snapshot refused (not one, cut
    ///   short, altered, of a newer format or schema), `.io` for a file that cannot be read or written. Nothing is
    ///   left at `target` then.
    public static func clone(
        snapshot: String, to target: String, name: String?, options: Options = .init(),
        progress: ((Int64, Int64) -> Void)? = nil
    ) throws -> CloneReport {
        let name = try name.map { try Replica.checkName($0) }
        let input = Foundation.open(snapshot, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else {
            throw StoreError(.io, "cannot read \(snapshot): \(String(cString: strerror(errno)))")
        }
        defer { close(input) }
        let size = fileSize(atPath: snapshot) ?? 0
        let receiver = try SnapshotReceiver(target: target, name: snapshot)
        do {
            var buffer = [UInt8](repeating: 0, count: 4 << 20)
            while true {
                let count = buffer.withUnsafeMutableBytes { Foundation.read(input, $0.baseAddress!, $0.count) }
                if count < 0 && errno == EINTR { continue }
                guard count >= 0 else {
                    throw StoreError(.io, "cannot read \(snapshot): \(String(cString: strerror(errno)))")
                }
                if count == 0 { break }
                try buffer.withUnsafeBytes { try receiver.take(UnsafeRawBufferPointer(rebasing: $0.prefix(count))) }
                progress?(receiver.received, size)
            }
            return try receiver.finish(replicaName: name, options: options)
        } catch {
            receiver.abandon()
            throw error
        }
    }

    /// Refuses a clone's target that holds anything: a clone makes a new database, never one over another.
    /// - Throws: `StoreError` `.invalidInput`.
    public static func checkCloneTarget(_ path: String) throws {
        try checkPath(path)
        let size = fileSize(atPath: path) ?? 0
        let log = fileSize(atPath: path + "-wal") ?? 0
        guard size == 0 && log == 0 else {
            throw StoreError(
                .invalidInput, "\(path) exists and is not empty; a clone makes a new database: give another --db")
        }
    }

    /// Makes the checked database at `partial` a new replica of its own, the clone of the snapshot's source: it
    /// keeps everything the source had received (its knowledge, so that nothing is sent to it twice), records the
    /// source as a peer that has all of it, and takes the file as its own. One transaction; the database is closed
    /// after it, its log folded into the file.
    static func becomeClone(
        partial: String, of header: SnapshotHeader, name: String?, server: PeerServer?, snapshotBytes: Int64,
        options: Options
    ) throws -> CloneReport {
        var options = options
        options.migrate = true
        options.backup = false
        options.connections = .single
        options.readOnly = false
        let database = try open(at: partial, options: options)
        let fileID = try FileIdentity.of(path: partial)
        let now = database.clock()
        // A few rows written, and two counts that read every article and annotation: through a large cache, each
        // page read would stay in memory, and the clone's peak would be the database's size on top of the snapshot.
        let report = try database.write("making the clone a replica of its own", largeCache: false) { db in
            let source = try fetchReplica(db)
            guard source.id == header.source.id else {
                throw StoreError(.invalidInput, "the snapshot's database is not the replica its header names")
            }
            let fork = try fork(
                db, name: name ?? Replica.defaultName(), fileID: fileID, reason: .cloned, wallClock: now)
            let knowledge = try Self.knowledge(db)
            try recordServer(
                source, knowledge: knowledge, newsdbVersion: header.newsdb, remote: nil, now: Timestamp.string(now), db)
            if let server {
                try db.execute(
                    sql: "INSERT INTO remotes (name, url, token, added_at, replica) VALUES (?, ?, ?, ?, ?)",
                    arguments: [
                        server.name.isEmpty ? source.name : server.name, server.url, server.token,
                        Timestamp.string(now), source.id,
                    ])
            }
            return CloneReport(
                path: partial, source: source, replica: fork.current,
                articles: try Int.fetchOne(db, sql: "SELECT count(*) FROM articles") ?? 0,
                annotations: try Int.fetchOne(db, sql: "SELECT count(*) FROM annotations WHERE deleted_at IS NULL")
                    ?? 0,
                changes: knowledge.total, snapshotBytes: snapshotBytes)
        }
        do {
            try database.writer.close()
        } catch {
            throw StoreError.wrap(error, "closing the clone")
        }
        return report
    }
}
