import Foundation
import GRDB

/// A summary of a database: where it is, its schema, what it holds and who it is.
public struct DatabaseStatus: Sendable, Equatable, Codable {
    /// The database file.
    public let path: String
    /// The schema version of the database.
    public let schemaVersion: Int
    /// The newest schema version this binary knows.
    public let latestSchemaVersion: Int
    /// This replica.
    public let replica: Replica
    /// The number of articles.
    public let articles: Int
    /// The size of the database file and its write-ahead log, in bytes.
    public let sizeBytes: Int64
    /// Teammates whose changes were applied here, each with how many of this replica's changes it lacks.
    public let peers: [Peer]
    /// Conflicts waiting to be resolved.
    public let conflicts: Int
    /// Teammates' changes that wait for an annotation or article text not received yet, by what they wait for.
    public let waiting: [WaitingChanges]
}

extension NewsDatabase {
    /// A summary of the database.
    /// - Throws: `StoreError`.
    public func status() throws -> DatabaseStatus {
        let (version, replica, articles) = try read("reading the status") { db in
            (
                try Int.fetchOne(db, sql: "SELECT max(version) FROM \(Migrator.bookkeepingTable)") ?? 0,
                try Self.fetchReplica(db),
                try Int.fetchOne(db, sql: "SELECT count(*) FROM articles") ?? 0
            )
        }
        let peers = try peers()
        let conflicts = try conflicts().count
        let waiting = try waitingChanges()
        let size = (fileSize(atPath: path) ?? 0) + (fileSize(atPath: path + "-wal") ?? 0)
        return DatabaseStatus(
            path: path, schemaVersion: version, latestSchemaVersion: Migration.latestVersion, replica: replica,
            articles: articles, sizeBytes: size, peers: peers, conflicts: conflicts, waiting: waiting)
    }
}
