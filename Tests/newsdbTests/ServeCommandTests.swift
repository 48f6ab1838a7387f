import Foundation
import Testing

@Suite(.serialized) struct ServeCommandTests {
    let scratch: TemporaryDirectory
    let alice: CLIRunner
    let bob: CLIRunner
    let strike: String

    init() throws {
        let team = try Teammates()
        (scratch, alice, bob, strike) = (team.scratch, team.alice, team.bob, team.strike)
    }

    /// Points `runner`'s server `name` at `server`: a restarted server listens on a port of its own, since the port
    /// of a killed one may have been taken by then.
    func repoint(_ runner: CLIRunner, _ name: String, at server: ServerProcess, token: String) throws {
        #expect(try runner.run("peers", "remove", name).status == 0)
        #expect(try runner.run("peers", "add", name, server.url, "--token", token).status == 0)
    }

    /// Gives `runner` `count` annotations in one import.
    func annotations(_ runner: CLIRunner, _ count: Int, note: String) throws {
        let lines = (0..<count).map {
            #"{"article": "\#(strike)", "quote": "3.2% pay offer", "note": "\#(note) \#($0)"}"#
        }
        let file = try scratch.write("\(note).jsonl", lines.joined(separator: "\n") + "\n")
        #expect(try runner.run("annotations", "import", file).status == 0)
    }

    @Test("tokens, peers add and sync NAME from the command line; status then shows nothing missing either way")
    func commandLine() throws {
        let created = try alice.run("tokens", "create", "bob")
        let token = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(created.status == 0 && token.hasPrefix("ndb_") && created.stderr.contains("shown once"))
        #expect(try alice.run("tokens").stdout.contains("bob"))
        #expect(
            try alice.run("tokens", "create", "bob").stderr
                == "newsdb: bob already has a token; revoke it first (`newsdb tokens revoke bob`)\n")
        let server = try ServerProcess(database: alice.database)
        _ = try alice.run("annotate", strike, "--quote", "3.2% pay offer", "--note", "from alice")
        _ = try bob.run("import", samplesFolder)
        #expect(
            try bob.run(["peers", "add", "alice", server.url, "--token", "-"], stdin: Data((token + "\n").utf8)).status
                == 0)
        let synced = try bob.run("sync", "alice")
        #expect(synced.status == 0)
        #expect(synced.stdout.contains("pulled ") && synced.stdout.contains(" from alice (\(server.url))"))
        #expect(try bob.run("annotations", strike).stdout.contains("from alice"))
        #expect(try bob.run("status").stdout.contains("alice: 0 of our changes not yet received"))
        #expect(try alice.run("status").stdout.contains("bob: 0 of our changes not yet received"))
        let listing = try bob.run("peers", "--json")
        let peers = try #require(try JSONSerialization.jsonObject(with: Data(listing.stdout.utf8)) as? [[String: Any]])
        #expect((peers.first?["server"] as? [String: Any])?["url"] as? String == server.url)
        let servers = try bob.run("peers", "servers", "--json")
        #expect(
            servers.stdout.contains(server.url) && !servers.stdout.contains(token) && !listing.stdout.contains(token))
        #expect(server.stderr.contains("GET /v1/sync 200") && !server.stderr.contains(token))

        #expect(try alice.run("tokens", "revoke", "bob").status == 0)
        let refused = try bob.run("sync", "alice")
        #expect(refused.status == 1 && refused.stderrLines.count == 1)
        #expect(refused.stderr.contains("refused the token (401)"))
        #expect(server.stop(SIGTERM) == 0)
        let down = try bob.run("sync", "alice")
        #expect(down.status == 1 && down.stderr.contains("connection refused"))
    }

    @Test("Listening beyond loopback with no token is refused with one line")
    func refusesOpenServerWithoutTokens() throws {
        let refused = try alice.run("serve", "--host", "0.0.0.0", "--port", "0")
        #expect(refused.status == 1)
        #expect(
            refused.stderr
                == "newsdb: refusing to listen on 0.0.0.0 while no teammate has a token; make one with `newsdb tokens create NAME`\n"
        )
    }

    @Test(
        "A server killed mid-sync, then a client killed mid-sync: nothing is lost, and the next sync sends only the rest"
    )
    func killedMidSync() throws {
        try annotations(alice, 3_000, note: "alice")
        let token = try alice.run("tokens", "create", "bob").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        // Pages of 25 changes: some 120 pages, so that each kill lands well before the end.
        var server = try ServerProcess(database: alice.database, arguments: ["--max-page", "25"])
        #expect(try bob.run("peers", "add", "alice", server.url, "--token", token).status == 0)

        let first = try BackgroundCommand(bob, ["sync", "alice"])
        #expect(server.waitFor(5, linesContaining: "POST /v1/sync/pull 200"))
        server.stop(SIGKILL)
        let cut = first.wait()
        #expect(cut.status == 1 && cut.stderr.split(separator: "\n").count == 1)
        #expect(try integrity(bob.database) == "ok")
        #expect(try bob.run("check").status == 0)
        let afterServerKill = try count(bob.database, "SELECT count(*) FROM annotations")
        #expect(afterServerKill >= 75 && afterServerKill < 3_000)

        server = try ServerProcess(database: alice.database, arguments: ["--max-page", "25"])
        try repoint(bob, "alice", at: server, token: token)
        let second = try BackgroundCommand(bob, ["sync", "alice"])
        #expect(server.waitFor(3, linesContaining: "POST /v1/sync/pull 200"))
        second.kill(SIGKILL)
        _ = second.wait()
        #expect(try integrity(bob.database) == "ok")
        #expect(try bob.run("check").status == 0)
        let afterClientKill = try count(bob.database, "SELECT count(*) FROM annotations")
        #expect(afterClientKill >= afterServerKill && afterClientKill < 3_000)

        let last = try bob.run("sync", "alice", "--json")
        #expect(last.status == 0)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(last.stdout.utf8)) as? [String: Any])
        let pulled = try #require(report["pulled"] as? [String: Any])
        #expect(pulled["duplicates"] as? Int == 0)
        #expect(pulled["changes"] as? Int == 3_000 - afterClientKill)
        #expect(try count(bob.database, "SELECT count(*) FROM annotations") == 3_000)
        #expect(try count(bob.database, "SELECT count(*) FROM pending_changes") == 0)
        #expect(try bob.run("check").status == 0 && alice.run("check").status == 0)
        server.stop()
    }

    @Test(
        "SIGTERM mid-push: the server finishes the page it is applying, exits 0, and the next sync completes the rest")
    func gracefulStopMidPush() throws {
        let token = try alice.run("tokens", "create", "bob").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        var server = try ServerProcess(database: alice.database, arguments: ["--max-page", "25"])
        _ = try bob.run("import", samplesFolder)
        try annotations(bob, 2_000, note: "bob")
        #expect(try bob.run("peers", "add", "alice", server.url, "--token", token).status == 0)
        let push = try BackgroundCommand(bob, ["sync", "alice"])
        #expect(server.waitFor(3, linesContaining: "POST /v1/sync/push 200"))
        #expect(server.stop(SIGTERM) == 0)
        let cut = push.wait()
        #expect(cut.status == 1 && cut.stderr.split(separator: "\n").count == 1)
        #expect(try alice.run("check").status == 0)
        #expect(try count(alice.database, "SELECT count(*) FROM annotations") < 2_000)
        server = try ServerProcess(database: alice.database)
        try repoint(bob, "alice", at: server, token: token)
        #expect(try bob.run("sync", "alice").status == 0)
        #expect(try count(alice.database, "SELECT count(*) FROM annotations") == 2_000)
        #expect(try alice.run("check").status == 0)
        server.stop()
    }

    @Test("The command line writes to the served database while a push is applied: no 'database is locked'")
    func writesWhileServing() throws {
        let token = try alice.run("tokens", "create", "bob").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let server = try ServerProcess(database: alice.database, arguments: ["--max-page", "50"])
        _ = try bob.run("import", samplesFolder)
        try annotations(bob, 2_000, note: "bob")
        #expect(try bob.run("peers", "add", "alice", server.url, "--token", token).status == 0)
        let push = try BackgroundCommand(bob, ["sync", "alice"])
        #expect(server.waitFor(1, linesContaining: "POST /v1/sync/push 200"))
        var overlapped = false
        for index in 0..<10 {
            let made = try alice.run(
                "annotate", strike, "--quote", "3.2% pay offer", "--note", "while serving \(index)")
            #expect(made.status == 0, "\(made.stderr)")
            if index == 0 { overlapped = push.isRunning }
        }
        #expect(overlapped, "the push ended before the first command-line write")
        let pushed = push.wait()
        #expect(pushed.status == 0, "\(pushed.stderr)")
        #expect(try bob.run("sync", "alice").status == 0)
        #expect(try count(alice.database, "SELECT count(*) FROM annotations") == 2_010)
        #expect(try count(bob.database, "SELECT count(*) FROM annotations") == 2_010)
        server.stop()
    }
}
