import Foundation
import GRDB
import Store
import Testing

/// Kills the real binary with SIGKILL at moments spread over each long operation, then checks that the database is
/// whole (`newsdb check`), that the operation was applied wholly or not at all, and that running it again finishes
/// the job. NEWSDB_CRASH_RUNS sets the kills per operation (scripts/crash-test.sh runs many).
@Suite(.serialized) struct CrashSafetyTests {
    static let kills = Int(ProcessInfo.processInfo.environment["NEWSDB_CRASH_RUNS"] ?? "") ?? 3
    let team: Teammates
    var scratch: TemporaryDirectory { team.scratch }

    init() throws { team = try Teammates() }

    /// Copies a database file and its write-ahead log.
    func copy(_ source: String, to target: String) throws {
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: source + suffix) {
            try? FileManager.default.removeItem(atPath: target + suffix)
            try FileManager.default.copyItem(atPath: source + suffix, toPath: target + suffix)
        }
    }

    /// Runs `arguments` on copies of `base`: once whole, timed, then stopped at each named fault point (`faults`,
    /// `NEWSDB_FAULT` values, each with the state it must leave), then killed at moments spread over that time.
    /// After each stop `newsdb check` passes and `state` is `before` or `after` (or `partial` accepts it); run
    /// again, the command succeeds and `state` is `after`.
    func killRepeatedly(
        _ base: String, _ arguments: [String], state: (String) throws -> Int, expected after: Int,
        faults: [(point: String, leaves: (Int) -> Bool)] = [],
        partial: (String) throws -> Bool = { _ in false }
    ) throws {
        // `newsdb check` refuses a database that needs migrating: while one may, SQLite's own check stands in.
        let migrating = arguments == ["migrate"]
        let before = try state(base)
        let whole = scratch.path("whole.sqlite")
        try copy(base, to: whole)
        let start = Date()
        let run = try CLIRunner(database: whole).run(arguments)
        let duration = Date().timeIntervalSince(start)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try state(whole) == after)
        // Stopped where intended: the fault point kills the process itself, so a run ended by a signal was
        // interrupted there and nowhere else.
        for (index, fault) in faults.enumerated() {
            let target = scratch.path("fault-\(index).sqlite")
            try copy(base, to: target)
            let runner = CLIRunner(database: target)
            let stopped = try runner.run(arguments, environment: ["NEWSDB_FAULT": fault.point])
            #expect(stopped.signaled && stopped.status == SIGKILL, "\(fault.point) was not reached: \(stopped.stderr)")
            let got = try state(target)
            #expect(fault.leaves(got), "stopped at \(fault.point): \(got)")
            if migrating {
                #expect(try integrity(target) == "ok")
            } else {
                #expect(try runner.run("check").status == 0, "after \(fault.point)")
            }
            let again = try runner.run(arguments)
            #expect(again.status == 0 || arguments.first == "import", "\(again.stderr)")
            #expect(try state(target) == after)
        }
        var generator = SystemRandomNumberGenerator()
        for kill in 0..<Self.kills {
            let target = scratch.path("killed-\(kill).sqlite")
            try copy(base, to: target)
            let runner = CLIRunner(database: target)
            let command = try BackgroundCommand(runner, arguments)
            let fraction = (Double(kill) + Double.random(in: 0.1...0.9, using: &generator)) / Double(Self.kills)
            Thread.sleep(forTimeInterval: duration * fraction)
            command.kill(SIGKILL)
            _ = command.wait()
            if migrating {
                #expect(try integrity(target) == "ok")
            } else {
                let checked = try runner.run("check")
                #expect(checked.status == 0, "after a kill at \(Int(fraction * 100))%: \(checked.stdout)")
            }
            let got = try state(target)
            let partly = try partial(target)
            #expect(got == before || got == after || partly, "after a kill at \(Int(fraction * 100))%: \(got)")
            let again = try runner.run(arguments)
            #expect(again.status == 0 || arguments.first == "import", "\(again.stderr)")
            #expect(try state(target) == after)
            #expect(try runner.run("check").status == 0)
        }
    }

    @Test("check passes on a sound database, and names each way the change log can disagree with the data")
    func checkFindsProblems() throws {
        _ = try team.alice.run("annotate", team.strike, "--quote", "3.2% pay offer", "--tag", "claim")
        let sound = try team.alice.run("check")
        #expect(sound.status == 0 && sound.stdout.hasPrefix("ok"))
        try DatabaseQueue(path: team.alice.database).write { db in
            try db.execute(sql: "UPDATE replica SET counter = 1; DELETE FROM tag_adds")
        }
        let broken = try team.alice.run("check")
        #expect(broken.status == 1)
        #expect(broken.stdout.contains("changes of this replica numbered past its counter"))
        #expect(broken.stdout.contains("1 tags shown without an addition in effect, or the reverse"))
        #expect(broken.stderr == "newsdb: 2 problems found\n")
    }

    @Test("A large article import killed: each file is there whole or not at all, and importing again completes it")
    func articleImport() throws {
        let folder = scratch.path("articles")
        for index in 0..<400 {
            try scratch.write(
                "articles/plain-\(index).txt",
                "Plain article \(index)\n\nBody of article \(index), "
                    + String(repeating: "with words enough to index. ", count: 40) + "\n")
        }
        for file in 0..<5 {
            let articles = (0..<10).map {
                ["title": "JSON \(file)-\($0)", "body": "Body \(file)-\($0) of a JSON file."]
            }
            try scratch.write("articles/batch-\(file).json", try JSONSerialization.data(withJSONObject: articles))
        }
        let base = scratch.path("empty.sqlite")
        _ = try CLIRunner(database: base).run("init")
        try killRepeatedly(
            base, ["import", folder], state: { try count($0, "SELECT count(*) FROM articles") }, expected: 450,
            // After the first batch, some files are in and others not; a batch is never half there.
            faults: [("import-batch:1", { 0 < $0 && $0 < 450 })]
        ) { db in
            try (0..<5).allSatisfy {
                [0, 10].contains(try count(db, "SELECT count(*) FROM articles WHERE title LIKE 'JSON \($0)-%'"))
            }
        }
    }

    @Test("A bulk annotation import killed is all or nothing, and importing again completes it")
    func annotationImport() throws {
        // With ids, a second import of the same lines changes nothing, so running it again is always safe.
        let lines = (0..<4_000).map {
            #"{"id": "\#(String(format: "00000000-0000-4000-8000-%012d", $0))", "article": "\#(team.strike)", "quote": "3.2% pay offer", "note": "note \#($0)", "tags": ["t\#($0 % 7)"]}"#
        }
        let file = try scratch.write("bulk.jsonl", lines.joined(separator: "\n") + "\n")
        try killRepeatedly(
            team.alice.database, ["annotations", "import", file],
            state: { try count($0, "SELECT count(*) FROM annotations") }, expected: 4_000,
            faults: [("annotation-import:1", { $0 == 0 }), ("annotation-import:3999", { $0 == 0 })])
    }

    @Test("A sync file import killed is all or nothing, and importing again completes it")
    func syncImport() throws {
        let lines = (0..<3_000).map {
            #"{"article": "\#(team.strike)", "quote": "3.2% pay offer", "note": "note \#($0)"}"#
        }
        _ = try team.alice.run(
            "annotations", "import", try scratch.write("bulk.jsonl", lines.joined(separator: "\n") + "\n"))
        let file = scratch.path("alice.json")
        #expect(try team.alice.run("sync", "export", "--out", file).status == 0)
        try killRepeatedly(
            team.bob.database, ["sync", "import", file],
            state: { try count($0, "SELECT count(*) FROM annotations") }, expected: 3_000,
            faults: [("sync-change:1", { $0 == 0 }), ("sync-change:2000", { $0 == 0 })])
    }

    @Test(
        "A migration killed leaves each migration applied wholly or not at all, no partial backup, and migrating again completes it"
    )
    func migration() throws {
        let base = scratch.path("schema-2.sqlite")
        try FileManager.default.copyItem(
            atPath: repositoryRoot.appending(path: "Tests/StoreTests/Fixtures/schema-2.sqlite").path, toPath: base)
        try DatabaseQueue(path: base).write { db in
            for index in 0..<3_000 {
                let id = String(repeating: String(format: "%08x", index), count: 8)
                let body = "Article \(index) " + String(repeating: "grown for the migration test. ", count: 30)
                try db.execute(
                    sql: """
                        INSERT INTO articles (id, title, body, word_count, content_hash, imported_at)
                        VALUES (?, ?, ?, 150, ?, '2026-01-01T00:00:00Z')
                        """,
                    arguments: [id, "Grown \(index)", body, id])
                try db.execute(
                    sql: "INSERT INTO articles_fts (rowid, title, body) VALUES (last_insert_rowid(), ?, ?)",
                    arguments: ["Grown \(index)", body])
            }
        }
        let articles = try count(base, "SELECT count(*) FROM articles")
        let version = "SELECT max(version) FROM newsdb_migrations"
        // The fixture is at schema 2: the first migration run is 3, the second 4.
        try killRepeatedly(
            base, ["migrate"], state: { try count($0, version) }, expected: Migration.latestVersion,
            faults: [("migration:1", { $0 == 2 }), ("migration:2", { $0 == 3 })]
        ) { db in
            try (3..<Migration.latestVersion).contains(count(db, version))
                && count(db, "SELECT count(*) FROM articles") == articles
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: scratch.url.path).filter {
            $0.hasSuffix(".bak")
        }
        for backup in leftovers {
            #expect(try count(scratch.path(backup), "SELECT count(*) FROM articles") == articles, "\(backup)")
        }
    }
}
