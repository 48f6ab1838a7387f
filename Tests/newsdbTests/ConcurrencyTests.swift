import Foundation
import Testing

/// Several processes writing one database at once: nothing is lost, and no one is told the database is locked.
@Suite(.serialized) struct ConcurrencyTests {
    let team: Teammates

    init() throws { team = try Teammates() }

    @Test("Imports, annotations and a server applying pushes, all at once on one file: every write lands")
    func writersAtOnce() throws {
        let scratch = team.scratch
        let alice = team.alice
        let bulk = try writeWork(articles: 200, annotations: 2_000)
        // Bob has 1,500 annotations of his own to push to alice's server.
        _ = try team.bob.run("import", samplesFolder)
        let bobLines = (0..<1_500).map {
            #"{"article": "\#(team.strike)", "quote": "main gate", "occurrence": 1, "note": "bob \#($0)"}"#
        }
        #expect(
            try team.bob.run(
                "annotations", "import", try scratch.write("bob.jsonl", bobLines.joined(separator: "\n") + "\n")
            ).status == 0)
        let token = try alice.run("tokens", "create", "bob").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let server = try ServerProcess(database: alice.database, arguments: ["--max-page", "300"])
        let before = try count(alice.database, "SELECT count(*) FROM annotations")

        let writers =
            [
                try BackgroundCommand(alice, ["import", bulk.articles]),
                try BackgroundCommand(alice, ["annotations", "import", bulk.annotations]),
                try BackgroundCommand(team.bob, ["sync", server.url, "--token", token, "--page-size", "300"]),
            ]
            + (try (0..<8).map { index in
                try BackgroundCommand(
                    alice, ["annotate", team.strike, "--quote", "3.2% pay offer", "--note", "single \(index)"])
            })
        for writer in writers {
            let result = writer.wait()
            #expect(result.status == 0, "\(result.stderr)")
            #expect(!result.stderr.contains("locked"))
        }
        #expect(try count(alice.database, "SELECT count(*) FROM annotations") == before + 2_000 + 1_500 + 8)
        #expect(try count(alice.database, "SELECT count(*) FROM articles WHERE title LIKE 'More news %'") == 200)
        #expect(try alice.run("check").status == 0)
        server.stop()
    }

    @Test("check waits for writers like every command, and passes while an import and an annotation import run")
    func checkWhileWriting() throws {
        let alice = team.alice
        let work = try writeWork(articles: 300, annotations: 3_000)
        let writers = [
            try BackgroundCommand(alice, ["import", work.articles]),
            try BackgroundCommand(alice, ["annotations", "import", work.annotations]),
        ]
        for _ in 0..<6 {
            let check = try alice.run("check")
            #expect(check.status == 0, "\(check.stderr)")
            #expect(!check.stderr.contains("locked"))
        }
        for writer in writers { #expect(writer.wait().status == 0) }
        #expect(try alice.run("check").status == 0)
    }

    /// A folder of `articles` new article files ("More news N"), and a JSON Lines file of `annotations` annotations
    /// on the strike article, for writers to run at once.
    private func writeWork(articles: Int, annotations: Int) throws -> (articles: String, annotations: String) {
        for index in 0..<articles {
            try team.scratch.write(
                "more/article-\(index).txt",
                "More news \(index)\n\nA body for article \(index) of the concurrent import.\n")
        }
        let lines = (0..<annotations).map {
            #"{"article": "\#(team.strike)", "quote": "3.2% pay offer", "note": "bulk \#($0)"}"#
        }
        return (team.scratch.path("more"), try team.scratch.write("bulk.jsonl", lines.joined(separator: "\n") + "\n"))
    }
}
