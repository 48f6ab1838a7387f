import Foundation
import GRDB

/// The snapshot a server streams to every `newsdb clone URL`: sealed once, then served again as long as nothing has
/// been committed to the database since (docs/SYNC.md, "Snapshots"), so that a clone does not wait for a copy and
/// its compression each time.
///
/// Whether the database changed is asked of SQLite (`PRAGMA data_version`, on a connection of the cache's own that
/// never writes: it changes with every commit by any other connection, of this process or another, the server's
/// pushes and a command line's edits alike). The version is read before the copy starts, so that a commit made
/// while the copy is taken counts as after it: the next request seals again. A snapshot is never served once
/// anything was committed after it was begun.
public actor SnapshotCache {
    private let database: NewsDatabase
    private var watch: DatabaseQueue?
    private var sealed: (version: Int, newsdb: String, snapshot: SealedSnapshot)?
    private var sealing: (version: Int, newsdb: String, task: Task<SealedSnapshot, any Error>)?

    /// A cache for `database`, empty until the first request.
    public init(_ database: NewsDatabase) {
        self.database = database
    }

    /// The snapshot of the database as it is now: the last one sealed when nothing was committed since, or a new
    /// one (one at a time: requests that come while it is sealed wait for it).
    /// - Parameter newsdbVersion: This newsdb's version, for the header.
    /// - Returns: The snapshot; it lives as long as a reference to it does, even once another replaces it.
    /// - Throws: `StoreError`.
    public func snapshot(newsdbVersion: String) async throws -> SealedSnapshot {
        let version = try dataVersion()
        if let sealed, sealed.version == version, sealed.newsdb == newsdbVersion { return sealed.snapshot }
        if let sealing, sealing.version == version, sealing.newsdb == newsdbVersion {
            return try await sealing.task.value
        }
        let access = database.async
        let folder = URL(fileURLWithPath: database.path).deletingLastPathComponent().path
        let task = Task { try await access.sealSnapshotFile(in: folder, newsdbVersion: newsdbVersion) }
        sealing = (version, newsdbVersion, task)
        defer { if sealing?.version == version && sealing?.newsdb == newsdbVersion { sealing = nil } }
        let snapshot = try await task.value
        sealed = (version, newsdbVersion, snapshot)
        return snapshot
    }

    /// SQLite's count of the commits made by other connections, as the cache's own connection sees it.
    private func dataVersion() throws -> Int {
        do {
            if watch == nil {
                var configuration = Configuration()
                configuration.readonly = true
                configuration.label = "newsdb.snapshot-cache"
                watch = try DatabaseQueue(path: database.path, configuration: configuration)
            }
            return try watch!.inDatabase { db in try Int.fetchOne(db, sql: "PRAGMA data_version") ?? 0 }
        } catch {
            throw StoreError.wrap(error, "asking whether the database changed")
        }
    }
}
