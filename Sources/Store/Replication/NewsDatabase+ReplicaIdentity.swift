import Foundation
import GRDB

/// A database that became a new replica: what it was, what it is now, and why.
///
/// Its changes made so far stay the previous replica's (teammates hold them under those ids); changes it makes from
/// now on are the new replica's, counted from 1, so that two files never make different changes under one id.
public struct ReplicaFork: Sendable, Equatable, Codable {
    /// Why a database becomes a new replica.
    public enum Reason: String, Sendable, Codable {
        /// Asked for (`newsdb init --new-replica`).
        case requested
        /// The file is not the one the replica was made in: a copy, or a backup put back.
        case copied
        /// A backup was put back with `newsdb restore`.
        case restored
        /// A new database was made from a snapshot with `newsdb clone`.
        case cloned
    }

    /// The replica the database was.
    public let previous: Replica
    /// The replica it is now.
    public let current: Replica
    /// The previous replica's changes, which stay known by its id: 1 to this counter.
    public let previousCounter: Int64
    /// Why.
    public let reason: Reason
}

extension NewsDatabase {
    /// Makes this database a new replica, with a new id and counter: for a copy of a database (`cp`, a disk image, a
    /// backup put back by hand), which must not make changes under the original's ids.
    ///
    /// The changes made so far stay the previous replica's and sync as before; the new replica has received them.
    /// One transaction.
    /// - Parameter name: The new replica's name; the previous name when nil.
    /// - Returns: What the database was and is.
    /// - Throws: `StoreError` (`.invalidInput` for an empty name).
    @discardableResult
    public func startNewReplica(name: String? = nil) throws -> ReplicaFork {
        let trimmed = try name.map { try Replica.checkName($0) }
        let fileID = try FileIdentity.of(path: path)
        return try write("making a new replica") { db in
            try Self.fork(db, name: trimmed, fileID: fileID, reason: .requested, wallClock: clock())
        }
    }

    /// Checks that the database is the file its replica was made in, and makes it a new replica when it is not (a
    /// copy, or a backup put back), before any change is made in it. A database older than schema 5 takes the file
    /// as its own. Writes nothing when the file is the replica's own, or when it cannot be written at all (a
    /// read-only copy makes no changes).
    /// - Returns: The fork, when the database became a new replica.
    func adoptFile() throws -> ReplicaFork? {
        let fileID = try FileIdentity.of(path: path)
        let stored = try read("reading the replica") { db in
            try String.fetchOne(db, sql: "SELECT file_id FROM replica WHERE singleton = 1")
        }
        guard stored != fileID, FileIdentity.isWritable(path: path) else { return nil }
        let now = clock()
        return try write("taking the database file") { db in
            // Checked again inside the transaction: another process may have done it meanwhile.
            let current = try String.fetchOne(db, sql: "SELECT file_id FROM replica WHERE singleton = 1")
            switch current {
            case fileID:
                return nil
            case nil:
                try db.execute(sql: "UPDATE replica SET file_id = ? WHERE singleton = 1", arguments: [fileID])
                return nil
            default:
                return try Self.fork(db, name: nil, fileID: fileID, reason: .copied, wallClock: now)
            }
        }
    }

    /// Makes the database a new replica, inside the caller's write transaction: the previous replica becomes an
    /// origin like a teammate's, holding every change made so far under its own origin number (no row is rewritten,
    /// so a fork costs the same whatever the database holds), and the new replica is a new origin.
    /// A clock that ran too far ahead (a wrong wall clock, since set right) starts again from the wall clock.
    static func fork(_ db: Database, name: String?, fileID: String, reason: ReplicaFork.Reason, wallClock: Date) throws
        -> ReplicaFork
    {
        let previous = try fetchReplica(db)
        guard let row = try Row.fetchOne(db, sql: "SELECT counter, clock FROM replica WHERE singleton = 1") else {
            throw StoreError(.cannotOpen, "the database has no replica record; it was not created by newsdb")
        }
        let counter: Int64 = row["counter"]
        let clock = (row["clock"] as String?).flatMap(HLCTimestamp.init(text:))
        let wall = Int64((wallClock.timeIntervalSince1970 * 1000).rounded(.down))
        let keptClock = clock.flatMap { $0.milliseconds > wall + ReceivedChangeChecks.maximumClockLead ? nil : $0 }
        let current = Replica(
            id: randomUUIDString(), name: name ?? previous.name, createdAt: Timestamp.string(wallClock))
        let number = try ChangeLog.localOrigin(db)
        try db.execute(sql: "INSERT INTO origins (id, name) VALUES (?, ?)", arguments: [current.id, current.name])
        if counter > 0 {
            try db.execute(
                sql: "INSERT INTO knowledge (origin, first, last) VALUES (?, 1, ?)", arguments: [number, counter])
        }
        try db.execute(
            sql: """
                UPDATE replica SET id = ?, name = ?, created_at = ?, counter = 0, clock = ?, file_id = ?
                WHERE singleton = 1
                """,
            arguments: [current.id, current.name, current.createdAt, keptClock?.description, fileID])
        logger.debug("became replica \(current.id) (was \(previous.id) up to counter \(counter)): \(reason.rawValue)")
        return ReplicaFork(previous: previous, current: current, previousCounter: counter, reason: reason)
    }

    /// Marks the database file at `path` (a copy newsdb just wrote) as a copy, so that it becomes a new replica when
    /// it is opened for use, wherever it is put. A database older than schema 5 has nothing to mark.
    static func markAsCopy(path: String) throws {
        let copy = try DatabaseQueue(path: path)
        try copy.write { db in
            guard try db.columns(in: "replica").contains(where: { $0.name == "file_id" }) else { return }
            try db.execute(sql: "UPDATE replica SET file_id = 'copy' WHERE singleton = 1")
        }
        try copy.close()
    }
}

/// Which file a path names, as the kernel knows it: the same for every path to one file (links, moves within a
/// disk), different for a copy.
enum FileIdentity {
    /// `DEVICE:INODE` of the file at `path`.
    /// - Throws: `StoreError` `.io` when the file cannot be looked at.
    static func of(path: String) throws -> String {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw StoreError(.io, "cannot look at \(path): \(String(cString: strerror(errno)))")
        }
        return "\(info.st_dev):\(info.st_ino)"
    }

    /// Whether this process may write the file (and so make changes in it).
    static func isWritable(path: String) -> Bool { access(path, W_OK) == 0 }
}
