import Foundation
import Testing

@Suite struct DiffCommandTests {
    let scratch: TemporaryDirectory
    let cli: CLIRunner

    init() throws {
        scratch = try TemporaryDirectory()
        cli = CLIRunner(database: scratch.path("news.sqlite"))
    }

    private func importRevision(_ body: String, _ name: String) throws {
        let file = try scratch.write(
            name,
            String(
                data: try JSONSerialization.data(withJSONObject: [
                    "title": "Ferry fares", "url": "https://news.example/ferry", "body": body,
                ]), encoding: .utf8)!)
        #expect(try cli.run("import", file).status == 0)
    }

    @Test("diff marks deleted and inserted words, lists the annotations each change touched, and prints JSON")
    func diff() throws {
        try importRevision("Fares rise by 5% in May, the operator said. Passengers were angry.", "1.json")
        let listed = try #require(
            try JSONSerialization.jsonObject(with: Data(try cli.run("list", "--json").stdout.utf8)) as? [[String: Any]])
        let article = try #require(listed.first?["id"] as? String)
        let made = try cli.run("annotate", article, "--quote", "Fares rise by 5% in May")
        #expect(made.status == 0)
        let annotation = String(made.stdout.split(separator: " ")[1])
        try importRevision("Fares rise by 7% in May, the operator said. Passengers were angry.", "2.json")

        let shown = try cli.run("diff", String(article.prefix(8)))
        #expect(shown.status == 0)
        let lines = shown.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "Ferry fares")
        #expect(lines.contains { $0.contains("Fares rise by [-5-]{+7+}% in May") })
        #expect(lines.contains("    \(annotation) fuzzy “Fares rise by 5% in May” (\(try replicaName()))"))

        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(try cli.run("diff", article, "--json").stdout.utf8))
                as? [String: Any])
        #expect(json["from"] as? Int == 1)
        #expect(json["to"] as? Int == 2)
        let changes = try #require(json["changes"] as? [[String: Any]])
        #expect(changes.map { $0["deleted"] as? String } == ["5"])
        #expect(changes.first?["from_start"] as? Int == 14)
        let effects = try #require(json["annotations"] as? [[String: Any]])
        #expect(effects.first?["state"] as? String == "fuzzy")
    }

    @Test("diff refuses an article with one revision and a revision out of range, with one line each")
    func refusals() throws {
        try importRevision("Fares rise by 5% in May.", "1.json")
        let listed = try #require(
            try JSONSerialization.jsonObject(with: Data(try cli.run("list", "--json").stdout.utf8)) as? [[String: Any]])
        let article = try #require(listed.first?["id"] as? String)
        let one = try cli.run("diff", article)
        #expect(one.status == 1)
        #expect(one.stderrLines.count == 1)
        #expect(one.stderrLines.first?.contains("has one revision, so there is nothing to compare") == true)
        let zero = try cli.run("diff", article, "--from", "0")
        #expect(zero.status == 64)
        #expect(zero.stderrLines.first?.contains("revisions count from 1") == true)
    }

    private func replicaName() throws -> String {
        let status = try #require(
            try JSONSerialization.jsonObject(with: Data(try cli.run("status", "--json").stdout.utf8)) as? [String: Any])
        return try #require((status["replica"] as? [String: Any])?["name"] as? String)
    }
}
