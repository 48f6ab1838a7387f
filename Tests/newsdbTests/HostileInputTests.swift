import Foundation
import GRDB
import Testing

/// The hostile and broken inputs under Tests/newsdbTests/Hostile (and a few made here, too large to keep), each with
/// its exact outcome: a refusal is one line on stderr, exit status 1, and the database byte for byte as it was.
@Suite struct HostileInputTests {
    static let corpus = repositoryRoot.appending(path: "Tests/newsdbTests/Hostile")
    let team: Teammates
    var cli: CLIRunner { team.alice }

    init() throws { team = try Teammates() }

    func input(_ name: String) -> String { Self.corpus.appending(path: name).path }

    /// Runs `arguments`, expecting exit status `status`, exactly `stderr`, and the database unchanged.
    func expectRefused(_ arguments: [String], status: Int32 = 1, stderr: String, stdin: Data? = nil) throws {
        _ = try cli.run("status")  // settles the log, so the bytes compared are the database's own
        let before = databaseBytes(cli.database)
        let result = try cli.run(arguments, stdin: stdin)
        #expect(result.status == status, "\(arguments): \(result.stderr)")
        #expect(result.stderr == stderr, "\(arguments)")
        #expect(databaseBytes(cli.database) == before, "\(arguments) changed the database")
    }

    @Test("Article files that are not articles are skipped with one line each and change nothing")
    func articleFiles() throws {
        let cases: [(String, String)] = [
            ("nul-bytes.txt", "contains NUL bytes; it is not a text file"),
            ("invalid-utf8.txt", "not valid UTF-8; convert it first (for example with iconv)"),
            ("wrong-types.json", "article 1: field \"title\" must be a string"),
            ("huge-number.json", "not valid JSON: Number 1e999999 is not representable in Swift."),
            ("empty.txt", "the file is empty"),
        ]
        for (name, reason) in cases {
            try expectRefused(["import", input(name)], stderr: "newsdb: skipped \(input(name)): \(reason)\n")
        }
        let deep = try team.scratch.write(
            "deep.json", String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000))
        try expectRefused(
            ["import", deep],
            stderr:
                "newsdb: skipped \(deep): not valid JSON: Too many nested arrays or dictionaries around line 1, column 514.\n"
        )
        let tenMegabytes = try team.scratch.write(
            "big.json",
            try JSONSerialization.data(withJSONObject: [
                ["title": "Big", "body": String(repeating: "x", count: 10_000_000)]
            ]))
        try expectRefused(
            ["import", tenMegabytes],
            stderr:
                "newsdb: skipped \(tenMegabytes): its body is 10 MB, more than an article can be (8 MiB); is it an article?\n"
        )
        // 200 MB, sparse: refused by its size before a byte of it is read.
        let huge = team.scratch.path("huge.txt")
        #expect(FileManager.default.createFile(atPath: huge, contents: Data("Huge\n\n".utf8)))
        let handle = try #require(FileHandle(forWritingAtPath: huge))
        try handle.truncate(atOffset: 200_000_000)
        try handle.close()
        try expectRefused(
            ["import", huge],
            stderr: "newsdb: skipped \(huge): it is 200 MB, more than an article can be (8 MiB); is it an article?\n")
    }

    @Test("Duplicate keys: the last one counts; SQL-like text is stored and found as text")
    func acceptedOddities() throws {
        #expect(try cli.run("import", input("duplicate-keys.json")).status == 0)
        #expect(try cli.run("list").stdout.contains("Second title"))
        #expect(try cli.run("import", input("sql-like.txt")).status == 0)
        let found = try cli.run("search", "--json", "Robert")
        #expect(found.stdout.contains(#"Robert'); DROP TABLE articles;--"#))
        let lines = try String(contentsOfFile: input("sql-like.jsonl"), encoding: .utf8).replacingOccurrences(
            of: "ARTICLE", with: team.strike)
        let file = try team.scratch.write("sql.jsonl", lines)
        #expect(try cli.run("annotations", "import", file).status == 0)
        let annotations = try cli.run("annotations", "--json", team.strike).stdout
        #expect(annotations.contains(#"'); DROP TABLE annotations;--"#) && annotations.contains(#"x');drop"#))
        #expect(try cli.run("check").status == 0)
    }

    @Test(
        "Right-to-left text, combining characters and emoji: quotes are found (typed decomposed too) at the right offsets"
    )
    func unicodeOffsets() throws {
        #expect(try cli.run("import", input("rtl-emoji-combining.txt")).status == 0)
        let hits = try JSONSerialization.jsonObject(with: Data(try cli.run("search", "--json", "mayor").stdout.utf8))
        let article = try #require((hits as? [[String: Any]])?.first?["id"] as? String)
        let body =
            "The mayor said \u{202E}\u{0645}\u{0631}\u{062D}\u{0628}\u{0627}\u{202C} and \u{E9}t\u{E9} with \u{1F600} emoji and "
            + "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467} family, then the target phrase here."
        for quote in [
            "target phrase", "e\u{301}te\u{301}", "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467} family",
            "\u{0645}\u{0631}\u{062D}\u{0628}\u{0627}",
        ] {
            let made = try cli.run("annotate", String(article.prefix(8)), "--quote", quote, "--json")
            #expect(made.status == 0, "\(quote): \(made.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(made.stdout.utf8)) as? [String: Any])
            let selector = try #require(object["selector"] as? [String: Any])
            let start = try #require(selector["start"] as? Int)
            let end = try #require(selector["end"] as? Int)
            let scalars = Array(body.unicodeScalars)
            let exact = String(String.UnicodeScalarView(scalars[start..<end]))
            #expect(exact == (selector["exact"] as? String), "\(quote)")
            #expect(
                exact.precomposedStringWithCanonicalMapping == quote.precomposedStringWithCanonicalMapping, "\(quote)")
        }
    }

    @Test("Annotation imports with wrong types, deep nesting, unknown articles or huge numbers are refused whole")
    func annotationFiles() throws {
        let deep = try team.scratch.write(
            "deep.jsonl",
            #"{"article": "# + String(repeating: "[", count: 50_000) + String(repeating: "]", count: 50_000) + "}\n")
        let occurrence = try team.scratch.write(
            "occurrence.jsonl",
            try String(contentsOfFile: input("huge-occurrence.jsonl"), encoding: .utf8).replacingOccurrences(
                of: "ARTICLE", with: team.strike))
        let cases: [(String, String)] = [
            (input("wrong-types.jsonl"), "line 1: field \"article\" must be a string"),
            (deep, "line 1: not valid JSON"),
            (input("unknown-article.jsonl"), "line 1: no article matches 'ffffffffffff'; run `newsdb list`"),
            // 1e400 is past any number JSON readers take.
            (occurrence, "line 1: not valid JSON"),
        ]
        for (file, reason) in cases {
            try expectRefused(
                ["annotations", "import", file],
                stderr:
                    "newsdb: 1 of 1 annotations are invalid; nothing was imported (--skip-invalid imports the others):\n  \(reason)\n"
            )
        }
    }

    @Test("A file that is not a database, or is not a change file, is refused with one line and left alone")
    func notOurFiles() throws {
        let copy = team.scratch.path("not-a-database.sqlite")
        try FileManager.default.copyItem(atPath: input("not-a-database.sqlite"), toPath: copy)
        let before = FileManager.default.contents(atPath: copy)
        let result = try CLIRunner(database: copy).run("status")
        #expect(result.status == 1 && result.stderrLines.count == 1)
        #expect(result.stderr == "newsdb: cannot open \(copy) as a newsdb database: file is not a database\n")
        #expect(FileManager.default.contents(atPath: copy) == before)
        try expectRefused(
            ["sync", "import", input("not-a-change-file.json")],
            stderr:
                "newsdb: \(input("not-a-change-file.json")) is not a newsdb change file (made by `newsdb sync export`)\n"
        )
    }

    @Test("Change files cut short or with a bit flipped anywhere are refused with one line, changing nothing")
    func damagedChangeFiles() throws {
        _ = try team.alice.run(
            "annotate", team.strike, "--quote", "3.2% pay offer", "--note", "a note", "--tag", "claim")
        let file = team.scratch.path("alice.json")
        #expect(try team.alice.run("sync", "export", "--out", file).status == 0)
        let original = try Data(contentsOf: URL(fileURLWithPath: file))
        let bob = team.bob
        _ = try bob.run("status")
        let before = databaseBytes(bob.database)
        var generator = SystemRandomNumberGenerator()
        var variants = (0..<12).map { _ in original.prefix(Int.random(in: 0..<original.count, using: &generator)) }
        for _ in 0..<24 {
            var flipped = original
            let index = Int.random(in: 0..<original.count, using: &generator)
            flipped[index] ^= UInt8(1 << Int.random(in: 0..<8, using: &generator))
            variants.append(flipped)
        }
        for (index, variant) in variants.enumerated() {
            let path = try team.scratch.write("variant-\(index).json", variant)
            let result = try bob.run("sync", "import", path)
            #expect(result.status == 1 && result.stderrLines.count == 1, "variant \(index): \(result.stderr)")
            #expect(databaseBytes(bob.database) == before, "variant \(index) changed the database")
        }
    }

    @Test("A read-only database: reading works, a write is refused with one line, and nothing changes")
    func readOnlyDatabase() throws {
        _ = try cli.run("status")
        let path = cli.database
        // Root ignores file modes: the immutable attribute stands in for them.
        let root = getuid() == 0
        let lock = root ? ["chattr", "+i", path] : ["chmod", "0444", path]
        let unlock = root ? ["chattr", "-i", path] : ["chmod", "0600", path]
        try run(lock)
        defer {
            do { try run(unlock) } catch { Issue.record("could not undo \(lock): \(error)") }
        }
        let before = FileManager.default.contents(atPath: path)
        #expect(try cli.run("list").status == 0)
        let refused = try cli.run("annotate", team.strike, "--quote", "3.2% pay offer")
        #expect(refused.status == 1)
        #expect(refused.stderr == "newsdb: annotating: the database is read-only; check its permissions\n")
        // check only reads: it works on a read-only file, and says so.
        let check = try cli.run("check")
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.hasPrefix("ok: "))
        // SQLite may leave an empty log beside a file it cannot write; the database itself is untouched.
        #expect(FileManager.default.contents(atPath: path) == before)
        #expect((FileManager.default.contents(atPath: path + "-wal") ?? Data()).isEmpty)
    }

    @Test("A full disk (a file size limit): the import fails with one line and the database is as it was")
    func fullDisk() throws {
        let line =
            #"{"article": "\#(team.strike)", "quote": "3.2% pay offer", "note": "\#(String(repeating: "n", count: 2_000))"}"#
        let lines = Array(repeating: line, count: 3_000)
        let file = try team.scratch.write("big.jsonl", lines.joined(separator: "\n") + "\n")
        _ = try cli.run("status")
        let before = databaseBytes(cli.database)
        let limited = Process()
        limited.executableURL = URL(fileURLWithPath: "/bin/sh")
        limited.arguments = [
            "-c", "trap '' XFSZ; ulimit -f 2000; exec \"$0\" annotations import \"$1\"", CLIRunner.binary.path, file,
        ]
        limited.environment = ProcessInfo.processInfo.environment.merging(["NEWSDB_DB": cli.database]) { $1 }
        let errors = Pipe()
        limited.standardError = errors
        limited.standardOutput = FileHandle.nullDevice
        try limited.run()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        limited.waitUntilExit()
        #expect(limited.terminationStatus == 1)
        #expect(
            stderr
                == "newsdb: importing annotations: the disk refused a read or write (is it full or failing?); nothing was changed\n"
        )
        #expect(databaseBytes(cli.database) == before)
        #expect(try cli.run("check").status == 0)
    }

    private func run(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CLIRunnerFailure("\(arguments) failed") }
    }
}
