import Foundation
import Testing

/// `newsdb annotate --in title|dek|body` and how the listings show an annotation's part.
@Suite struct ArticlePartCommandTests {
    /// Alice's database holds the sample articles; `strike` is the port strike's id prefix (it has no dek).
    let teammates: Teammates
    var cli: CLIRunner { teammates.alice }
    var strike: String { teammates.strike }

    init() throws {
        teammates = try Teammates()
    }

    @Test("annotate --in title marks the headline; annotations, show and --json say so, with offsets in the headline")
    func headline() throws {
        let made = try cli.run(
            "annotate", strike, "--in", "title", "--quote", "walk out over pay", "--note", "Also over rosters")
        #expect(made.status == 0)
        #expect(made.stdout.contains(" on the headline of article "))
        let id = String(made.stdout.split(separator: " ")[1])
        _ = try cli.run("annotate", strike, "--quote", "3.2% pay offer")

        let list = try cli.run("annotations", strike)
        let lines = list.stdout.split(separator: "\n")
        #expect(lines.first?.contains("“walk out over pay” (headline)") == true)
        #expect(list.stdout.contains("“3.2% pay offer”") && !list.stdout.contains("“3.2% pay offer” ("))

        let json = try JSONSerialization.jsonObject(
            with: Data(try cli.run("annotations", "--json", strike).stdout.utf8))
        let items = try #require(json as? [[String: Any]])
        #expect(items.map { $0["part"] as? String } == ["title", "body"])
        let selector = try #require(items[0]["selector"] as? [String: Any])
        #expect(selector["start"] as? Int == 35 && selector["end"] as? Int == 52)
        #expect(selector["prefix"] as? String == "kworkers at Harrowgate Bay port ")

        let one = try cli.run("annotations", "show", id)
        #expect(one.stdout.contains("part       headline\n"))
        let show = try cli.run("show", strike)
        #expect(show.stdout.hasPrefix("Dockworkers at Harrowgate Bay port [walk out over pay][1] and shift patterns\n"))
        #expect(show.stdout.contains("[1] Also over rosters  (\(id))"))
    }

    @Test(
        "A quote not in the headline, a dek the article lacks, or an unknown part is one line on stderr; nothing is written"
    )
    func refusals() throws {
        let before = databaseBytes(cli.database)
        let missing = try cli.run("annotate", strike, "--in", "title", "--quote", "3.2% pay offer")
        #expect(missing.status == 1)
        #expect(missing.stderr.hasPrefix("newsdb: the quote does not occur in the headline of article "))
        #expect(missing.stderr.filter { $0 == "\n" }.count == 1)
        let noDek = try cli.run("annotate", strike, "--in", "dek", "--quote", "pay")
        #expect(noDek.status == 1)
        #expect(noDek.stderr.hasSuffix(" has no dek; annotate its headline or its body\n"))
        let unknown = try cli.run("annotate", strike, "--in", "byline", "--quote", "pay")
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("byline"))
        let body = try cli.run("annotate", strike, "--quote", "walk out over pay")
        #expect(body.stderr.hasSuffix("not its body; give --in title to annotate it there\n"))
        #expect(databaseBytes(cli.database) == before)
    }
}
