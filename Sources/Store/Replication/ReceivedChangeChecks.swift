import Foundation
import GRDB

/// The checks a teammate's changes pass before any is applied, beyond their format: that no change id is reused with
/// other content, that this replica's own counter is not behind what teammates hold of it, and that no timestamp
/// runs too far ahead of this machine's clock. Each refusal names the replica concerned and says what to do; the
/// whole set is refused, so nothing is applied. A store of its own (the team hub's) makes the same checks with it.
public struct ReceivedChangeChecks: Sendable {
    /// How far ahead of this machine's clock a received timestamp may be: one day. Beyond it, one replica with a
    /// wrong clock (a dead battery, a wrong year) would win every concurrent edit for as long as it is ahead; within
    /// it, a clock some hours off (a time zone taken for UTC) still syncs, and the hybrid clock keeps later local
    /// edits after it.
    static let maximumClockLead: Int64 = 86_400_000

    /// The set's header.
    public let header: ChangeSetHeader
    /// The receiving replica.
    public let me: Replica
    /// The latest millisecond a received change may carry.
    let horizon: Int64

    /// The checks of the set `header` begins, received by `me` when its clock reads `wallClock`.
    public init(_ header: ChangeSetHeader, me: Replica, wallClock: Date) {
        self.header = header
        self.me = me
        horizon = Int64((wallClock.timeIntervalSince1970 * 1000).rounded(.down)) + Self.maximumClockLead
    }

    /// Refuses a set whose sender holds more of this replica's changes than it has made: the database is a copy or
    /// a backup put back, whose next changes would reuse ids teammates already hold with other content.
    /// - Parameter counter: This replica's counter.
    /// - Throws: `StoreError` `.replicaReused`.
    public func checkOwnCounter(_ counter: Int64) throws {
        guard let held = header.knowledge.ranges[me.id]?.last?.upperBound, held > counter else { return }
        throw StoreError(
            .replicaReused,
            "\(header.sender.name) holds changes up to \(held) made by this replica (\(me.name)), which has made only "
                + "\(counter): this database is a copy or a backup put back, and its next changes would reuse "
                + "their ids; nothing was applied. Run `newsdb init --new-replica`, then import or sync again")
    }

    /// Refuses a change stamped too far ahead of this machine's clock.
    /// - Throws: `StoreError` `.clockAhead`.
    public func checkClock(_ change: Change) throws {
        guard change.clock.milliseconds > horizon else { return }
        let lead = Double(change.clock.milliseconds - horizon + Self.maximumClockLead) / 1000
        throw StoreError(
            .clockAhead,
            "change \(change.id.counter) of \(name(of: change.id.origin)) is stamped \(Timestamp.string(change.clock.date)), "
                + "\(Self.describe(seconds: lead)) ahead of this machine's clock (at most 1 day is accepted): the "
                + "clock of that replica or of this machine is wrong; nothing was applied. Set the wrong clock right "
                + "(see docs/SYNC.md, \"Clocks\")")
    }

    /// Refuses a change whose id is already here with other content: two databases made changes under one id.
    /// A change whose effect is no longer stored (overwritten by a later one) cannot be compared, and passes.
    /// - Parameter origin: The local number of the change's origin.
    func checkSameAsStored(_ change: Change, origin: Int64, _ db: Database) throws {
        let stored = try Row.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT id AS subject, hlc FROM articles WHERE origin = ?1 AND counter = ?2
                    UNION ALL SELECT article_id, hlc FROM article_revisions WHERE origin = ?1 AND counter = ?2
                    UNION ALL SELECT id, hlc FROM annotations WHERE origin = ?1 AND counter = ?2
                    UNION ALL SELECT annotation_id, hlc FROM changes WHERE origin = ?1 AND counter = ?2
                    LIMIT 1
                    """),
            arguments: [origin, change.id.counter])
        guard let stored else { return }
        try checkSame(change, storedSubject: stored["subject"], storedClock: stored["hlc"])
    }

    /// Refuses `change` when the change stored under its id is about another subject or has another clock.
    /// - Parameters:
    ///   - storedSubject: The article or annotation the stored change is about.
    ///   - storedClock: Its hybrid clock timestamp as text, when it has one.
    /// - Throws: `StoreError` `.replicaReused`.
    public func checkSame(_ change: Change, storedSubject subject: String, storedClock hlc: String?) throws {
        guard subject != change.subject || (hlc != nil && hlc != change.clock.description) else { return }
        let whose = change.id.origin == me.id ? "this replica (\(me.name))" : name(of: change.id.origin)
        let what =
            change.id.origin == me.id
            ? "this database or that one is a copy of the other, or a backup put back, that went on making changes"
            : "two copies of that replica's database made changes under the same ids"
        throw StoreError(
            .replicaReused,
            "\(header.sender.name) has a change \(change.id.counter) of \(whose) that differs from the one stored "
                + "here under that id: \(what); nothing was applied. See docs/SYNC.md, \"Copies and backups\"")
    }

    /// A replica's name as the sender knows it, or as it is known here, or its id's start.
    private func name(of origin: String) -> String {
        if origin == header.sender.id { return header.sender.name }
        if let name = header.names[origin], !name.isEmpty { return name }
        return String(origin.prefix(8))
    }

    /// "3 minutes", "2 days", "74 years".
    static func describe(seconds: Double) -> String {
        let units: [(Double, String)] = [(365.25 * 86_400, "year"), (86_400, "day"), (3_600, "hour"), (60, "minute")]
        for (size, unit) in units where seconds >= size {
            let count = Int(seconds / size)
            return "\(count) \(unit)\(count == 1 ? "" : "s")"
        }
        return "\(Int(seconds)) seconds"
    }
}
