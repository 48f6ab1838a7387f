import Foundation
import Logging
import PostgresNIO
import Store
import Sync

/// The team hub's store: the changes it relays, what it received, tokens and peers, in a PostgreSQL database
/// (hub-migrations/, docs/HUB.md), so that several `newsdb serve --store postgresql://…` processes can serve one team
/// and agree on everything. A pull reads one `REPEATABLE READ READ ONLY` snapshot; a push is one transaction that locks
/// what it touches in a fixed order and is retried when PostgreSQL reports a serialization failure or a deadlock.
public struct PostgresHubStore: SyncStore {
    let client: PostgresClient
    let location: HubLocation
    let logger: Logger
    /// The wall clock, for the clock check of received changes and the times recorded.
    let clock: @Sendable () -> Date
    /// The most a push is tried when PostgreSQL aborts it for a conflict with another (SQLSTATE 40001 or 40P01).
    static let maximumAttempts = 8
    /// Called by a pull between reading what the hub has and reading the page: tests make another process's push
    /// happen there, to see that both reads come from one snapshot.
    var betweenPullReads: (@Sendable () async throws -> Void)?

    /// Connects to the hub's database at `location` for as long as `body` runs, then closes every connection.
    /// - Parameters:
    ///   - environment: Where the password comes from (`PGPASSWORD`, `PGPASSFILE`, `HOME`).
    ///   - requireCurrentSchema: Refuse a database whose schema is not this newsdb's (every use but `hub migrate`
    ///     and `hub status`).
    /// - Throws: `StoreError`: `.cannotOpen` when the database cannot be reached, `.migrationRequired`,
    ///   `.schemaTooNew` or `.migrationMismatch` for a schema that is not this newsdb's; or what `body` throws.
    public static func withStore<T: Sendable>(
        at location: HubLocation, environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger, requireCurrentSchema: Bool = true,
        clock: @escaping @Sendable () -> Date = { Date() },
        _ body: @Sendable (PostgresHubStore) async throws -> T
    ) async throws -> T {
        // The pool's own log says at warning level that a connection was asked for before `run()` began, which the
        // task group below makes a race of no consequence.
        var background = logger
        background.logLevel = max(logger.logLevel, .error)
        let client = PostgresClient(
            configuration: try location.clientConfiguration(environment: environment), backgroundLogger: background)
        // One connection first, on its own: a server that cannot be reached, or refuses the login, is said at once
        // (the pool would try again for a minute).
        do {
            let connection = try await PostgresConnection.connect(
                on: PostgresClient.defaultEventLoopGroup.next(),
                configuration: try location.connectionConfiguration(environment: environment), id: 0, logger: background
            ).get()
            try await connection.close()
        } catch {
            throw HubErrors.storeError(error, "connecting", location: location)
        }
        let store = PostgresHubStore(
            client: client, location: location, logger: logger, clock: clock, betweenPullReads: nil)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            try await store.checkServer()
            if requireCurrentSchema { try await store.requireCurrentSchema() }
            return try await body(store)
        }
    }

    /// Refuses a server whose database does not keep text as UTF-8 (what the hub stores must round-trip byte for
    /// byte) or that has no multiranges (before PostgreSQL 14).
    private func checkServer() async throws {
        let (encoding, version) = try await read("connecting") { connection in
            let rows = try await connection.query(
                "SELECT current_setting('server_encoding'), current_setting('server_version_num')::int",
                logger: logger)
            for try await row in rows.decode((String, Int).self) { return row }
            throw StoreError(.database, "the server did not say its encoding")
        }
        guard encoding == "UTF8" else {
            throw StoreError(
                .cannotOpen,
                "the hub's database \(location.database) keeps text as \(encoding), not UTF8; create it with ENCODING 'UTF8' (docs/HUB.md)"
            )
        }
        guard version >= 140000 else {
            throw StoreError(.cannotOpen, "the hub needs PostgreSQL 14 or later (this server is \(version / 10000))")
        }
    }

    // MARK: - Reading

    public func replicaAndKnowledge() async throws -> (Replica, Knowledge) {
        try await snapshot("reading the hub") { connection in
            (try await replica(connection), try await knowledgeAndNames(connection).knowledge)
        }
    }

    /// The hub's replica.
    /// - Throws: `StoreError`.
    public func replica() async throws -> Replica {
        try await snapshot("reading the hub") { connection in try await replica(connection) }
    }

    func replica(_ connection: PostgresConnection) async throws -> Replica {
        let rows = try await connection.query(
            "SELECT id, name, created_at FROM hub_replica WHERE singleton", logger: logger)
        for try await (id, name, createdAt) in rows.decode((String, String, String).self) {
            return Replica(id: id, name: name, createdAt: createdAt)
        }
        throw StoreError(
            .cannotOpen, "the hub's database has no replica record; run `newsdb hub migrate --store \(location)`")
    }

    /// Everything the hub has received, and the names of the replicas it knows by name.
    func knowledgeAndNames(_ connection: PostgresConnection) async throws -> (
        knowledge: Knowledge, names: [String: String]
    ) {
        var ranges: [String: [ClosedRange<Int64>]] = [:]
        var names: [String: String] = [:]
        let rows = try await connection.query(
            "SELECT id, name, received::text FROM hub_origins WHERE NOT isempty(received)", logger: logger)
        for try await (id, name, received) in rows.decode((String, String?, String).self) {
            ranges[id] = try Multirange.ranges(received)
            if let name { names[id] = name }
        }
        return (Knowledge(ranges: ranges), names)
    }

    public func pullPage(excluding known: Knowledge, limit: Int, newsdbVersion: String) async throws -> ChangePage {
        try await snapshot("reading the hub's changes") { connection in
            let me = try await replica(connection)
            let (mine, names) = try await knowledgeAndNames(connection)
            try await betweenPullReads?()
            let remaining = mine.subtracting(known)
            var changes: [Change] = []
            var bytes = 0
            var full = false
            let wanted = max(1, limit)
            let budget = 8 << 20
            // Keyset order: by origin (as PostgreSQL's "C" collation sorts, byte by byte), then counter, each
            // range read from the primary key where it starts, so a page costs what it holds.
            let ranges = remaining.ranges.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).flatMap {
                origin in (remaining.ranges[origin] ?? []).map { (origin: origin, range: $0) }
            }
            // Adds a stored change to the page, unless the page is full.
            func add(_ line: String, of origin: String) throws -> Bool {
                guard changes.count < wanted, bytes < budget else { return false }
                let change = try Change(storedLine: line, origin: origin)
                bytes += change.textBytes
                changes.append(change)
                return true
            }
            // Each query answers one row holding arrays, not a row per change: postgres-nio 1.33.2 stops the process
            // (a precondition in its RowStreamStateMachine) when a long stream of rows is read under load.
            if !ranges.isEmpty && remaining.total <= Int64(wanted) {
                // All of it fits in the page (the usual pull of a replica that syncs often: a few changes from
                // each of many replicas): one query for every range, not one each. LATERAL, with its LIMIT, keeps
                // each range an index scan of its own rather than a join over the whole table.
                let rows = try await connection.query(
                    """
                    SELECT coalesce(array_agg(c.line ORDER BY r.n, c.counter), '{}'),
                        coalesce(array_agg(r.o ORDER BY r.n, c.counter), '{}')
                    FROM unnest(
                        \(ranges.map(\.origin))::text[], \(ranges.map(\.range.lowerBound))::int8[],
                        \(ranges.map(\.range.upperBound))::int8[]) WITH ORDINALITY AS r(o, lo, hi, n)
                    CROSS JOIN LATERAL (
                        SELECT counter, line FROM hub_changes
                        WHERE origin = r.o COLLATE "C" AND counter BETWEEN r.lo AND r.hi
                        ORDER BY counter LIMIT \(Int64(wanted))
                    ) AS c
                    """, logger: logger)
                for try await (lines, origins) in rows.decode(([String], [String]).self) {
                    for (line, origin) in zip(lines, origins) where !full {
                        full = try !add(line, of: origin)
                    }
                }
            } else {
                scan: for (origin, range) in ranges {
                    let room = Int64(wanted - changes.count + 1)
                    let rows = try await connection.query(
                        """
                        SELECT coalesce(array_agg(line ORDER BY counter), '{}') FROM (
                            SELECT counter, line FROM hub_changes
                            WHERE origin = \(origin) AND counter BETWEEN \(range.lowerBound) AND \(range.upperBound)
                            ORDER BY counter LIMIT \(room)
                        ) AS s
                        """, logger: logger)
                    for try await lines in rows.decode([String].self) {
                        for line in lines where !full { full = try !add(line, of: origin) }
                    }
                    if full { break scan }
                }
            }
            var covers = remaining
            if full {
                covers = Knowledge()
                for change in changes { covers.insert(change.id.counter...change.id.counter, for: change.id.origin) }
            }
            let header = ChangeSetHeader(
                sender: me, knowledge: mine, covers: covers, schemaVersion: NewsDatabase.changeSchemaVersion,
                newsdbVersion: newsdbVersion, names: names)
            return ChangePage(header: header, changes: changes, isLast: !full)
        }
    }

    // MARK: - Transactions

    /// Runs `body` in one `REPEATABLE READ READ ONLY` transaction: every query in it reads the same snapshot.
    func snapshot<T: Sendable>(_ context: String, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await read(context) { connection in
            try await transaction(connection, isolation: "REPEATABLE READ READ ONLY", body)
        }
    }

    /// Runs `body` on a connection of the pool, its PostgreSQL errors made `StoreError`s.
    func read<T: Sendable>(_ context: String, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withConnection { connection in try await body(connection) }
        } catch {
            throw HubErrors.storeError(error, context, location: location)
        }
    }

    /// Runs `body` in a transaction of `isolation` on `connection`: committed when it returns, rolled back when it
    /// throws (its error is rethrown as it is).
    func transaction<T: Sendable>(
        _ connection: PostgresConnection, isolation: String,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await connection.query(
            PostgresQuery(unsafeSQL: "START TRANSACTION ISOLATION LEVEL \(isolation)"), logger: logger)
        let value: T
        do {
            value = try await body(connection)
        } catch {
            do {
                try await connection.query("ROLLBACK", logger: logger)
            } catch let rollback {
                // The error to report is the first: the connection is closed by the pool when it is broken.
                logger.warning("cannot roll back: \(String(reflecting: rollback))")
            }
            throw error
        }
        try await connection.query("COMMIT", logger: logger)
        return value
    }
}
