import Foundation
import Testing

@Suite struct AnnotationCommandTests {
    let scratch: TemporaryDirectory
    let cli: CLIRunner
    let strike: String

    init() throws {
        scratch = try TemporaryDirectory()
        cli = CLIRunner(database: scratch.path("news.sqlite"))
        _ = try cli.run("import", samplesFolder)
        let hits = try JSONSerialization.jsonObject(
            with: Data(try cli.run("search", "--json", "dockworkers").stdout.utf8))
        strike = try #require(((hits as? [[String: Any]])?.first?["id"] as? String).map { String($0.prefix(10)) })
    }

    private func json(_ output: CLIRunner.Output) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(output.stdout.utf8))
    }

    @Test("annotate, list, edit, show with brackets and footnotes, delete")
    func lifecycle() throws {
        let made = try cli.run(
            "annotate", strike, "--quote", "3.2% pay offer", "--note", "Check the figure", "--tag", "claim")
        #expect(made.status == 0)
        #expect(made.stdout.hasPrefix("annotated "))
        let id = String(made.stdout.split(separator: " ")[1])

        let list = try cli.run("annotations", strike)
        #expect(list.stdout.contains("“3.2% pay offer”  #claim"))
        #expect(list.stdout.contains("Check the figure"))

        let one = try cli.run("annotations", "show", id)
        #expect(one.stdout.contains("passage    …"))
        #expect(one.stdout.contains("3.2% pay offer from the port operator"))
        #expect(one.stdout.hasSuffix("\nCheck the figure\n"))

        let edit = try cli.run("annotations", "edit", id, "--add-tag", "pay", "--color", "blue")
        #expect(edit.status == 0)
        #expect(edit.stdout.contains("#claim #pay"))

        let show = try cli.run("show", strike)
        #expect(show.stdout.contains("rejected a [3.2% pay offer][1] from the port operator"))
        #expect(show.stdout.contains("[1] Check the figure  #claim #pay  (\(id))"))

        let tagged = try cli.run("search", "tag:pay")
        #expect(tagged.stdout.contains("Dockworkers"))

        let delete = try cli.run("annotations", "delete", id)
        #expect(delete.stdout == "deleted 1 annotation\n")
        #expect(try cli.run("annotations").stdout.hasPrefix("no annotations"))
        #expect(try cli.run("annotations", "--deleted").stdout.contains("deleted"))
    }

    @Test("delete --from reads ids from a file or a pipe")
    func deleteFrom() throws {
        let a = try cli.run("annotate", strike, "--quote", "3.2% pay offer")
        let b = try cli.run("annotate", strike, "--quote", "Acas")
        let ids = [a, b].map { String($0.stdout.split(separator: " ")[1]) }
        let output = try cli.run(
            ["annotations", "delete", "--from", "-"], stdin: Data((ids.joined(separator: "\n") + "\n").utf8))
        #expect(output.status == 0)
        #expect(output.stdout == "deleted 2 annotations\n")
    }

    @Test("A quote that does not occur: one line with the closest passage, exit 1, nothing written")
    func quoteNotFound() throws {
        let before = databaseBytes(cli.database)
        let output = try cli.run("annotate", strike, "--quote", "a 3.5% pay offer")
        #expect(output.status == 1)
        #expect(output.stderrLines.count == 1)
        #expect(output.stderr.contains("the closest passage is “a 3.2% pay offer”"))
        #expect(databaseBytes(cli.database) == before)
    }

    @Test("A quote that occurs twice lists the occurrences; --occurrence picks one")
    func ambiguousQuote() throws {
        let output = try cli.run("annotate", strike, "--quote", "main gate")
        #expect(output.status == 1)
        #expect(output.stderrLines.count == 3)
        #expect(output.stderrLines[0].hasSuffix("pick one with --occurrence N:"))
        #expect(try cli.run("annotate", strike, "--quote", "main gate", "--occurrence", "2").status == 0)
    }

    @Test("annotations import: a bad file is refused line by line and changes nothing; a good one imports")
    func importLines() throws {
        let bad = try scratch.write(
            "bad.jsonl",
            """
            {"article": "\(strike)", "quote": "3.2% pay offer", "tags": ["claim"]}
            {"article": "\(strike)", "quote": "nowhere in the text"}
            """)
        let before = databaseBytes(cli.database)
        let refused = try cli.run("annotations", "import", bad)
        #expect(refused.status == 1)
        #expect(
            refused.stderrLines.first
                == "newsdb: 1 of 2 annotations are invalid; nothing was imported (--skip-invalid imports the others):")
        #expect(refused.stderrLines.last?.hasPrefix("  line 2: the quote does not occur") == true)
        #expect(databaseBytes(cli.database) == before)

        let skipped = try cli.run("annotations", "import", "--skip-invalid", bad)
        #expect(skipped.status == 1)
        #expect(skipped.stdout == "created 1, updated 0, unchanged 0, skipped 1\n")
        #expect(skipped.stderrLines.first?.hasPrefix("newsdb: skipped line 2: the quote does not occur") == true)
    }

    @Test("annotations import reads a Hypothesis export, attaches it by URL and places it by context or fuzzily")
    func importHypothesis() throws {
        let article = try scratch.write(
            "ferry.json",
            #"{"title": "Ferry fares", "url": "https://news.example/ferry", "body": "Fares rise in May. Fares rise again in June, the operator said."}"#
        )
        #expect(try cli.run("import", article).status == 0)
        func item(_ id: String, _ exact: String, prefix: String = "", target: Bool = true) -> String {
            let selector =
                #"{"type": "TextQuoteSelector", "exact": "\#(exact)", "prefix": "\#(prefix)", "suffix": ""}"#
            return #"{"id": "\#(id)", "uri": "https://news.example/ferry#comments", "text": "", "tags": ["fares"], "#
                + #""user": "acct:sam@hypothes.is", "created": "2025-01-02T03:04:05.678+00:00", "#
                + #""updated": "2025-01-02T03:04:05.678+00:00", "target": [\#(target ? #"{"selector": [\#(selector)]}"# : #"{}"#)]}"#
        }
        let note = try scratch.write("note.json", #"{"annotations": [\#(item("h0", "", target: false))]}"#)
        let before = databaseBytes(cli.database)
        let refused = try cli.run("annotations", "import", note)
        #expect(refused.status == 1)
        #expect(
            refused.stderrLines.last
                == "  item 1: a page note, with no quoted passage; newsdb annotates passages of an article")
        #expect(databaseBytes(cli.database) == before)

        let export = try scratch.write(
            "hypothesis.json",
            #"{"annotations": [\#(item("h1", "Fares rise", prefix: "in May. ")), \#(item("h2", "the operatr said"))]}"#)
        let imported = try cli.run("annotations", "import", export)
        #expect(imported.stdout == "created 2, updated 0, unchanged 0, skipped 0\n")
        let listed = try #require(try json(try cli.run("annotations", "--json")) as? [[String: Any]])
        let ferry = listed.filter { ($0["author"] as? String) == "sam@hypothes.is" }
        #expect(ferry.count == 2)
        let anchors = ferry.compactMap { $0["anchor"] as? [String: Any] }
        #expect(Set(anchors.compactMap { $0["state"] as? String }) == ["exact", "fuzzy"])
        #expect(anchors.contains { $0["state"] as? String == "exact" && $0["start"] as? Int == 19 })
    }

    @Test("annotations export writes W3C JSON-LD and Markdown; the orphan list and --orphans follow a revision")
    func exportAndOrphans() throws {
        _ = try cli.run("annotate", strike, "--quote", "Three days we can just about absorb", "--note", "Good quote")
        let w3c = try #require(try json(try cli.run("annotations", "export")) as? [String: Any])
        #expect(w3c["type"] as? String == "AnnotationCollection")
        let out = scratch.path("notes.md")
        #expect(try cli.run("annotations", "export", "--format", "markdown", "--out", out, strike).status == 0)
        #expect(
            try String(contentsOfFile: out, encoding: .utf8).contains(
                "> Three days we can just about absorb\n\nGood quote\n"))

        let revised = try scratch.write("revised.txt", "Dockworkers strike\n\nThe strike has ended after talks.\n")
        let revise = try cli.run("import", "--revision-of", strike, revised)
        #expect(revise.stdout == "imported 0, unchanged 0, revised 1, skipped 0\n")
        let orphans = try cli.run("annotations", "--orphans")
        #expect(orphans.stdout.contains("  orphan "))
        #expect(!orphans.stdout.hasPrefix("no orphaned"))
        let show = try cli.run("show", strike)
        #expect(show.stdout.contains("Orphaned annotations"))
        #expect(show.stdout.contains("“Three days we can just about absorb”"))
        #expect(try cli.run("show", "--revision", "1", strike).stdout.contains("More than 300 dockworkers"))
    }
}
