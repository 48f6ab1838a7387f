import Foundation
import Store
import Testing

@testable import Hub
@testable import Sync

/// Teammates syncing through a hub, on SQLite (`newsdb serve`) and on PostgreSQL (`newsdb serve --store`): the same
/// protocol, the same outcome, whatever keeps the hub's changes.
@Suite struct HubSyncTests {
    let folder: TemporaryDirectory
    let clock = TestClock()
    let alice: TestReplica
    let bob: TestReplica
    let carol: TestReplica

    init() throws {
        folder = try TemporaryDirectory()
        alice = try TestReplica("alice", in: folder, clock: clock.read)
        bob = try TestReplica("bob", in: folder, clock: clock.read)
        carol = try TestReplica("carol", in: folder, clock: clock.read)
    }

    static func annotate(_ replica: TestReplica, _ quote: String, note: String? = nil) throws -> Annotation {
        try replica.database.annotate(AnnotationDraft(article: try replica.articleIDs[1], quote: quote, note: note))
    }

    @Test("Two replicas converge through a hub, and a later sync moves only the new changes", arguments: HubKind.all)
    func twoReplicas(kind: HubKind) async throws {
        let (alice, bob, clock) = (self.alice, self.bob, self.clock)
        try await TestHub.with(kind, in: folder, clock: clock.read) { hub in
            let (aliceToken, bobToken) = (try await hub.token("alice"), try await hub.token("bob"))
            let shared = try Self.annotate(alice, "3.2% pay offer", note: "alice's")
            _ = try Self.annotate(bob, "main gate", note: "bob's")
            let first = try await alice.sync(with: hub, token: aliceToken)
            #expect(first.server == "hub" && first.pushed.applied > 0)
            try await bob.sync(with: hub, token: bobToken)
            try await alice.sync(with: hub, token: aliceToken)
            #expect(try alice.snapshot() == bob.snapshot())
            #expect(try bob.database.annotations(AnnotationFilter()).count == 2)

            clock.advance(1)
            try alice.database.editAnnotation(shared.id, AnnotationChanges(note: "edited by alice"))
            try bob.database.editAnnotation(shared.id, AnnotationChanges(addTags: ["checked"]))
            let pushed = try await alice.sync(with: hub, token: aliceToken)
            #expect(pushed.pulled.changes == 0 && pushed.pushed.changes == 1)
            let second = try await bob.sync(with: hub, token: bobToken)
            #expect(second.pulled.changes == 1 && second.pushed.changes == 1)
            try await alice.sync(with: hub, token: aliceToken)
            #expect(try alice.snapshot() == bob.snapshot())
            let merged = try alice.database.annotation(shared.id)
            #expect(merged.note == "edited by alice" && merged.tags == ["checked"])

            let idle = try await bob.sync(with: hub, token: bobToken)
            #expect(idle.pulled.changes == 0 && idle.pushed.changes == 0)
        }
    }

    @Test("Three replicas syncing at once, in small pages, converge through a hub", arguments: HubKind.all)
    func threeReplicasAtOnce(kind: HubKind) async throws {
        let (alice, bob, carol) = (self.alice, self.bob, self.carol)
        try await TestHub.with(kind, in: folder, clock: clock.read, maxPageChanges: 4) { hub in
            let tokens = [try await hub.token("alice"), try await hub.token("bob"), try await hub.token("carol")]
            for index in 0..<6 {
                _ = try Self.annotate(
                    alice, ["3.2% pay offer", "main gate", "north gate"][index % 3], note: "a\(index)")
            }
            for index in 0..<5 {
                _ = try Self.annotate(bob, ["Dockworkers", "two vessels"][index % 2], note: "b\(index)")
            }
            for index in 0..<5 {
                _ = try Self.annotate(carol, ["harbour authority", "emergency cargo"][index % 2], note: "c\(index)")
            }
            let replicas = [alice, bob, carol]
            try await withThrowingTaskGroup(of: SyncReport.self) { group in
                for (replica, token) in zip(replicas, tokens) {
                    group.addTask { try await replica.sync(with: hub, token: token, pageLimit: 3) }
                }
                for try await report in group { #expect(report.pushed.pages > 1) }
            }
            for _ in 0..<2 {
                for (replica, token) in zip(replicas, tokens) { try await replica.sync(with: hub, token: token) }
            }
            let expected = try alice.snapshot()
            #expect(expected.annotations.count == 16)
            #expect(try bob.snapshot() == expected)
            #expect(try carol.snapshot() == expected)
        }
    }

    @Test(
        "A hub refuses a missing or wrong token with 401, and a damaged page with 400, applying nothing",
        arguments: HubKind.all)
    func refusals(kind: HubKind) async throws {
        let alice = self.alice
        try await TestHub.with(kind, in: folder, clock: clock.read) { hub in
            let token = try await hub.token("alice")
            _ = try Self.annotate(alice, "main gate", note: "kept out")
            let page = try alice.database.exportPage(excluding: Knowledge(), limit: 100, newsdbVersion: "test")
            let bytes = try ChangeFileWriter.encode(page)
            let none = try await request(hub.url + "/v1/sync/push", .POST, body: bytes)
            #expect(none.status == 401)
            let wrong = try await request(hub.url + "/v1/sync/push", .POST, token: token + "x", body: bytes)
            #expect(wrong.status == 401 && wrong.body.contains("not accepted"))
            var damaged = bytes
            damaged[damaged.count / 2] ^= 0x01
            let altered = try await request(hub.url + "/v1/sync/push", .POST, token: token, body: damaged)
            #expect(altered.status == 400 && altered.body.contains("SHA-256"))
            #expect(try await hub.store.replicaAndKnowledge().1.isEmpty)
            let accepted = try await request(hub.url + "/v1/sync/push", .POST, token: token, body: bytes)
            #expect(accepted.status == 200)
            #expect(try await hub.store.replicaAndKnowledge().1.total == Int64(page.changes.count))
        }
    }

    @Test(
        "The same page pushed many times at once, through two stores of one hub, is applied once",
        arguments: HubKind.all)
    func samePageAtOnce(kind: HubKind) async throws {
        for index in 0..<5 { _ = try Self.annotate(alice, ["main gate", "north gate"][index % 2], note: "n\(index)") }
        let page = try alice.database.exportPage(excluding: Knowledge(), limit: 1000, newsdbVersion: "test")
        let bytes = Data(try ChangeFileWriter.encode(page))
        let clock = self.clock
        try await TestHub.with(kind, in: folder, clock: clock.read) { hub in
            let second: any SyncStore
            switch hub.store {
            case let store as DatabaseSyncStore:
                second = DatabaseSyncStore(
                    try NewsDatabase.open(at: store.database.path, options: .init(backup: false, connections: .pool)))
                try await Self.pushConcurrently(bytes, [hub.store, second], expected: page.changes.count)
            case let store as PostgresHubStore:
                try await PostgresHubStore.withStore(
                    at: store.location, logger: TestPostgres.logger, clock: clock.read
                ) { other in
                    try await Self.pushConcurrently(bytes, [hub.store, other], expected: page.changes.count)
                }
            default: throw TestFailure("a store of another kind")
            }
            let pulled = try await hub.store.pullPage(excluding: Knowledge(), limit: 1000, newsdbVersion: "test")
            #expect(pulled.changes.count == page.changes.count)
            #expect(Set(pulled.changes.map(\.id)).count == page.changes.count)
        }
    }

    private static func pushConcurrently(_ bytes: Data, _ stores: [any SyncStore], expected: Int) async throws {
        let reports = try await withThrowingTaskGroup(of: ChangeSetReport.self) { group in
            for index in 0..<8 {
                let store = stores[index % stores.count]
                group.addTask {
                    try await store.pushPage(bytes, named: "page", maxChanges: 10_000, teammate: "alice").report
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(reports.map(\.applied).reduce(0, +) == expected)
        #expect(reports.map(\.duplicates).reduce(0, +) == expected * 7)
    }

    @Test(
        "An edit overwritten by a later one that saw it is dropped on the hub and covered, not sent",
        arguments: HubKind.all)
    func overwrittenDropped(kind: HubKind) async throws {
        let (alice, bob, clock) = (self.alice, self.bob, self.clock)
        try await TestHub.with(kind, in: folder, clock: clock.read) { hub in
            let (aliceToken, bobToken) = (try await hub.token("alice"), try await hub.token("bob"))
            let annotation = try Self.annotate(alice, "main gate", note: "first")
            try await alice.sync(with: hub, token: aliceToken)
            clock.advance(1)
            try alice.database.editAnnotation(annotation.id, AnnotationChanges(note: "second"))
            try await alice.sync(with: hub, token: aliceToken)
            clock.advance(1)
            try alice.database.editAnnotation(annotation.id, AnnotationChanges(note: "third"))
            try await alice.sync(with: hub, token: aliceToken)
            let (_, knowledge) = try await hub.store.replicaAndKnowledge()
            let page = try await hub.store.pullPage(excluding: Knowledge(), limit: 1000, newsdbVersion: "test")
            // The articles and the creation, and the last edit only: the edit it overwrote is covered, not sent.
            #expect(page.isLast && page.changes.count == knowledge.total - 1)
            #expect(page.header.covers == knowledge)
            try await bob.sync(with: hub, token: bobToken)
            #expect(try bob.database.annotation(annotation.id).note == "third")
            #expect(try bob.snapshot() == alice.snapshot())
        }
    }

    @Test(
        "Pulls one change at a time get every change once, and the last page covers the dropped ones",
        arguments: HubKind.all)
    func smallPages(kind: HubKind) async throws {
        let (alice, bob) = (self.alice, self.bob)
        try await TestHub.with(kind, in: folder, clock: clock.read) { hub in
            let (aliceToken, bobToken) = (try await hub.token("alice"), try await hub.token("bob"))
            for index in 0..<12 {
                _ = try Self.annotate(alice, ["main gate", "north gate"][index % 2], note: "n\(index)")
            }
            try await alice.sync(with: hub, token: aliceToken)
            var known = Knowledge()
            var seen: [ChangeID] = []
            var pages = 0
            while true {
                let page = try await hub.store.pullPage(excluding: known, limit: 1, newsdbVersion: "test")
                #expect(page.changes.count <= 1)
                seen += page.changes.map(\.id)
                known = known.union(page.header.covers)
                pages += 1
                if page.isLast { break }
                #expect(pages < 100)
            }
            #expect(Set(seen).count == seen.count)
            #expect(known == (try await hub.store.replicaAndKnowledge().1))
            let report = try await bob.sync(with: hub, token: bobToken, pageLimit: 5)
            #expect(report.pulled.changes == seen.count && report.pulled.pages == (seen.count + 4) / 5)
            #expect(try bob.snapshot() == alice.snapshot())
        }
    }

    @Test(
        "Text goes through a hub byte for byte: composed and decomposed accents, emoji, control characters",
        arguments: HubKind.all)
    func textByteForByte(kind: HubKind) async throws {
        let (alice, bob) = (self.alice, self.bob)
        let notes = [
            "caf\u{E9} and cafe\u{301}", "\u{1F9D1}\u{200D}\u{1F4BB} \u{05E9}\u{05DC}\u{05D5}\u{05DD}",
            "tab\tline\nreturn\r\nend", "quote \" backslash \\ bell \u{7} escape \u{1B}",
        ]
        try await TestHub.with(kind, in: folder, clock: clock.read) { hub in
            let (aliceToken, bobToken) = (try await hub.token("alice"), try await hub.token("bob"))
            var made: [Annotation] = []
            for (index, note) in notes.enumerated() {
                made.append(
                    try alice.database.annotate(
                        AnnotationDraft(
                            article: try alice.articleIDs[1], quote: ["main gate", "north gate"][index % 2],
                            note: note, tags: ["\u{C4}rger", "Zebra", "apple"])))
            }
            try await alice.sync(with: hub, token: aliceToken)
            try await bob.sync(with: hub, token: bobToken)
            for annotation in made {
                let received = try bob.database.annotation(annotation.id)
                #expect(Array((received.note ?? "").utf8) == Array((annotation.note ?? "").utf8))
                #expect(received.tags.map { Array($0.utf8) } == annotation.tags.map { Array($0.utf8) })
            }
        }
    }
}
