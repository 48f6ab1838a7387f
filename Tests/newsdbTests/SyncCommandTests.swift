import Foundation
import Testing

@Suite struct SyncCommandTests {
    let scratch: TemporaryDirectory
    let alice: CLIRunner
    let bob: CLIRunner
    let strike: String

    init() throws {
        let team = try Teammates()
        (scratch, alice, bob, strike) = (team.scratch, team.alice, team.bob, team.strike)
    }

    @Test("Two teammates exchange files: articles and annotations travel, a conflict is listed, resolved and synced")
    func roundTrip() throws {
        let made = try alice.run("annotate", strike, "--quote", "3.2% pay offer", "--note", "Check the figure")
        let id = String(made.stdout.split(separator: " ")[1])
        let out = scratch.path("alice-1.json")
        let export = try alice.run("sync", "export", "--out", out)
        #expect(export.status == 0 && export.stdout.hasPrefix("wrote "))
        let applied = try bob.run("sync", "import", out)
        #expect(applied.status == 0 && applied.stdout.contains("from alice"))
        #expect(try bob.run("annotations", strike).stdout.contains("Check the figure"))
        #expect(try bob.run("peers").stdout.contains("alice"))

        _ = try bob.run("annotations", "edit", id, "--note", "Bob: the union says 3%")
        _ = try alice.run("annotations", "edit", id, "--note", "Alice: the operator says 3.2%")
        let back = scratch.path("bob-1.json")
        #expect(try bob.run("sync", "export", "--for", "alice", "--out", back).status == 0)
        #expect(try alice.run("sync", "import", back).stderr.contains("1 conflict"))
        let listed = try alice.run("conflicts", "--json")
        let conflicts = try #require(
            try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        #expect(conflicts.count == 1)
        let conflict = try #require(conflicts.first?["id"] as? String)
        #expect(try alice.run("resolve", conflict, "--note", "3.2% offered, union says 3%").status == 0)
        #expect(try alice.run("conflicts").stdout == "no conflicts\n")
        let again = scratch.path("alice-2.json")
        _ = try alice.run("sync", "export", "--for", "bob", "--out", again)
        _ = try bob.run("sync", "import", again)
        #expect(try bob.run("annotations", strike).stdout.contains("3.2% offered, union says 3%"))
        // Alice learns what Bob has from Bob's files: until the next one, her later changes count as not received.
        #expect(!(try alice.run("status").stdout.contains("bob: 0 of our changes not yet received")))
        let reply = scratch.path("bob-2.json")
        _ = try bob.run("sync", "export", "--for", "alice", "--out", reply)
        _ = try alice.run("sync", "import", reply)
        #expect(try alice.run("status").stdout.contains("bob: 0 of our changes not yet received"))
    }

    @Test("A deletion against a teammate's note and tag: `resolve --keep other` restores both, and the choice syncs")
    func deletionAgainstTwoEdits() throws {
        let made = try alice.run("annotate", strike, "--quote", "3.2% pay offer", "--note", "Check the figure")
        let id = String(made.stdout.split(separator: " ")[1])
        let first = scratch.path("alice-1.json")
        _ = try alice.run("sync", "export", "--out", first)
        _ = try bob.run("sync", "import", first)
        #expect(try alice.run("annotations", "delete", id).status == 0)
        #expect(
            try bob.run("annotations", "edit", id, "--note", "Bob: the union says 3%", "--add-tag", "pay").status == 0)
        let back = scratch.path("bob-1.json")
        _ = try bob.run("sync", "export", "--for", "alice", "--out", back)
        _ = try alice.run("sync", "import", back)
        let listed = try alice.run("conflicts").stdout
        #expect(
            listed.contains("  1 winner  deleted") && listed.contains("  2 other ") && listed.contains("  3 other "))
        let edit = try alice.run("annotations", "edit", id, "--color", "blue")
        #expect(edit.status == 1 && edit.stderr.contains("`newsdb resolve \(id)/deleted --keep other` restores it"))
        let unknown = try alice.run("resolve", id, "--keep", "9")
        #expect(unknown.status == 1 && unknown.stderr.contains("no value 9"))
        let resolved = try alice.run("resolve", id, "--keep", "other")
        #expect(resolved.status == 0 && resolved.stdout == "resolved \(id)\n")
        let shown = try alice.run("annotations", "show", id).stdout
        #expect(shown.contains("Bob: the union says 3%") && shown.contains("#pay"))
        let again = scratch.path("alice-2.json")
        _ = try alice.run("sync", "export", "--for", "bob", "--out", again)
        _ = try bob.run("sync", "import", again)
        #expect(try bob.run("conflicts").stdout == "no conflicts\n")
        #expect(try bob.run("annotations", strike).stdout.contains("Bob: the union says 3%"))
    }

    @Test("A file from an unrelated database: `sync import`, `status` and `check` say what waits, and for what")
    func waitingNamed() throws {
        let carol = CLIRunner(database: scratch.path("carol.sqlite"))
        _ = try carol.run("init", "--name", "carol")
        let made = try alice.run("annotate", strike, "--quote", "3.2% pay offer")
        let id = String(made.stdout.split(separator: " ")[1])
        let full = scratch.path("alice.json")
        _ = try alice.run("sync", "export", "--out", full)
        _ = try carol.run("sync", "import", full)
        _ = try carol.run("annotations", "edit", id, "--note", "carol's note")
        let edit = scratch.path("carol.json")
        _ = try carol.run("sync", "export", "--for", "alice", "--out", edit)
        // Bob never had the annotation: the edit waits for it.
        let imported = try bob.run("sync", "import", edit)
        #expect(imported.status == 0 && imported.stdout.contains("0 applied, 1 waiting"))
        let line = "1 change by carol waits for annotation \(id), not received yet"
        #expect(imported.stderr.contains("newsdb: " + line))
        #expect(try bob.run("status").stdout.contains("waiting   " + line))
        let status = try #require(
            try JSONSerialization.jsonObject(with: Data(bob.run("status", "--json").stdout.utf8)) as? [String: Any])
        let waiting = try #require(status["waiting"] as? [[String: Any]])
        #expect(
            waiting.count == 1 && waiting.first?["need"] as? String == "annotation"
                && waiting.first?["changes"] as? Int == 1)
        let check = try bob.run("check")
        #expect(check.status == 0 && check.stdout.contains("waiting: " + line))
        // The annotation arrives: nothing waits any more.
        _ = try bob.run("sync", "import", full)
        #expect(!(try bob.run("status").stdout.contains("waiting")))
        #expect(!(try bob.run("check").stdout.contains("waiting")))
    }

    @Test("A damaged file is one line on stderr, exit 1, and the database is unchanged")
    func damagedFile() throws {
        let out = scratch.path("alice.json")
        _ = try alice.run("sync", "export", "--out", out)
        _ = try bob.run("status")
        var data = try Data(contentsOf: URL(fileURLWithPath: out))
        data[data.count / 2] ^= 0x01
        let bad = try scratch.write("bad.json", data)
        let before = databaseBytes(bob.database)
        let result = try bob.run("sync", "import", bad)
        #expect(result.status == 1)
        #expect(result.stderrLines.count == 1 && result.stderr.contains("damaged"))
        #expect(databaseBytes(bob.database) == before)
    }

    @Test("Exporting for an unknown peer, or resolving without a choice, is refused with one line")
    func refusals() throws {
        let unknown = try alice.run("sync", "export", "--for", "carol", "--out", scratch.path("x.json"))
        #expect(unknown.status == 1 && unknown.stderr.contains("no peer is called 'carol'"))
        #expect(!FileManager.default.fileExists(atPath: scratch.path("x.json")))
        let usage = try alice.run("resolve", "abcd1234")
        #expect(usage.status == 64 && usage.stderrLines.count == 1)
    }

    // Copies and backups (docs/SYNC.md, "Copies and backups").

    @Test(
        "cp x x2; init --name on x2: the copy says it became a new replica, and both copies' annotations reach a third")
    func copiedDatabase() throws {
        let copy = CLIRunner(database: scratch.path("alice2.sqlite"))
        try FileManager.default.copyItem(atPath: alice.database, toPath: copy.database)
        let renamed = try copy.run("init", "--name", "alice2")
        #expect(renamed.status == 0)
        #expect(renamed.stderrLines.count == 1 && renamed.stderr.contains("is a copy of replica alice's database"))
        #expect(try copy.run("status").stderr.isEmpty)
        _ = try alice.run("annotate", strike, "--quote", "3.2% pay offer", "--note", "from the original")
        _ = try copy.run("annotate", strike, "--quote", "main gate", "--occurrence", "1", "--note", "from the copy")
        for (runner, file) in [(alice, "a.json"), (copy, "a2.json")] {
            #expect(try runner.run("sync", "export", "--out", scratch.path(file)).status == 0)
            #expect(try bob.run("sync", "import", scratch.path(file)).status == 0)
        }
        let listed = try bob.run("annotations", strike).stdout
        #expect(listed.contains("from the original") && listed.contains("from the copy"))
    }

    @Test("init --new-replica gives a new id and says whose the earlier changes stay; --json too")
    func newReplica() throws {
        let before = try alice.run("status", "--json").stdout
        let made = try alice.run("init", "--new-replica", "--name", "alice-laptop2")
        #expect(made.status == 0)
        #expect(made.stdout.hasPrefix("replica alice-laptop2 (") && made.stdout.contains("stay those of alice ("))
        let json = try alice.run("init", "--new-replica", "--json")
        let fork = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(fork["reason"] as? String == "requested")
        #expect((fork["previous"] as? [String: Any])?["name"] as? String == "alice-laptop2")
        #expect(try alice.run("status", "--json").stdout != before)
        #expect(try alice.run("check").status == 0)
    }

    @Test(
        "restore puts a backup back as a new replica; an existing database or a file that is no database is refused and nothing is written"
    )
    func restore() throws {
        let backup = scratch.path("alice.bak")
        try FileManager.default.copyItem(atPath: alice.database, toPath: backup)
        let restored = CLIRunner(database: scratch.path("restored.sqlite"))
        let result = try restored.run("restore", backup)
        #expect(result.status == 0 && result.stdout.hasPrefix("restored \(backup) to \(restored.database)\n"))
        #expect(result.stdout.contains("a new replica"))
        #expect(try restored.run("check").status == 0)

        let bytes = databaseBytes(alice.database)
        let refused = try alice.run("restore", backup)
        #expect(refused.status == 1 && refused.stderrLines.count == 1 && refused.stderr.contains("exists"))
        #expect(databaseBytes(alice.database) == bytes)
        let notDatabase = try scratch.write("notes.txt", "not a database\n")
        let target = CLIRunner(database: scratch.path("never.sqlite"))
        let bad = try target.run("restore", notDatabase)
        #expect(bad.status == 1 && bad.stderrLines.count == 1)
        #expect(!FileManager.default.fileExists(atPath: target.database))
    }
}
