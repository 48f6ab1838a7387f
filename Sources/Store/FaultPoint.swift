import Foundation
import Synchronization

/// Named points where a test stops the process, to prove that work cut short there leaves the database whole.
///
/// Debug builds only (the ones `swift test` runs): `NEWSDB_FAULT=POINT:N` makes the process kill itself with SIGKILL
/// the Nth time it reaches `POINT`, as a power cut would stop it, mid-transaction where the point is inside one.
/// A release build has no such points, and reads no such variable.
public enum FaultPoint: String, Sendable, CaseIterable {
    /// After a batch of an article import has been committed.
    case articleBatchCommitted = "import-batch"
    /// Inside a bulk annotation import's transaction, after an annotation has been stored.
    case annotationStored = "annotation-import"
    /// Inside a change set's transaction (a change file, or a page of an HTTP sync), after a change was applied.
    case changeApplied = "sync-change"
    /// Inside a migration's transaction, after its SQL has run and before it commits.
    case migrationRan = "migration"
    /// Inside a team hub's push transaction (PostgreSQL), after the page's changes were written and before what it
    /// covers is recorded and the transaction commits.
    case hubChangesWritten = "hub-push"

    /// Marks that the process has reached this point; in a debug build asked to, stops it here.
    @inline(__always)
    public func reach() {
        #if DEBUG
            FaultInjection.reach(self)
        #endif
    }
}

#if DEBUG
    /// The point and count `NEWSDB_FAULT` names, and how often the point has been reached.
    enum FaultInjection {
        private static let target: (point: FaultPoint, count: Int)? = {
            guard let value = ProcessInfo.processInfo.environment["NEWSDB_FAULT"] else { return nil }
            let parts = value.split(separator: ":")
            guard parts.count == 2, let point = FaultPoint(rawValue: String(parts[0])), let count = Int(parts[1]),
                count > 0
            else { return nil }
            return (point, count)
        }()
        private static let reached = Atomic<Int>(0)

        static func reach(_ point: FaultPoint) {
            guard let target, target.point == point else { return }
            if reached.add(1, ordering: .relaxed).newValue == target.count {
                kill(getpid(), SIGKILL)
            }
        }
    }
#endif
