import Foundation
import Store

/// Where a sync server keeps what it relays: the changes, what it has received, the teammates' tokens and the peers
/// that pushed to it. The routes (``SyncServer``) use only this, so the same protocol is served from a replica's own
/// SQLite database (``DatabaseSyncStore``) or from the team hub's PostgreSQL database (the Hub module).
public protocol SyncStore: Sendable {
    /// The server's replica and everything it has received, read at one moment.
    /// - Throws: The store's error (`StoreError` for this package's stores).
    func replicaAndKnowledge() async throws -> (Replica, Knowledge)

    /// At most `limit` of the changes a client that has `known` lacks, and the knowledge the page reports, both read
    /// from one snapshot, so that a client never records as received a change it was not sent.
    /// - Throws: The store's error.
    func pullPage(excluding known: Knowledge, limit: Int, newsdbVersion: String) async throws -> ChangePage

    /// Checks the change file `page` whole, then applies it in one transaction, whole or not at all.
    /// - Parameters:
    ///   - name: What to call the page in errors.
    ///   - maxChanges: Refuse a page of more changes than this.
    ///   - teammate: Whose token the page came with (a store may allow a token to push only some replicas' changes).
    /// - Returns: What applying it did, and everything the server has after it.
    /// - Throws: `StoreError` `.invalidInput` for a page refused for what it holds, `.replicaReused` or
    ///   `.clockAhead` for changes that cannot be taken, `.notAllowed` for changes the token may not push, `.busy`
    ///   when the store stayed busy; or the store's error.
    func pushPage(_ page: Data, named name: String, maxChanges: Int, teammate: String?) async throws -> (
        report: ChangeSetReport, knowledge: Knowledge
    )

    /// The teammate whose token `presented` is, or nil.
    /// - Throws: The store's error.
    func tokenOwner(_ presented: String) async throws -> String?

    /// Whether any teammate holds a token (a server with none listens on loopback only).
    /// - Throws: The store's error.
    func hasTokens() async throws -> Bool
}

/// A replica's own SQLite database as a server's store: `newsdb serve` without `--store`.
public struct DatabaseSyncStore: SyncStore {
    /// The database served.
    public let database: NewsDatabase
    /// The snapshot `GET /v1/sync/snapshot` streams, kept while the database is unchanged.
    public let snapshots: SnapshotCache

    /// Serves `database`, best opened with `.pool` connections.
    public init(_ database: NewsDatabase) {
        self.database = database
        snapshots = SnapshotCache(database)
    }

    public func replicaAndKnowledge() async throws -> (Replica, Knowledge) {
        try await database.async.replicaAndKnowledge()
    }

    public func pullPage(excluding known: Knowledge, limit: Int, newsdbVersion: String) async throws -> ChangePage {
        try await database.async.exportPage(excluding: known, limit: limit, newsdbVersion: newsdbVersion)
    }

    public func pushPage(_ page: Data, named name: String, maxChanges: Int, teammate: String?) async throws -> (
        report: ChangeSetReport, knowledge: Knowledge
    ) {
        let report = try await ChangeFileReader.applyPage(page, named: name, to: database, maxChanges: maxChanges)
        return (report, try await database.async.knowledge())
    }

    public func tokenOwner(_ presented: String) async throws -> String? {
        try await database.async.tokenOwner(presented)
    }

    public func hasTokens() async throws -> Bool {
        try !database.tokens().isEmpty
    }
}
