import Foundation
import Hub
import Store
import Testing

/// A hub process (`newsdb serve --store`) killed while a large push is being applied, against a database of its own
/// on the test PostgreSQL server (``TestPostgres``): the hub keeps nothing of the page, and the client's next sync,
/// with another hub process, leaves it holding every change of the page exactly once.
@Suite(.serialized) struct HubFaultTests {
    @Test(
        "A hub killed inside a large push's transaction keeps none of it; the next sync pushes it whole, once",
        .enabled(if: TestPostgres.isEnabled))
    func killedInsidePush() async throws {
        let team = try Teammates()
        let (alice, bob) = (team.alice, team.bob)
        let total = try bulkAnnotations(team)
        try await TestPostgres.withDatabase { location in
            let store = try migratedHub(location, alice)
            let aliceToken = try token("alice", store, alice)
            let bobToken = try token("bob", store, alice)
            let dying = try ServerProcess(
                database: alice.database, arguments: ["--store", store], environment: ["NEWSDB_FAULT": "hub-push:1"])
            let cut = try alice.run("sync", dying.url, "--token", aliceToken)
            #expect(cut.status == 1 && cut.stderrLines.count == 1, "\(cut.stderr)")
            let ended = dying.waitUntilExit()
            #expect(ended.signaled && ended.status == SIGKILL, "the hub was not stopped inside the push")
            let after = try await contents(location)
            #expect(after.ids.isEmpty && after.knowledge.total == 0, "a push cut short left \(after.ids.count) changes")

            let server = try ServerProcess(database: alice.database, arguments: ["--store", store])
            let again = try alice.run("sync", server.url, "--token", aliceToken)
            #expect(again.status == 0 && again.stdout.contains("pushed \(total) changes"), "\(again.stderr)")
            try await expectHeldOnce(location, total: total)
            let pulled = try bob.run("sync", server.url, "--token", bobToken)
            #expect(pulled.status == 0 && pulled.stdout.contains("pulled \(total) changes"), "\(pulled.stdout)")
            #expect(try bob.run("sync", server.url, "--token", bobToken).stdout.contains("pulled 0 changes"))
            #expect(server.stop() == 0)
        }
    }

    @Test(
        "A hub SIGKILLed at moments spread over a large push holds all of the page or none; the next sync completes it",
        .enabled(if: TestPostgres.isEnabled))
    func killedDuringPush() async throws {
        let team = try Teammates()
        let alice = team.alice
        let total = try bulkAnnotations(team)
        try await TestPostgres.withDatabase { location in
            let store = try migratedHub(location, alice)
            let aliceToken = try token("alice", store, alice)
            // How long the whole push takes, on a hub of its own, so that the kills fall while it is in flight.
            let timing = try await TestPostgres.withDatabase { other in
                let otherStore = try migratedHub(other, alice)
                let otherToken = try token("alice", otherStore, alice)
                let server = try ServerProcess(database: alice.database, arguments: ["--store", otherStore])
                let start = Date()
                let whole = try alice.run("sync", server.url, "--token", otherToken)
                #expect(whole.status == 0, "\(whole.stderr)")
                #expect(server.stop() == 0)
                return Date().timeIntervalSince(start)
            }
            for fraction in [0.3, 0.6, 0.9] {
                let server = try ServerProcess(database: alice.database, arguments: ["--store", store])
                let sync = try BackgroundCommand(alice, ["sync", server.url, "--token", aliceToken])
                try await Task.sleep(for: .seconds(timing * fraction))
                server.stop(SIGKILL)
                _ = sync.wait()
                let held = try await contents(location)
                #expect(
                    held.ids.isEmpty || held.ids.count == total,
                    "killed at \(Int(fraction * 100))%: the hub holds \(held.ids.count) of \(total) changes")
                #expect(Set(held.ids).count == held.ids.count && Int(held.knowledge.total) == held.ids.count)
            }
            let server = try ServerProcess(database: alice.database, arguments: ["--store", store])
            let again = try alice.run("sync", server.url, "--token", aliceToken)
            #expect(again.status == 0, "\(again.stderr)")
            try await expectHeldOnce(location, total: total)
            #expect(server.stop() == 0)
        }
    }

    /// Gives alice 3,000 annotations (one page of a push with the sample articles), and returns how many changes
    /// she has in all.
    private func bulkAnnotations(_ team: Teammates) throws -> Int {
        let lines = (0..<3_000).map {
            #"{"article": "\#(team.strike)", "quote": "3.2% pay offer", "note": "note \#($0)", "tags": ["t\#($0 % 7)"]}"#
        }
        let file = try team.scratch.write("bulk.jsonl", lines.joined(separator: "\n") + "\n")
        #expect(try team.alice.run("annotations", "import", file).status == 0)
        let export = try team.alice.run("sync", "export", "--out", team.scratch.path("all.json"))
        let words = export.stdout.split(separator: " ")
        guard words.count > 2, let total = Int(words[1]) else {
            throw CLIRunnerFailure("sync export said \(export.stdout)")
        }
        return total
    }

    private func migratedHub(_ location: HubLocation, _ alice: CLIRunner) throws -> String {
        let store = "host=\(location.host) port=\(location.port) user=\(location.user) dbname=\(location.database)"
        let migrated = try alice.run("hub", "migrate", "--store", store, "--name", "newsroom")
        #expect(migrated.status == 0, "\(migrated.stderr)")
        return store
    }

    private func token(_ name: String, _ store: String, _ alice: CLIRunner) throws -> String {
        try alice.run("hub", "tokens", "create", name, "--store", store).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Every change the hub holds, read page by page as a new replica pulls them, and what it says it has.
    private func contents(_ location: HubLocation) async throws -> (ids: [ChangeID], knowledge: Knowledge) {
        try await PostgresHubStore.withStore(at: location, logger: TestPostgres.logger) { store in
            var ids: [ChangeID] = []
            var asked = Knowledge()
            while true {
                let page = try await store.pullPage(excluding: asked, limit: 10_000, newsdbVersion: "test")
                ids += page.changes.map(\.id)
                asked = asked.union(page.header.covers)
                if page.isLast { return (ids, try await store.knowledge()) }
            }
        }
    }

    private func expectHeldOnce(_ location: HubLocation, total: Int) async throws {
        let held = try await contents(location)
        #expect(held.ids.count == total && Set(held.ids).count == total, "the hub holds \(held.ids.count) of \(total)")
        #expect(Int(held.knowledge.total) == total)
    }
}
