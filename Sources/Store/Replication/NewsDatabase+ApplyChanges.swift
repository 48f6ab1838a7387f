import Foundation
import GRDB

/// What applying a set of changes did.
public struct ChangeSetReport: Sendable, Equatable, Codable {
    /// The sending replica's name.
    public var sender: String
    /// Changes applied.
    public var applied: Int = 0
    /// Changes already here (received before, by any route), skipped.
    public var duplicates: Int = 0
    /// Changes of this set kept waiting for an annotation or article text that has not arrived (applied when it does).
    public var waiting: Int = 0
    /// Changes from earlier sets that had been waiting and were applied now.
    public var released: Int = 0
    /// Conflicts on the annotations these changes touched, after applying them.
    public var conflicts: Int = 0

    /// A report of nothing applied yet, for changes from `sender` (another store, the team hub's, fills its own).
    public init(sender: String) {
        self.sender = sender
    }
}

extension NewsDatabase {
    /// Applies a teammate's changes in one transaction: changes already here are skipped, the others are merged (see
    /// docs/SYNC.md), changes whose annotation or article text has not arrived wait for it, and what the sender
    /// says it has is remembered for `exportChanges(excluding:)`. A failure applies nothing.
    /// - Parameters:
    ///   - header: The sender, its knowledge and what the set covers; checked before anything is applied.
    ///   - next: Returns the set's changes one at a time, then nil; called inside the transaction.
    /// - Returns: What was applied.
    /// - Throws: `StoreError`: `.invalidInput` for a set from this replica itself or from a newer schema, or what
    ///   `next` throws.
    public func applyChanges(
        header: ChangeSetHeader, next: () throws -> Change?, progress: ((Int) -> Void)? = nil
    ) throws -> ChangeSetReport {
        try Self.checkReceivable(header)
        let wallClock = clock()
        let now = Timestamp.string(wallClock)
        return try withCache(kibibytes: Self.changeImportCache) {
            try write("applying changes", at: now) { db, local in
                try Self.applyChanges(header, next, progress, wallClock, db, &local)
            }
        }
    }

    /// As ``applyChanges(header:next:progress:)``, on the writer's connection `db`, outside any transaction (GRDB's
    /// `writeWithoutTransaction`, which async callers reach without holding a thread): the same checks, page cache
    /// and single transaction.
    func applyChanges(header: ChangeSetHeader, next: () throws -> Change?, in db: Database) throws -> ChangeSetReport {
        try Self.checkReceivable(header)
        let wallClock = clock()
        let now = Timestamp.string(wallClock)
        return try withCache(kibibytes: Self.changeImportCache, db) {
            do {
                var report: ChangeSetReport?
                try db.inTransaction {
                    var local = try LocalChanges(db, at: now, wallClock: clock)
                    report = try Self.applyChanges(header, next, nil, wallClock, db, &local)
                    try local.save()
                    return .commit
                }
                return report!
            } catch {
                throw StoreError.wrap(error, "applying changes")
            }
        }
    }

    /// Refuses a set from a newer schema, or one claiming to cover changes its sender lacks.
    /// - Throws: `StoreError` `.invalidInput`.
    public static func checkReceivable(_ header: ChangeSetHeader) throws {
        guard header.schemaVersion <= Self.changeSchemaVersion else {
            throw StoreError(
                .invalidInput,
                "the changes come from a newer newsdb (schema \(header.schemaVersion); this one has \(Self.changeSchemaVersion)); upgrade newsdb first"
            )
        }
        guard header.covers.subtracting(header.knowledge).isEmpty else {
            throw StoreError(
                .invalidInput, "the changes claim to account for changes their sender does not have; they were altered")
        }
    }

    /// The page cache a set of changes is applied with. The pages an import reads back at random (the indexes of
    /// annotation ids, tags and changes) fit in it with room to spare; rows and index segments are appended and need
    /// none: a larger cache made no faster import of 100,000 annotations, only a larger process.
    static let changeImportCache = 32 * 1024

    private static func applyChanges(
        _ header: ChangeSetHeader, _ next: () throws -> Change?, _ progress: ((Int) -> Void)?, _ wallClock: Date,
        _ db: Database, _ local: inout LocalChanges
    ) throws -> ChangeSetReport {
        let now = Timestamp.string(wallClock)
        let me = try Self.fetchReplica(db)
        guard header.sender.id != me.id else {
            throw StoreError(
                .invalidInput, "these changes were exported by this replica (\(me.name)); import a teammate's file")
        }
        let checks = ReceivedChangeChecks(header, me: me, wallClock: wallClock)
        try checks.checkOwnCounter(local.counter)
        var knowledge = try Self.knowledge(db)
        var applier = ChangeApplier(db)
        var report = ChangeSetReport(sender: header.sender.name)
        var latest: HLCTimestamp?
        var anyWaiting = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM pending_changes)") ?? false
        var waiting = Set<ChangeID>()
        func count(released: [ChangeID]) {
            for id in released {
                if waiting.remove(id) != nil {
                    report.waiting -= 1
                    report.applied += 1
                } else {
                    report.released += 1
                }
            }
        }
        while let change = try next() {
            try checks.checkClock(change)
            guard !knowledge.contains(change.id) else {
                try checks.checkSameAsStored(change, origin: try applier.originNumber(change.id.origin), db)
                report.duplicates += 1
                continue
            }
            knowledge.insert(change.id.counter...change.id.counter, for: change.id.origin)
            if latest.map({ change.clock > $0 }) ?? true { latest = change.clock }
            switch try applier.apply(change) {
            case .applied:
                FaultPoint.changeApplied.reach()
                report.applied += 1
                if anyWaiting { count(released: try Self.release(waitingFor: change.subject, &applier, db)) }
            case .waiting(let subject):
                report.waiting += 1
                waiting.insert(change.id)
                anyWaiting = true
                try Self.hold(change, waitingFor: subject, &applier, db)
            }
            if (report.applied + report.waiting) % 1_000 == 0 {
                progress?(report.applied + report.waiting + report.duplicates)
            }
        }
        if let latest { local.observe(latest) }
        try Self.store(knowledge.union(header.covers), db)
        try Self.remember(header, now: now, &applier, db)
        for annotation in applier.maybeConflicted.sorted() {
            report.conflicts += try Self.conflicts(annotation: annotation, db).count
        }
        return report
    }

    /// Runs `body` with a page cache of `kibibytes` on the writing connection, then goes back to its own size.
    private func withCache<T>(kibibytes: Int, _ body: () throws -> T) throws -> T {
        try Self.withCache(kibibytes: kibibytes, swap: swapCacheSize, body)
    }

    /// As ``withCache(kibibytes:_:)``, on the writer's connection `db` outside a transaction.
    private func withCache<T>(kibibytes: Int, _ db: Database, _ body: () throws -> T) throws -> T {
        try Self.withCache(
            kibibytes: kibibytes,
            swap: { size in
                do {
                    return try Self.swapCacheSize(size, db)
                } catch {
                    throw StoreError.wrap(error, "setting the page cache")
                }
            }, body)
    }

    private static func withCache<T>(kibibytes: Int, swap: (Int) throws -> Int, _ body: () throws -> T) throws -> T {
        let previous = try swap(-kibibytes)
        let result: T
        do {
            result = try body()
        } catch {
            do {
                _ = try swap(previous)
            } catch let restoring {
                // The failure to report is the first; this one only leaves the connection with a smaller cache.
                Self.logger.warning("cannot restore the page cache size: \(restoring)")
            }
            throw error
        }
        _ = try swap(previous)
        return result
    }

    /// Sets the writing connection's `cache_size` (a negative size is in KiB), outside any transaction.
    /// - Returns: The size it had.
    private func swapCacheSize(_ size: Int) throws -> Int {
        do {
            return try writer.writeWithoutTransaction { db in try Self.swapCacheSize(size, db) }
        } catch {
            throw StoreError.wrap(error, "setting the page cache")
        }
    }

    private static func swapCacheSize(_ size: Int, _ db: Database) throws -> Int {
        let previous = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? size
        try db.execute(sql: "PRAGMA cache_size = \(size)")
        return previous
    }

    /// Keeps `change` until `subject` arrives.
    private static func hold(
        _ change: Change, waitingFor subject: String, _ applier: inout ChangeApplier, _ db: Database
    ) throws {
        try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO pending_changes (origin, counter, waits_for, change) VALUES (?, ?, ?, ?)
                """
        ).execute(arguments: [
            try applier.originNumber(change.id.origin), change.id.counter, subject, try PendingChange.encode(change),
        ])
    }

    /// Applies the changes that were waiting for `subject`, and those waiting for what they bring in turn.
    /// - Returns: The changes applied.
    private static func release(waitingFor subject: String, _ applier: inout ChangeApplier, _ db: Database) throws
        -> [ChangeID]
    {
        var released: [ChangeID] = []
        var subjects = [subject]
        while let next = subjects.popLast() {
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT p.origin, p.counter, p.change, o.id AS origin_id FROM pending_changes p
                        JOIN origins o ON o.n = p.origin WHERE p.waits_for = ? ORDER BY p.origin, p.counter
                        """),
                arguments: [next])
            for row in rows {
                let change = try PendingChange.decode(row["change"], origin: row["origin_id"])
                try db.execute(
                    sql: "DELETE FROM pending_changes WHERE origin = ? AND counter = ?",
                    arguments: [row["origin"] as Int64, row["counter"] as Int64])
                switch try applier.apply(change) {
                case .applied:
                    released.append(change.id)
                    subjects.append(change.subject)
                case .waiting(let subject):
                    try hold(change, waitingFor: subject, &applier, db)
                }
            }
        }
        return released
    }

    /// Stores `knowledge` (other replicas' changes only: this replica's own are 1 to its counter).
    private static func store(_ knowledge: Knowledge, _ db: Database) throws {
        let me = try fetchReplica(db)
        var applier = ChangeApplier(db)
        try db.execute(sql: "DELETE FROM knowledge")
        for (origin, ranges) in knowledge.ranges where origin != me.id {
            let number = try applier.originNumber(origin)
            for range in ranges {
                try db.execute(
                    sql: "INSERT INTO knowledge (origin, first, last) VALUES (?, ?, ?)",
                    arguments: [number, range.lowerBound, range.upperBound])
            }
        }
    }

    /// Remembers the sender as a peer: its name, what it has, and when it was heard from.
    static func remember(_ header: ChangeSetHeader, now: String, _ applier: inout ChangeApplier, _ db: Database) throws
    {
        let number = try applier.originNumber(header.sender.id)
        try db.execute(sql: "UPDATE origins SET name = ? WHERE n = ?", arguments: [header.sender.name, number])
        // Teammates known here only by their id's start take the names the sender knows them by.
        for (id, name) in header.names where id != header.sender.id && !name.isEmpty {
            try db.execute(
                sql: """
                    UPDATE origins SET name = ? WHERE id = ? AND n <> \(ChangeLog.localOriginSQL)
                        AND name = substr(id, 1, 8)
                    """,
                arguments: [name, id])
        }
        let previous = try String.fetchOne(db, sql: "SELECT knowledge FROM peers WHERE origin = ?", arguments: [number])
        // What a peer has only grows: an older file applied after a newer one must not make it look as if it had less.
        let known = try previous.map { try Knowledge(json: $0).union(header.knowledge) } ?? header.knowledge
        try db.execute(
            sql: """
                INSERT INTO peers (origin, knowledge, newsdb, last_heard_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (origin) DO UPDATE SET knowledge = excluded.knowledge, newsdb = excluded.newsdb,
                    last_heard_at = excluded.last_heard_at
                """,
            arguments: [number, known.json, header.newsdbVersion, now])
    }
}
