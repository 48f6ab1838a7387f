import Foundation
import GRDB

extension NewsDatabase {
    /// The reads and writes a server and a sync client make, for async callers: each runs on GRDB's own dispatch
    /// queues (a pool's readers, or its writer) and suspends the calling task meanwhile, so that no thread of Swift's
    /// cooperative pool or of NIO's event loops waits on SQLite. The SQLite side is the synchronous methods' own: the
    /// same snapshot for a read, the same single transaction for a page applied.
    public var async: AsyncAccess { AsyncAccess(database: self) }

    /// The async access to a ``NewsDatabase``; see ``NewsDatabase/async``.
    public struct AsyncAccess: Sendable {
        let database: NewsDatabase

        /// As ``NewsDatabase/tokenOwner(_:)``.
        /// - Throws: `StoreError`.
        public func tokenOwner(_ presented: String) async throws -> String? {
            let rows = try await read("checking a token") { db in try NewsDatabase.tokenHashes(db) }
            return NewsDatabase.owner(of: presented, among: rows)
        }

        /// As ``NewsDatabase/knowledge()``.
        /// - Throws: `StoreError`.
        public func knowledge() async throws -> Knowledge {
            try await read("reading the change log") { db in try NewsDatabase.knowledge(db) }
        }

        /// As ``NewsDatabase/replica()``.
        /// - Throws: `StoreError`.
        public func replica() async throws -> Replica {
            try await read("reading the replica") { db in try NewsDatabase.fetchReplica(db) }
        }

        /// The replica and its knowledge, read in one snapshot.
        /// - Throws: `StoreError`.
        public func replicaAndKnowledge() async throws -> (Replica, Knowledge) {
            try await read("reading the replica") { db in
                (try NewsDatabase.fetchReplica(db), try NewsDatabase.knowledge(db))
            }
        }

        /// As ``NewsDatabase/exportPage(excluding:limit:newsdbVersion:byteBudget:)``, in one snapshot.
        /// - Throws: `StoreError`.
        public func exportPage(
            excluding known: Knowledge, limit: Int, newsdbVersion: String, byteBudget: Int = 8 << 20
        ) async throws -> ChangePage {
            try await read("reading the change log") { db in
                try NewsDatabase.exportPage(
                    excluding: known, limit: limit, newsdbVersion: newsdbVersion, byteBudget: byteBudget, db)
            }
        }

        /// As ``NewsDatabase/recordServer(_:knowledge:newsdbVersion:remote:)``, in one transaction.
        /// - Throws: `StoreError`.
        public func recordServer(_ server: Replica, knowledge: Knowledge, newsdbVersion: String, remote: String?)
            async throws
        {
            let now = Timestamp.string(database.clock())
            try await write("recording what the server has") { db in
                try NewsDatabase.recordServer(
                    server, knowledge: knowledge, newsdbVersion: newsdbVersion, remote: remote, now: now, db)
            }
        }

        /// Runs `body` in a read transaction on one of the pool's readers, turning failures into `StoreError`s.
        func read<T: Sendable>(_ context: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T
        {
            do {
                return try await database.writer.read(body)
            } catch {
                throw StoreError.wrap(error, context)
            }
        }

        /// Runs `body` on the writer's connection outside a transaction, turning failures into `StoreError`s.
        func writeWithoutTransaction<T: Sendable>(
            _ context: String, _ body: @escaping @Sendable (Database) throws -> T
        ) async throws -> T {
            do {
                return try await database.writer.writeWithoutTransaction(body)
            } catch {
                throw StoreError.wrap(error, context)
            }
        }

        /// Runs `body` in one write transaction on the writer, turning failures into `StoreError`s.
        func write<T: Sendable>(_ context: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T
        {
            do {
                return try await database.writer.write(body)
            } catch {
                throw StoreError.wrap(error, context)
            }
        }
    }
}
