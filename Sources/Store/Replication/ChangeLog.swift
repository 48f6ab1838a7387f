import Foundation
import GRDB

/// Hands out identities and hybrid clock timestamps for the changes one write transaction makes on this replica, and
/// stores the replica's counter and clock when the transaction is done (``save()``).
struct ChangeLog {
    /// This replica's number in `origins`: the row holding its id (1 for a database that never became a new
    /// replica; a fork or a clone adds a row for its new id and leaves the previous replica's rows as they are).
    static let localOriginSQL = "(SELECT n FROM origins WHERE id = (SELECT id FROM replica WHERE singleton = 1))"

    /// This replica's number in `origins`.
    /// - Throws: `StoreError` when the replica has no row there (a database newsdb did not make).
    static func localOrigin(_ db: Database) throws -> Int64 {
        guard let number = try Int64.fetchOne(db, sql: "SELECT \(localOriginSQL)") else {
            throw StoreError(.cannotOpen, "the database's replica is not among its origins; it was not made by newsdb")
        }
        return number
    }

    /// This replica's number in `origins`.
    let origin: Int64

    /// This replica's id.
    let replica: String
    /// The last counter handed out.
    private(set) var counter: Int64
    private var clock: HybridLogicalClock
    private let db: Database

    /// Reads the replica's counter and clock, inside the caller's write transaction.
    init(_ db: Database, wallClock: @escaping @Sendable () -> Date) throws {
        guard let row = try Row.fetchOne(db, sql: "SELECT id, counter, clock FROM replica WHERE singleton = 1") else {
            throw StoreError(.cannotOpen, "the database has no replica record; it was not created by newsdb")
        }
        self.db = db
        replica = row["id"]
        counter = row["counter"]
        origin = try Self.localOrigin(db)
        let latest = (row["clock"] as String?).flatMap(HLCTimestamp.init(text:))
        clock = HybridLogicalClock(replica: replica, latest: latest, wallClock: wallClock)
    }

    /// The id and timestamp of a new local change.
    mutating func next() -> (id: ChangeID, clock: HLCTimestamp) {
        counter += 1
        return (ChangeID(origin: replica, counter: counter), clock.now())
    }

    /// Takes back `id` when it was the last one handed out and no change was made with it after all.
    mutating func giveBack(_ id: ChangeID) {
        if id.counter == counter { counter -= 1 }
    }

    /// Takes in a timestamp received from another replica, so that later local changes order after it.
    mutating func observe(_ remote: HLCTimestamp) {
        clock.observe(remote)
    }

    /// Stores the counter and the clock.
    func save() throws {
        try db.execute(
            sql: "UPDATE replica SET counter = ?, clock = ? WHERE singleton = 1",
            arguments: [counter, clock.latest.description])
    }
}
