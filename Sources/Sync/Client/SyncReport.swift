import Foundation
import Store

/// What a sync with a server moved, each way.
public struct SyncReport: Sendable, Equatable, Codable {
    /// What moved one way.
    public struct Direction: Sendable, Equatable, Codable {
        /// Pages sent or received.
        public var pages = 0
        /// Changes in them.
        public var changes = 0
        /// Changes applied by the receiver, changes it already had, changes waiting there for what they need, and
        /// earlier waiting changes applied now.
        public var applied = 0
        public var duplicates = 0
        public var waiting = 0
        public var released = 0
        /// Conflicts on the annotations these changes touched, after applying them.
        public var conflicts = 0

        mutating func add(_ report: ChangeSetReport) {
            add(report.applied, report.duplicates, report.waiting, report.released, report.conflicts)
        }

        mutating func add(_ result: PushResult) {
            add(result.applied, result.duplicates, result.waiting, result.released, result.conflicts)
        }

        private mutating func add(_ applied: Int, _ duplicates: Int, _ waiting: Int, _ released: Int, _ conflicts: Int)
        {
            self.applied += applied
            self.duplicates += duplicates
            self.waiting += waiting
            self.released += released
            self.conflicts += conflicts
        }
    }

    /// The server's URL.
    public let url: String
    /// The server's replica name.
    public var server: String
    /// From the server to this replica.
    public var pulled = Direction()
    /// From this replica to the server.
    public var pushed = Direction()
}

/// How far a sync has got, for a progress bar.
public struct SyncProgress: Sendable {
    /// Pulling or pushing.
    public enum Phase: String, Sendable { case pull, push }
    public let phase: Phase
    /// Changes moved so far in this phase, and about how many there are to move.
    public let done: Int
    public let total: Int
}
