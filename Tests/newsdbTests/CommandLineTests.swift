import Foundation
import GRDB
import Store
import Testing

@testable import newsdb

@Suite struct CommandLineTests {
    let scratch: TemporaryDirectory
    let cli: CLIRunner

    init() throws {
        scratch = try TemporaryDirectory()
        cli = CLIRunner(database: scratch.path("news.sqlite"))
    }

    @Test("Import of the samples on a fresh database, then again: everything unchanged")
    func importSamples() throws {
        let first = try cli.run("import", samplesFolder)
        #expect(first.status == 0)
        #expect(first.stdout == "imported 9, unchanged 0, skipped 0\n")
        #expect(first.stderr == "newsdb: created \(cli.database) (schema \(Migration.latestVersion))\n")
        let second = try cli.run("import", samplesFolder)
        #expect(second.status == 0)
        #expect(second.stdout == "imported 0, unchanged 9, skipped 0\n")
        #expect(second.stderr.isEmpty)
    }

    @Test("A bad file is reported on one line and skipped, the rest imports, and the exit status is 1")
    func badFileSkipped() throws {
        try scratch.write("in/good.txt", "Good news\n\nA body.\n")
        let bad = try scratch.write("in/bad.txt", Data([0x48, 0x69, 0x0A, 0x0A, 0xFF, 0xFE, 0x0A]))
        _ = try cli.run("init")
        let output = try cli.run("import", scratch.path("in"))
        #expect(output.status == 1)
        #expect(
            output.stderrLines == ["newsdb: skipped \(bad): not valid UTF-8; convert it first (for example with iconv)"]
        )
        #expect(output.stdout == "imported 1, unchanged 0, skipped 1\n")
    }

    @Test("Standard input is read with '-'")
    func standardInput() throws {
        let output = try cli.run(["import", "--verbose", "-"], stdin: Data("From a pipe\n\nBody text here.\n".utf8))
        #expect(output.status == 0)
        #expect(output.stdout.contains("imported "))
        #expect(output.stdout.contains("From a pipe"))
    }

    @Test("An unknown article is one line on stderr, a non-zero exit, and no change on disk")
    func unknownArticle() throws {
        _ = try cli.run("import", samplesFolder)
        let before = databaseBytes(cli.database)
        let output = try cli.run("show", "ffff0000")
        #expect(output.status == 1)
        #expect(output.stderrLines == ["newsdb: no article matches 'ffff0000'; run `newsdb list`"])
        #expect(output.stdout.isEmpty)
        #expect(databaseBytes(cli.database) == before)
    }

    @Test("list, show and search work together by id prefix")
    func listShowSearch() throws {
        _ = try cli.run("import", samplesFolder)
        let list = try cli.run("list")
        #expect(list.status == 0)
        #expect(list.stdout.split(separator: "\n").count == 9)
        #expect(!list.stdout.contains("\u{1B}["), "no color when stdout is not a terminal")

        let search = try cli.run("search", "dockworkers", "strike")
        #expect(search.status == 0)
        let prefix = try #require(search.stdout.split(separator: " ").first.map(String.init))
        #expect(prefix.count == 8)
        #expect(search.stdout.contains("[dockworkers]"))

        let show = try cli.run("show", prefix)
        #expect(show.status == 0)
        #expect(show.stdout.hasPrefix("Dockworkers at Harrowgate Bay port walk out over pay and shift patterns\n"))
        #expect(show.stdout.contains("By Zoë Nováková"))
    }

    @Test("--json output parses, for list, show, search, status and import")
    func jsonOutputs() throws {
        let imported = try cli.run("import", "--json", samplesFolder)
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(imported.stdout.utf8)) as? [String: Any])
        #expect(summary["imported"] as? Int == 9)
        #expect((summary["articles"] as? [Any])?.count == 9)

        let list = try #require(
            try JSONSerialization.jsonObject(with: Data(try cli.run("list", "--json", "--limit", "2").stdout.utf8))
                as? [[String: Any]])
        #expect(list.count == 2)
        let id = try #require(list[0]["id"] as? String)
        #expect(id.count == 64)

        let show = try #require(
            try JSONSerialization.jsonObject(with: Data(try cli.run("show", "--json", id).stdout.utf8))
                as? [String: Any])
        #expect(show["id"] as? String == id)
        #expect(show["body"] is String)
        #expect(show["word_count"] is Int)

        let search = try #require(
            try JSONSerialization.jsonObject(with: Data(try cli.run("search", "--json", "library").stdout.utf8))
                as? [[String: Any]])
        #expect(!search.isEmpty)
        #expect((search[0]["snippet"] as? String)?.contains("<mark>") == true)

        let status = try #require(
            try JSONSerialization.jsonObject(with: Data(try cli.run("status", "--json").stdout.utf8)) as? [String: Any])
        #expect(status["articles"] as? Int == 9)
        #expect(status["schema_version"] as? Int == Migration.latestVersion)
        #expect((status["replica"] as? [String: Any])?["id"] is String)
    }

    @Test("--db may come before the command, and wins over $NEWSDB_DB")
    func dbOptionFirst() throws {
        let other = scratch.path("other.sqlite")
        let output = try cli.run("--db", other, "init", "--name", "alice")
        #expect(output.status == 0)
        #expect(output.stdout == "initialized \(other)\nreplica alice (\(try replicaID(other)))\n")
        #expect(!FileManager.default.fileExists(atPath: cli.database))
    }

    @Test("A word to exclude may be given as its own argument")
    func excludedWord() throws {
        _ = try cli.run("import", samplesFolder)
        let all = try cli.run("search", "--json", "harrowgate")
        let without = try cli.run("search", "--json", "harrowgate", "-strike")
        #expect(without.status == 0)
        let allHits = try #require(try JSONSerialization.jsonObject(with: Data(all.stdout.utf8)) as? [Any])
        let withoutHits = try #require(try JSONSerialization.jsonObject(with: Data(without.stdout.utf8)) as? [Any])
        #expect(withoutHits.count < allHits.count)
        #expect(!withoutHits.isEmpty)
    }

    @Test("An existing empty file becomes a new database, keeping the mode its owner gave it")
    func emptyFile() throws {
        try scratch.write("news.sqlite", Data())
        #expect(chmod(cli.database, 0o640) == 0)
        let output = try cli.run("status")
        #expect(output.stderr == "newsdb: created \(cli.database) (schema \(Migration.latestVersion))\n")
        let mode = try FileManager.default.attributesOfItem(atPath: cli.database)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o640)
    }

    @Test("Every file newsdb writes is readable by its owner only: the database and its log, exports, change files")
    func privateFiles() throws {
        umask(0o022)
        _ = try cli.run("import", samplesFolder)
        let strike = try #require(cli.run("search", "dockworkers").stdout.split(separator: " ").first.map(String.init))
        _ = try cli.run("annotate", strike, "--quote", "3.2% pay offer", "--note", "private")
        let w3c = scratch.path("annotations.json")
        let changes = scratch.path("changes.json")
        #expect(try cli.run("annotations", "export", "--out", w3c).status == 0)
        #expect(try cli.run("sync", "export", "--out", changes).status == 0)
        for path in [cli.database, cli.database + "-wal", w3c, changes]
        where FileManager.default.fileExists(atPath: path) {
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
            #expect(mode?.intValue == 0o600, "\(path)")
        }
        #expect(FileManager.default.fileExists(atPath: w3c) && FileManager.default.fileExists(atPath: changes))
    }

    @Test("Usage errors are one line with a non-zero status")
    func usageErrors() throws {
        let output = try cli.run("list", "--limit", "0")
        #expect(output.status == 64)
        #expect(output.stderrLines == ["newsdb: --limit must be at least 1 (see `newsdb --help`)"])
        let search = try cli.run("search", "--", "((")
        #expect(search.status == 64)
        #expect(search.stderrLines == ["newsdb: the search '((' has no word to look for (see `newsdb --help`)"])
    }

    @Test("A database from a newer newsdb is refused with the upgrade message and left untouched")
    func newerSchema() throws {
        _ = try cli.run("init")
        let queue = try DatabaseQueue(path: cli.database)
        let future = Migration.latestVersion + 1
        try queue.write { db in
            try db.execute(
                sql: "INSERT INTO newsdb_migrations VALUES (?, 'future', 'x', 'now')", arguments: [future])
        }
        try queue.close()
        let before = databaseBytes(cli.database)
        let output = try cli.run("list")
        #expect(output.status == 1)
        #expect(
            output.stderrLines == [
                "newsdb: this database was written by a newer newsdb (schema \(future), this binary knows \(Migration.latestVersion)); upgrade newsdb"
            ])
        #expect(databaseBytes(cli.database) == before)
    }

    @Test("A file that is not a database is refused in one line and left untouched")
    func notADatabase() throws {
        try scratch.write("news.sqlite", String(repeating: "plain text, not SQLite\n", count: 100))
        let before = databaseBytes(cli.database)
        let output = try cli.run("status")
        #expect(output.status == 1)
        #expect(output.stderrLines.count == 1)
        #expect(output.stderr.hasPrefix("newsdb: cannot open \(cli.database) as a newsdb database"))
        #expect(databaseBytes(cli.database) == before)
    }

    @Test("migrate --status and --dry-run change nothing, not even create the file")
    func migrateReadOnly() throws {
        let status = try cli.run("migrate", "--status")
        #expect(status.status == 0)
        #expect(status.stdout.contains("pending     1  create_articles"))
        let dryRun = try cli.run("migrate", "--dry-run")
        #expect(dryRun.status == 0)
        #expect(dryRun.stdout.contains("CREATE TABLE articles"))
        #expect(!FileManager.default.fileExists(atPath: cli.database))

        let migrate = try cli.run("migrate")
        #expect(migrate.stdout == "created \(cli.database) at schema \(Migration.latestVersion)\n")
        let again = try cli.run("migrate")
        #expect(again.stdout == "\(cli.database) is up to date (schema \(Migration.latestVersion))\n")
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(try cli.run("migrate", "--status", "--json").stdout.utf8))
                as? [String: Any])
        #expect(json["schema_version"] as? Int == Migration.latestVersion)
        #expect((json["migrations"] as? [[String: Any]])?.first?["state"] as? String == "applied")
    }

    @Test(
        "Commands refused for their arguments create no database",
        arguments: [
            ["show", "ab"], ["show", "not-hex!"], ["init", "--name", "  "], ["import", "/no/such/file.txt"],
            ["search", "--", "(("], ["search", "harbour", "--jsn"], ["list", "--db", ""],
        ])
    func refusedBeforeOpening(_ arguments: [String]) throws {
        let output = try cli.run(arguments)
        #expect(output.status != 0)
        #expect(output.stderrLines.count <= 2)
        #expect(!FileManager.default.fileExists(atPath: cli.database))
    }

    @Test("A copy of the binary away from the source tree migrates a new database with the migrations in migrations/")
    func copiedBinary() throws {
        let copy = scratch.path("bin/newsdb")
        try FileManager.default.createDirectory(atPath: scratch.path("bin"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: CLIRunner.binary.path, toPath: copy)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: copy)
        process.arguments = ["migrate", "--db", scratch.path("copied.sqlite")]
        process.currentDirectoryURL = scratch.url
        // Another test starting a process at the moment of the copy can hold the new file open for writing until it
        // execs ("text file busy"); that passes within moments.
        for attempt in 1... {
            do {
                try process.run()
                break
            } catch let error as NSError
                where attempt < 20
                && (error.userInfo[NSUnderlyingErrorKey] as? NSError)?.code == Int(ETXTBSY)
            {
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let status = try CLIRunner(database: scratch.path("copied.sqlite")).run("migrate", "--status", "--json")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        let migrations = try #require(json["migrations"] as? [[String: Any]])
        let files = try FileManager.default.contentsOfDirectory(
            atPath: repositoryRoot.appending(path: "migrations").path
        )
        .filter { $0.hasSuffix(".sql") }.sorted()
        #expect(migrations.count == files.count)
        #expect(migrations.allSatisfy { $0["state"] as? String == "applied" })
    }

    @Test("Global options before the command are moved after it")
    func movingGlobalOptions() {
        #expect(NewsDB.movingGlobalOptions(["--db", "x", "list", "--json"]) == ["list", "--json", "--db", "x"])
        #expect(
            NewsDB.movingGlobalOptions(["--db=x", "--no-backup", "search", "--", "-a"])
                == ["search", "--db=x", "--no-backup", "--", "-a"])
        #expect(NewsDB.movingGlobalOptions(["list", "--db", "x"]) == ["list", "--db", "x"])
    }

    private func replicaID(_ path: String) throws -> String {
        try DatabaseQueue(path: path).read { db in try String.fetchOne(db, sql: "SELECT id FROM replica") ?? "" }
    }
}

/// The test runner itself: what a command prints does not depend on the caller's shell, and a command that writes
/// much to stderr ends.
@Suite struct CLIRunnerTests {
    @Test("The caller's NEWSDB_LOG and NO_COLOR do not reach the command")
    func cleanEnvironment() {
        #expect(CLIRunner.baseEnvironment["NEWSDB_LOG"] == nil && CLIRunner.baseEnvironment["NO_COLOR"] == nil)
        #expect(CLIRunner.baseEnvironment["NEWSDB_DB"] == nil)
    }

    @Test("A command writing over 64 KiB to stderr ends, and all of it is read", .timeLimit(.minutes(1)))
    func largeStderr() throws {
        let scratch = try TemporaryDirectory()
        let cli = CLIRunner(database: scratch.path("log.sqlite"))
        // Each file that is not text is one line on stderr: 1,200 of them make over 100 KiB.
        for index in 0..<1_200 {
            try scratch.write("not-text/file-\(index)-with-a-long-name-to-fill-the-pipe.txt", Data([0x78, 0, 0x79]))
        }
        let result = try cli.run("import", scratch.path("not-text"))
        #expect(result.status == 1)
        #expect(
            result.stderr.utf8.count > 65_536 && result.stderrLines.filter { $0.contains("NUL bytes") }.count == 1_200)
    }
}
