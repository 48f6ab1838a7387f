import Foundation
import Testing

@Suite struct CloneCommandTests {
    let scratch: TemporaryDirectory
    let alice: CLIRunner
    let strike: String

    init() throws {
        let team = try Teammates()
        (scratch, alice, strike) = (team.scratch, team.alice, team.strike)
        _ = try alice.run("annotate", strike, "--quote", "3.2% pay offer", "--note", "Check the figure", "--tag", "pay")
    }

    @Test("sync export --snapshot and clone FILE make a new replica holding the same annotations")
    func cloneFile() throws {
        let snapshot = scratch.path("alice.snapshot")
        let export = try alice.run("sync", "export", "--snapshot", "--out", snapshot)
        #expect(export.status == 0 && export.stdout.hasPrefix("wrote a snapshot of alice to \(snapshot)"))
        let erin = CLIRunner(database: scratch.path("erin.sqlite"))
        let cloned = try erin.run("clone", snapshot, "--name", "erin")
        #expect(cloned.status == 0 && cloned.stderr.isEmpty)
        #expect(cloned.stdout.hasPrefix("cloned alice ("))
        #expect(cloned.stdout.contains("1 annotation, ") && cloned.stdout.contains("replica erin ("))
        #expect(try erin.run("annotations", strike).stdout.contains("Check the figure"))
        #expect(try erin.run("peers").stdout.hasPrefix("alice ("))
        // Nothing to send to alice, who has all of it.
        let out = scratch.path("erin.json")
        #expect(try erin.run("sync", "export", "--for", "alice", "--out", out).stdout.hasPrefix("wrote 0 changes"))
        let json = try erin.run("status", "--json")
        #expect(json.stdout.contains("\"erin\""))
    }

    @Test("clone refuses a database that exists, a damaged snapshot, and a token without a URL, in one line")
    func refusals() throws {
        let snapshot = scratch.path("alice.snapshot")
        _ = try alice.run("sync", "export", "--snapshot", "--out", snapshot)
        let before = try Data(contentsOf: URL(fileURLWithPath: alice.database))
        let over = try alice.run("clone", snapshot)
        #expect(
            over.status == 1
                && over.stderrLines == [
                    "newsdb: \(alice.database) exists and is not empty; a clone makes a new database: give another --db"
                ])
        #expect(try Data(contentsOf: URL(fileURLWithPath: alice.database)) == before)

        var bytes = try Data(contentsOf: URL(fileURLWithPath: snapshot))
        bytes[bytes.count / 2] ^= 0xff
        let damaged = try scratch.write("damaged.snapshot", bytes)
        let erin = CLIRunner(database: scratch.path("erin.sqlite"))
        let refused = try erin.run("clone", damaged)
        #expect(refused.status == 1 && refused.stderrLines.count == 1)
        #expect(refused.stderr.contains("its SHA-256 does not match its content"))
        #expect(!FileManager.default.fileExists(atPath: erin.database))
        #expect(!FileManager.default.fileExists(atPath: erin.database + ".partial"))

        #expect(try erin.run("clone", snapshot, "--token", "t").status == 64)
        #expect(try erin.run("clone", "http://127.0.0.1:9").stderr.contains("needs --token"))
        #expect(try alice.run("sync", "export", "--snapshot", "--for", "bob", "--out", "x").status == 64)
        let nothing = try erin.run("clone", "no-such-server")
        #expect(nothing.status == 64 && nothing.stderr.contains("no such file: no-such-server"))
    }

    @Test("clone URL streams from `newsdb serve` and stores the server; clone NAME clones a stored server anew")
    func cloneServer() throws {
        let token = try alice.run("tokens", "create", "erin").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let server = try ServerProcess(database: alice.database)
        defer { _ = server.stop() }
        let url = "http://127.0.0.1:\(server.port)"
        let erin = CLIRunner(database: scratch.path("erin.sqlite"))
        let cloned = try erin.run("clone", url, "--token", token, "--name", "erin")
        #expect(cloned.status == 0 && cloned.stdout.contains("stored the server as alice"))
        let synced = try erin.run("sync", "alice")
        #expect(synced.status == 0 && synced.stdout.hasPrefix("pulled 0 changes from alice"))

        // From erin's database (the usual one), a second database cloned from the server she syncs with.
        let second = scratch.path("second.sqlite")
        let again = try erin.run("clone", "alice", "--db", second)
        #expect(again.status == 0 && again.stdout.contains("stored the server as alice"))
        #expect(try CLIRunner(database: second).run("annotations", strike).stdout.contains("Check the figure"))
        let wrong = try CLIRunner(database: scratch.path("third.sqlite")).run("clone", url, "--token", "ndb_wrong")
        #expect(wrong.status == 1 && wrong.stderr.contains("refused the token (401)"))
        #expect(!FileManager.default.fileExists(atPath: scratch.path("third.sqlite")))
    }
}
