import Foundation
import Hub
import Testing

/// `newsdb hub …` and `newsdb serve --store` as a person runs them, against a database of their own on the test
/// PostgreSQL server (``TestPostgres``).
@Suite(.serialized) struct HubCommandTests {
    @Test(
        "hub migrate, status and tokens, then serve --store: two teammates converge through the hub",
        .enabled(if: TestPostgres.isEnabled))
    func endToEnd() async throws {
        let team = try Teammates()
        let (alice, bob, strike) = (team.alice, team.bob, team.strike)
        try await TestPostgres.withDatabase { location in
            let store = "host=\(location.host) port=\(location.port) user=\(location.user) dbname=\(location.database)"
            let before = try alice.run("hub", "status", "--store", store)
            #expect(before.status == 0 && before.stdout.contains("hub schema 0") && before.stdout.contains("pending"))
            let refused = try alice.run("serve", "--store", store, "--port", "0")
            #expect(refused.status == 1 && refused.stderr.contains("run `newsdb hub migrate --store …` first"))
            let migrated = try alice.run("hub", "migrate", "--store", store, "--name", "newsroom")
            #expect(migrated.status == 0 && migrated.stdout.contains("applied 0001_create_hub.sql"))
            #expect(try alice.run("hub", "migrate", "--store", store).stdout.contains("is up to date (hub schema 1)"))
            let aliceToken = try alice.run("hub", "tokens", "create", "alice", "--store", store).stdout
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let bobToken = try alice.run("hub", "tokens", "create", "bob", "--store", store).stdout
                .trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(aliceToken.hasPrefix("ndb_") && bobToken.hasPrefix("ndb_"))
            #expect(try alice.run("hub", "tokens", "--store", store).stdout.contains("bob"))

            let server = try ServerProcess(database: alice.database, arguments: ["--store", store])
            #expect(server.stderr.contains("serving the hub newsroom"))
            _ = try alice.run("annotate", strike, "--quote", "3.2% pay offer", "--note", "through the hub")
            #expect(try alice.run("peers", "add", "hub", server.url, "--token", aliceToken).status == 0)
            #expect(try bob.run("peers", "add", "hub", server.url, "--token", bobToken).status == 0)
            #expect(try alice.run("sync", "hub").status == 0)
            let pulled = try bob.run("sync", "hub")
            #expect(pulled.status == 0 && pulled.stdout.contains("from newsroom"))
            #expect(try bob.run("annotations", strike).stdout.contains("through the hub"))
            let status = try alice.run("hub", "status", "--store", store, "--json")
            #expect(status.status == 0 && status.stdout.contains("\"name\" : \"newsroom\""))
            #expect(server.stop() == 0)
        }
    }

    @Test("A --store holding a password, or naming no database server, is one line and changes nothing")
    func badLocations() throws {
        let runner = try Teammates().alice
        let password = try runner.run("hub", "status", "--store", "postgresql://hub:s3cret@/newsdb?host=/tmp")
        #expect(password.status == 64 && password.stderr.contains("must not hold a password"))
        #expect(!password.stderr.contains("s3cret") && password.stderr.split(separator: "\n").count == 1)
        let both = try runner.run("serve", "--db", runner.database, "--store", "host=/tmp dbname=x")
        #expect(both.status == 64 && both.stderr.contains("give --db or --store, not both"))
        let folder = try TemporaryDirectory()
        let nowhere = try runner.run("hub", "migrate", "--store", "host=\(folder.path("none")) dbname=x user=x")
        #expect(nowhere.status == 1 && nowhere.stderr.contains("cannot reach the hub's database"))
        #expect(nowhere.stderr.split(separator: "\n").count == 1)
    }
}
