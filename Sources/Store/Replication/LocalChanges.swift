import Foundation
import GRDB

/// The changes one local write transaction makes: each gets this replica's next id and timestamp and is applied
/// exactly as a teammate's copy of it will be.
struct LocalChanges {
    let db: Database
    /// The time a person sees on these changes.
    var at: String
    private(set) var log: ChangeLog
    private(set) var applier: ChangeApplier
    /// What this replica had received when the transaction began.
    private let received: Knowledge

    init(_ db: Database, at: String, wallClock: @escaping @Sendable () -> Date) throws {
        self.db = db
        self.at = at
        log = try ChangeLog(db, wallClock: wallClock)
        applier = ChangeApplier(db)
        received = try NewsDatabase.knowledge(db)
    }

    /// Makes and applies a change.
    mutating func record(_ body: Change.Body, at time: String? = nil) throws {
        let (id, clock) = log.next()
        let change = Change(id: id, clock: clock, at: time ?? at, body: body)
        guard case .applied = try applier.apply(change) else {
            throw StoreError(.database, "a local change to \(change.subject.prefix(8)) could not be applied")
        }
    }

    /// Takes in a timestamp received from another replica, so that later local changes order after it.
    mutating func observe(_ remote: HLCTimestamp) { log.observe(remote) }

    /// This replica's counter: the last change it made.
    var counter: Int64 { log.counter }

    /// Stores the replica's counter and clock; call once, before the transaction commits.
    func save() throws { try log.save() }

    /// Everything this replica has received, its own changes so far included: what a new change has seen.
    var seen: Knowledge {
        var knowledge = received
        if log.counter > 0 { knowledge.insert(1...log.counter, for: log.replica) }
        return knowledge
    }

    /// The additions of `tag` to `annotation` in effect.
    func tagAdditions(_ annotation: String, _ tag: String) throws -> [ChangeID] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT o.id AS origin_id, t.counter FROM tag_adds t JOIN origins o ON o.n = t.origin
                WHERE t.annotation_id = ? AND t.tag = ?
                """,
            arguments: [annotation, tag]
        ).map { ChangeID(origin: $0["origin_id"], counter: $0["counter"]) }
    }
}

extension NewsDatabase {
    /// Runs `body` in one write transaction whose changes are recorded in the change log.
    func write<T>(_ context: String, at: String, changes body: (Database, inout LocalChanges) throws -> T) throws -> T {
        try write(context) { db in
            var local = try LocalChanges(db, at: at, wallClock: clock)
            let result = try body(db, &local)
            try local.save()
            return result
        }
    }
}
