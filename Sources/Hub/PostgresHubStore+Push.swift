import Foundation
import PostgresNIO
import Store
import Sync

extension PostgresHubStore {
    /// Everything the hub has received.
    /// - Throws: `StoreError`.
    public func knowledge() async throws -> Knowledge {
        try await snapshot("reading the hub") { connection in try await knowledgeAndNames(connection).knowledge }
    }

    /// Checks the page whole (format, SHA-256, schema, clocks), then applies it in one transaction: rows of the
    /// page's subjects, then of its replicas, are locked in id order (the one order every push takes them in, so
    /// pushes never wait on each other in a circle), the changes already received are skipped, the others are kept
    /// or dropped as they overwrite each other (``RelayPlan``), and what the page covers is recorded as received. A
    /// push that PostgreSQL aborts for another's sake (SQLSTATE 40001, 40P01) is tried again, a few times.
    ///
    /// Tokens are scoped: the sender's replica belongs to the first token it pushes with (or the one its owner named,
    /// ``createToken(name:replicas:)``), and a page carrying new changes of a replica that belongs to another token is
    /// refused whole. `teammate` nil (the library's own use, not a request's) is not scoped.
    public func pushPage(_ page: Data, named name: String, maxChanges: Int, teammate: String?) async throws -> (
        report: ChangeSetReport, knowledge: Knowledge
    ) {
        let (header, changes) = try ChangeFileReader.readPage(page, named: name, maxChanges: maxChanges)
        try NewsDatabase.checkReceivable(header)
        let wallClock = clock()
        let now = Timestamp.string(wallClock)
        // One transaction reads the hub's replica, applies the page and reads what the hub then has (its own writes
        // and every push committed before): a push is one trip to the pool, not three.
        return try await retrying("applying the pushed page") { connection in
            try await transaction(connection, isolation: "READ COMMITTED") { connection in
                let me = try await replica(connection)
                guard header.sender.id != me.id else {
                    throw StoreError(
                        .invalidInput, "these changes were sent by the hub itself (\(me.name)); push a replica's")
                }
                let checks = ReceivedChangeChecks(header, me: me, wallClock: wallClock)
                // The hub makes no changes of its own: a teammate holding any is holding another database's.
                try checks.checkOwnCounter(0)
                for change in changes { try checks.checkClock(change) }
                let report = try await apply(header, changes, checks: checks, teammate: teammate, now: now, connection)
                return (report, try await knowledgeAndNames(connection).knowledge)
            }
        }
    }

    /// Runs `body` on a connection, again (after a short, growing, random pause) when PostgreSQL aborted it for a
    /// serialization failure or a deadlock, at most ``maximumAttempts`` times.
    func retrying<T: Sendable>(_ context: String, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await client.withConnection { connection in try await body(connection) }
            } catch {
                guard attempt < Self.maximumAttempts, let state = HubErrors.sqlState(error),
                    HubErrors.retryable.contains(state)
                else { throw HubErrors.storeError(error, context, location: location) }
                logger.info("retrying a push aborted by PostgreSQL (SQLSTATE \(state)), attempt \(attempt + 1)")
                try await Task.sleep(for: .milliseconds(Int.random(in: 1...(5 << attempt))))
                attempt += 1
            }
        }
    }

    /// Applies a checked page inside the caller's transaction on `connection`.
    private func apply(
        _ header: ChangeSetHeader, _ changes: [Change], checks: ReceivedChangeChecks, teammate: String?,
        now: String, _ connection: PostgresConnection
    ) async throws -> ChangeSetReport {
        // 1. The subjects' rows, in id order: pushes touching the same annotation or article go one at a time.
        let subjects = Array(Set(changes.map(\.subject)))
        if !subjects.isEmpty {
            try await connection.query(
                """
                INSERT INTO hub_subjects (id) SELECT id FROM unnest(\(subjects)::text[]) AS s(id) ORDER BY id COLLATE "C"
                ON CONFLICT (id) DO UPDATE SET id = excluded.id
                """, logger: logger)
        }
        // 2. The replicas' rows, in id order, and what the hub has of them, as it is once they are locked.
        let origins = Array(
            Set(changes.map(\.id.origin)).union(header.covers.ranges.keys).union([header.sender.id]))
        var ranges: [String: [ClosedRange<Int64>]] = [:]
        var owners: [String: String] = [:]
        let locked = try await connection.query(
            """
            INSERT INTO hub_origins (id) SELECT id FROM unnest(\(origins)::text[]) AS o(id) ORDER BY id COLLATE "C"
            ON CONFLICT (id) DO UPDATE SET name = hub_origins.name
            RETURNING id, received::text, token
            """, logger: logger)
        for try await (id, received, token) in locked.decode((String, String, String?).self) {
            ranges[id] = try Multirange.ranges(received)
            if let token { owners[id] = token }
        }
        let knowledge = Knowledge(ranges: ranges)
        // 3. What the new changes compete with, then what they do.
        var registers: [RelayPlan.Register] = []
        for change in changes where !knowledge.contains(change.id) {
            if let (register, _) = RelayPlan.register(of: change) { registers.append(register) }
        }
        let live = try await liveValues(Array(Set(registers)), connection)
        let plan = try RelayPlan(changes, knowledge: knowledge, live: live) { try $0.storedLine() }
        try await checkDuplicates(plan.duplicates, checks: checks, connection)
        if let teammate {
            try checkScope(header, plan.new, owners: owners, teammate: teammate)
            if owners[header.sender.id] == nil {
                try await connection.query(
                    "UPDATE hub_origins SET token = \(teammate) WHERE id = \(header.sender.id)", logger: logger)
            }
        }
        // 4. The writes.
        if !plan.dropped.isEmpty {
            let dropped = Array(plan.dropped)
            try await connection.query(
                """
                DELETE FROM hub_changes WHERE (origin, counter) IN (
                    SELECT o COLLATE "C", c FROM unnest(\(dropped.map(\.origin))::text[], \(dropped.map(\.counter))::int8[]) AS d(o, c))
                """, logger: logger)
        }
        if !plan.rows.isEmpty {
            let rows = plan.rows
            try await connection.query(
                """
                INSERT INTO hub_changes (origin, counter, hlc, subject, register, line)
                SELECT o, c, h, s, NULLIF(r, ''), l FROM unnest(
                    \(rows.map(\.id.origin))::text[], \(rows.map(\.id.counter))::int8[], \(rows.map(\.hlc))::text[],
                    \(rows.map(\.subject))::text[], \(rows.map { $0.register ?? "" })::text[], \(rows.map(\.line))::text[]
                ) AS n(o, c, h, s, r, l)
                ON CONFLICT (origin, counter) DO NOTHING
                """, logger: logger)
        }
        FaultPoint.hubChangesWritten.reach()
        var received = header.covers
        for change in plan.new { received.insert(change.id.counter...change.id.counter, for: change.id.origin) }
        let grown = received.ranges.sorted { $0.key < $1.key }
        if !grown.isEmpty {
            try await connection.query(
                """
                UPDATE hub_origins AS o SET received = o.received + u.r::int8multirange
                FROM unnest(\(grown.map(\.key))::text[], \(grown.map { Multirange.text($0.value) })::text[]) AS u(id, r)
                WHERE o.id = u.id COLLATE "C"
                """, logger: logger)
        }
        try await rememberSender(header, origins: Set(origins), now: now, connection)
        var report = ChangeSetReport(sender: header.sender.name)
        report.applied = plan.new.count
        report.duplicates = plan.duplicates.count
        report.conflicts = plan.conflicts
        return report
    }

    /// Refuses a page sent by a replica that belongs to another token, or carrying new changes of one.
    private func checkScope(_ header: ChangeSetHeader, _ new: [Change], owners: [String: String], teammate: String)
        throws
    {
        func name(_ origin: String) -> String {
            origin == header.sender.id ? header.sender.name : header.names[origin] ?? String(origin.prefix(8))
        }
        if let owner = owners[header.sender.id], owner != teammate {
            throw StoreError(
                .notAllowed,
                "the page comes from replica \(header.sender.name) (\(header.sender.id.prefix(8))), which syncs with \(owner)'s token, not \(teammate)'s; nothing was applied. Sync each replica with its own teammate's token"
            )
        }
        for change in new {
            guard let owner = owners[change.id.origin], owner != teammate else { continue }
            throw StoreError(
                .notAllowed,
                "the page carries changes of replica \(name(change.id.origin)), which only \(owner)'s token may push; nothing was applied. They reach the hub when \(owner) syncs"
            )
        }
    }

    /// The values kept in each of `registers`.
    private func liveValues(_ registers: [RelayPlan.Register], _ connection: PostgresConnection) async throws
        -> [RelayPlan.Register: [ChangeID]]
    {
        guard !registers.isEmpty else { return [:] }
        var live: [RelayPlan.Register: [ChangeID]] = [:]
        let rows = try await connection.query(
            """
            SELECT c.origin, c.counter, c.subject, c.register FROM hub_changes c
            JOIN unnest(\(registers.map(\.subject))::text[], \(registers.map(\.name))::text[]) AS r(subject, register)
                ON c.subject = r.subject COLLATE "C" AND c.register = r.register COLLATE "C"
            ORDER BY c.origin, c.counter
            """, logger: logger)
        for try await (origin, counter, subject, register) in rows.decode((String, Int64, String, String).self) {
            live[RelayPlan.Register(subject: subject, name: register), default: []].append(
                ChangeID(origin: origin, counter: counter))
        }
        return live
    }

    /// Refuses the page when a change already here is stored under its id with other content: two copies of a
    /// replica made changes under the same ids (docs/SYNC.md, "Copies and backups").
    private func checkDuplicates(
        _ duplicates: [Change], checks: ReceivedChangeChecks, _ connection: PostgresConnection
    ) async throws {
        guard !duplicates.isEmpty else { return }
        var byID: [ChangeID: Change] = [:]
        for change in duplicates { byID[change.id] = change }
        let ids = Array(byID.keys)
        let rows = try await connection.query(
            """
            SELECT origin, counter, subject, hlc FROM hub_changes WHERE (origin, counter) IN (
                SELECT o COLLATE "C", c FROM unnest(\(ids.map(\.origin))::text[], \(ids.map(\.counter))::int8[]) AS d(o, c))
            """, logger: logger)
        for try await (origin, counter, subject, hlc) in rows.decode((String, Int64, String, String).self) {
            guard let change = byID[ChangeID(origin: origin, counter: counter)] else { continue }
            try checks.checkSame(change, storedSubject: subject, storedClock: hlc)
        }
    }

    /// Records the sender as a peer, with its name and the names it knows the page's replicas by (for those known
    /// here by their id only), last in the lock order.
    private func rememberSender(
        _ header: ChangeSetHeader, origins: Set<String>, now: String, _ connection: PostgresConnection
    ) async throws {
        let sender = header.sender
        try await connection.query(
            "UPDATE hub_origins SET name = \(sender.name) WHERE id = \(sender.id)", logger: logger)
        let named = header.names.filter { origins.contains($0.key) && $0.key != sender.id && !$0.value.isEmpty }
            .sorted { $0.key < $1.key }
        if !named.isEmpty {
            try await connection.query(
                """
                UPDATE hub_origins AS o SET name = u.name
                FROM unnest(\(named.map(\.key))::text[], \(named.map(\.value))::text[]) AS u(id, name)
                WHERE o.id = u.id COLLATE "C" AND o.name IS NULL
                """, logger: logger)
        }
        try await connection.query(
            """
            INSERT INTO hub_peers (origin, newsdb, last_heard_at) VALUES (\(sender.id), \(header.newsdbVersion), \(now))
            ON CONFLICT (origin) DO UPDATE SET newsdb = excluded.newsdb, last_heard_at = excluded.last_heard_at
            """, logger: logger)
    }
}
