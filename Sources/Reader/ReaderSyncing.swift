import Store

/// What a sync with a stored server moved, as the page reports it.
public struct PeerSyncOutcome: Sendable, Equatable {
    /// Changes sent to the server, and changes received from it.
    public var sent: Int
    public var received: Int
    /// Conflicts on the annotations those changes touched, after the sync.
    public var conflicts: Int
    /// Received changes that wait here for an earlier change (of an annotation not received yet).
    public var waiting: Int

    /// Creates an outcome.
    public init(sent: Int, received: Int, conflicts: Int, waiting: Int) {
        self.sent = sent
        self.received = received
        self.conflicts = conflicts
        self.waiting = waiting
    }
}

/// Syncs the database with a server added by `newsdb peers add`, for the page's Sync now: `newsdb web` gives the
/// reader one made of Sync's client (the same sync as `newsdb sync NAME`), so that the reader depends on Store alone.
public protocol ReaderSyncing: Sendable {
    /// Pulls what `database` lacks from `server`, then pushes what the server lacks.
    /// - Returns: What moved.
    /// - Throws: `StoreError`: `.io` for a server that cannot be reached or fails, `.invalidInput` for one that
    ///   refuses the token or cannot sync with this newsdb, `.busy` when the database stayed locked.
    func sync(_ database: NewsDatabase, with server: PeerServer) async throws -> PeerSyncOutcome
}
