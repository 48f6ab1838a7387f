import Foundation
import Store
import Testing

@testable import Hub
@testable import Sync

/// What only the hub on PostgreSQL has: its versioned schema, pulls from one snapshot, and several hub processes on
/// one database. Run where `NEWSDB_TEST_POSTGRES` names a server (``TestPostgres``), and always under CI.
@Suite(.enabled(if: TestPostgres.isEnabled)) struct PostgresHubTests {
    let folder: TemporaryDirectory
    let clock = TestClock()
    let alice: TestReplica
    let bob: TestReplica

    init() throws {
        folder = try TemporaryDirectory()
        alice = try TestReplica("alice", in: folder, clock: clock.read)
        bob = try TestReplica("bob", in: folder, clock: clock.read)
    }

    @Test("hub migrate makes the schema once; a second run applies nothing; serving needs it")
    func migrateOnce() async throws {
        let clock = self.clock
        try await TestPostgres.withDatabase { location in
            await #expect {
                try await TestHub.withPostgresStore(at: location, clock: clock.read) { _ in }
            } throws: { error in
                (error as? StoreError)?.code == .migrationRequired
                    && (error as? StoreError)?.message.contains("newsdb hub migrate") == true
            }
            let (first, second, status) = try await PostgresHubStore.withStore(
                at: location, logger: TestPostgres.logger, requireCurrentSchema: false
            ) { store in
                (
                    try await store.migrate(name: "newsroom"), try await store.migrate(name: "other"),
                    try await store.schemaStatus()
                )
            }
            #expect(first.map(\.version) == PostgresHubStore.migrations.map(\.version) && second.isEmpty)
            #expect(status.pending.isEmpty && status.currentVersion == PostgresHubStore.migrations.last?.version)
            #expect(status.applied.map(\.checksum) == PostgresHubStore.migrations.map(\.checksum))
            let replica = try await TestHub.withPostgresStore(at: location, clock: clock.read) { store in
                try await store.replica()
            }
            #expect(replica.name == "newsroom")
        }
    }

    @Test("Two hub migrates at once apply each migration once")
    func concurrentMigrate() async throws {
        try await TestPostgres.withDatabase { location in
            let applied = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<3 {
                    group.addTask {
                        try await PostgresHubStore.withStore(
                            at: location, logger: TestPostgres.logger, requireCurrentSchema: false
                        ) { store in try await store.migrate(name: "hub").count }
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(applied == PostgresHubStore.migrations.count)
        }
    }

    @Test("A hub database from a newer newsdb, or with a migration that differs, is refused")
    func newerOrDifferentSchema() async throws {
        let clock = self.clock
        try await TestPostgres.withDatabase { location in
            _ = try await TestHub.withPostgresStore(at: location, clock: clock.read, migrate: true) { _ in }
            try await TestPostgres.run(
                location,
                "UPDATE hub_schema_migrations SET checksum = repeat('0', 64) WHERE version = 1")
            await #expect {
                try await TestHub.withPostgresStore(at: location, clock: clock.read) { _ in }
            } throws: { error in
                (error as? StoreError)?.code == .migrationMismatch
            }
            try await TestPostgres.run(
                location,
                "INSERT INTO hub_schema_migrations VALUES (999, 'from_the_future', repeat('1', 64), '2030-01-01T00:00:00Z')"
            )
            await #expect {
                try await TestHub.withPostgresStore(at: location, clock: clock.read) { _ in }
            } throws: { error in
                (error as? StoreError)?.code == .schemaTooNew
                    && (error as? StoreError)?.message.contains("upgrade newsdb") == true
            }
        }
    }

    @Test("A pull's page and the knowledge it reports come from one snapshot, whatever is pushed in between")
    func pullIsOneSnapshot() async throws {
        let (alice, clock) = (self.alice, self.clock)
        let annotation = try alice.database.annotate(
            AnnotationDraft(article: try alice.articleIDs[1], quote: "main gate", note: "first"))
        clock.advance(1)
        try alice.database.editAnnotation(annotation.id, AnnotationChanges(note: "second"))
        let before = try alice.database.exportPage(excluding: Knowledge(), limit: 100, newsdbVersion: "test")
        clock.advance(1)
        try alice.database.editAnnotation(annotation.id, AnnotationChanges(note: "third"))
        let edit = try alice.database.exportPage(
            excluding: before.header.knowledge, limit: 100, newsdbVersion: "test")
        try await TestPostgres.withDatabase { location in
            try await TestHub.withPostgresStore(at: location, clock: clock.read, migrate: true) { store in
                _ = try await store.pushPage(
                    Data(try ChangeFileWriter.encode(before)), named: "first", maxChanges: 100, teammate: "alice")
                var paused = store
                paused.betweenPullReads = {
                    // Another hub process applies the third note meanwhile, which drops the second from the hub: a
                    // page read outside the pull's snapshot would lack it, while its knowledge says it was sent.
                    _ = try await store.pushPage(
                        Data(try ChangeFileWriter.encode(edit)), named: "edit", maxChanges: 100, teammate: "alice")
                }
                let page = try await paused.pullPage(excluding: Knowledge(), limit: 100, newsdbVersion: "test")
                #expect(page.header.knowledge == before.header.knowledge)
                #expect(page.changes.map(\.id) == before.changes.map(\.id))
                #expect(page.header.covers == before.header.knowledge)
                let after = try await store.pullPage(excluding: Knowledge(), limit: 100, newsdbVersion: "test")
                #expect(after.header.knowledge == edit.header.knowledge)
                #expect(after.changes.count == before.changes.count)
                #expect(!after.changes.contains { $0.id == before.changes.last?.id })
            }
        }
    }

    @Test("Two hub processes on one database: replicas syncing through either at once converge, nothing lost")
    func twoHubProcesses() async throws {
        let (alice, bob, clock) = (self.alice, self.bob, self.clock)
        let carol = try TestReplica("carol", in: folder, clock: clock.read)
        try await TestPostgres.withDatabase { location in
            try await TestHub.withPostgresStore(at: location, clock: clock.read, migrate: true) { first in
                try await TestHub.withPostgresStore(at: location, clock: clock.read) { second in
                    try await TestHub.serve(first, kind: .postgresql, maxPageChanges: 3) { one in
                        try await TestHub.serve(second, kind: .postgresql, maxPageChanges: 3) { two in
                            let replicas = [alice, bob, carol]
                            var tokens: [String] = []
                            for replica in replicas { tokens.append(try await one.token(replica.name)) }
                            for round in 0..<3 {
                                for (index, replica) in replicas.enumerated() {
                                    for note in 0..<3 {
                                        _ = try replica.database.annotate(
                                            AnnotationDraft(
                                                article: try replica.articleIDs[1],
                                                quote: ["main gate", "north gate", "two vessels"][note],
                                                note: "\(replica.name) \(round) \(note) \(index)"))
                                    }
                                }
                                let hubs = [one, two]
                                try await withThrowingTaskGroup(of: Void.self) { group in
                                    for (index, replica) in replicas.enumerated() {
                                        let hub = hubs[(index + round) % 2]
                                        let token = tokens[index]
                                        group.addTask { try await replica.sync(with: hub, token: token, pageLimit: 2) }
                                    }
                                    try await group.waitForAll()
                                }
                            }
                            for _ in 0..<2 {
                                for (index, replica) in replicas.enumerated() {
                                    try await replica.sync(with: [one, two][index % 2], token: tokens[index])
                                }
                            }
                            let expected = try alice.snapshot()
                            #expect(expected.annotations.count == 27)
                            #expect(try bob.snapshot() == expected && carol.snapshot() == expected)
                        }
                    }
                }
            }
        }
    }

    @Test("Another teammate's token cannot push a replica's new changes, nor a page in its name: 403, nothing applied")
    func scoped() async throws {
        let (alice, bob) = (self.alice, self.bob)
        try await TestHub.with(.postgresql, in: folder, clock: clock.read) { hub in
            let (aliceToken, bobToken) = (try await hub.token("alice"), try await hub.token("bob"))
            _ = try alice.database.annotate(
                AnnotationDraft(article: try alice.articleIDs[1], quote: "main gate", note: "alice's"))
            try await alice.sync(with: hub, token: aliceToken)
            _ = try alice.database.annotate(
                AnnotationDraft(article: try alice.articleIDs[1], quote: "north gate", note: "not yet sent"))
            let held = try await hub.store.replicaAndKnowledge().1
            // A page in alice's name, with bob's token.
            let page = try alice.database.exportPage(excluding: held, limit: 100, newsdbVersion: "test")
            let forged = try await request(
                hub.url + "/v1/sync/push", .POST, token: bobToken, body: try ChangeFileWriter.encode(page))
            #expect(forged.status == 403 && forged.body.contains("syncs with alice's token"))
            // Alice's new change relayed by bob, from a change file: refused, while what the hub has passes.
            try bob.apply(try alice.changes())
            await #expect {
                try await bob.sync(with: hub, token: bobToken)
            } throws: { error in
                "\(error)".contains("only alice's token may push") && "\(error)".contains("403")
            }
            #expect(try await hub.store.replicaAndKnowledge().1 == held)
            try await alice.sync(with: hub, token: aliceToken)
            try await bob.sync(with: hub, token: bobToken)
            #expect(try bob.snapshot() == alice.snapshot())
        }
    }

    @Test("A token made for a replica is the only one that pushes its changes, from its first push on")
    func named() async throws {
        let (alice, bob) = (self.alice, self.bob)
        try await TestHub.with(.postgresql, in: folder, clock: clock.read) { hub in
            guard let store = hub.store as? PostgresHubStore else { throw TestFailure("not a PostgreSQL hub") }
            let aliceID = try alice.database.replica().id
            let aliceToken = try await store.createToken(name: "alice", replicas: [aliceID]).token
            let bobToken = try await hub.token("bob")
            await #expect(throws: StoreError.self) {
                try await store.createToken(name: "mallory", replicas: [aliceID])
            }
            _ = try alice.database.annotate(
                AnnotationDraft(article: try alice.articleIDs[1], quote: "main gate", note: "alice's"))
            let page = try alice.database.exportPage(excluding: Knowledge(), limit: 100, newsdbVersion: "test")
            let forged = try await request(
                hub.url + "/v1/sync/push", .POST, token: bobToken, body: try ChangeFileWriter.encode(page))
            #expect(forged.status == 403)
            try await alice.sync(with: hub, token: aliceToken)
            try await bob.sync(with: hub, token: bobToken)
            #expect(try bob.snapshot() == alice.snapshot())
        }
    }
}
