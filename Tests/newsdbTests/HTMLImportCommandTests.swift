import Foundation
import Testing

/// `newsdb import` of saved web pages, through the real binary: what it prints and its exit status.
@Suite struct HTMLImportCommandTests {
    let scratch: TemporaryDirectory
    let cli: CLIRunner

    init() throws {
        scratch = try TemporaryDirectory()
        cli = CLIRunner(database: scratch.path("news.sqlite"))
    }

    static let story = """
        <p>The ferry to the islands was cancelled on Friday for the third time this month, as gales closed the harbour mouth.</p>
        <p>The operator said the boat would sail on Saturday morning if the wind dropped below forty knots overnight.</p>
        """

    func page(title: String, body: String) -> String {
        "<!doctype html><html><head><title>\(title)</title></head><body>\(body)</body></html>"
    }

    @Test("Pages that hold no article, or cannot be read, are one line each; the good page imports; exit status 1")
    func badPagesSkipped() throws {
        _ = try cli.run("init")
        _ = try scratch.write("pages/good.html", page(title: "Ferry cancelled again", body: Self.story))
        let login = try scratch.write(
            "pages/login.html",
            page(title: "Sign in", body: #"<form><input name="user"><input type="password" name="pass"></form>"#))
        let binary = try scratch.write("pages/photo.html", Data([0x89, 0x50, 0x4E, 0x47, 0x00, 0x00, 0x1A]))
        let deep = try scratch.write(
            "pages/deep.html", page(title: "Deep", body: String(repeating: "<span>", count: 100_000) + Self.story))
        let output = try cli.run("import", scratch.path("pages"))
        #expect(output.status == 1)
        #expect(
            output.stderrLines == [
                "newsdb: skipped \(deep): it nests elements more than 256 deep; it is not a saved article page",
                "newsdb: skipped \(login): no article found: it is a sign-in form",
                "newsdb: skipped \(binary): contains NUL bytes; it is not a web page",
            ])
        #expect(output.stdout == "imported 1, unchanged 0, skipped 3\n")
        let list = try cli.run("list")
        #expect(list.stdout.contains("Ferry cancelled again"))
    }

    @Test("show prints the page's language and direction; show --json and list --json carry them")
    func languageShown() throws {
        _ = try cli.run("init")
        let path = try scratch.write(
            "arabic.html",
            "<!doctype html><html lang=\"ar\" dir=\"rtl\"><head><title>Ferry cancelled again</title></head><body>"
                + Self.story + "</body></html>")
        let imported = try cli.run("import", "--json", path)
        #expect(imported.status == 0)
        let list = try cli.run("list", "--json")
        let articles = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(articles.first?["language"] as? String == "ar")
        #expect(articles.first?["direction"] as? String == "rtl")
        let id = try #require(articles.first?["id"] as? String)
        let shown = try cli.run("show", id)
        #expect(shown.stdout.contains(" · language ar, right to left\n"))
        let json = try cli.run("show", "--json", id)
        let article = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(article["language"] as? String == "ar" && article["direction"] as? String == "rtl")
        _ = try scratch.write("plain.txt", "Ferry cancelled\n\nThe ferry was cancelled on Friday again.\n")
        _ = try cli.run("import", scratch.path("plain.txt"))
        let plain = try cli.run("list", "--json")
        let both = try #require(try JSONSerialization.jsonObject(with: Data(plain.stdout.utf8)) as? [[String: Any]])
        #expect(both.count == 2 && both[0]["language"] == nil)
    }

    @Test("import --reextract reports what changed, counts articles without a kept page, and refuses one given without")
    func reextract() throws {
        _ = try cli.run("init")
        let path = try scratch.write("ferry.html", page(title: "Ferry cancelled again", body: Self.story))
        _ = try scratch.write("plain.txt", "Ferry notes\n\nThe ferry runs late on Fridays.\n")
        #expect(try cli.run("import", path, scratch.path("plain.txt")).status == 0)
        let all = try cli.run("import", "--reextract")
        #expect(all.status == 0)
        #expect(all.stdout == "re-extracted 1, unchanged 1, skipped 0; 1 article has no kept page\n")
        let verbose = try cli.run("import", "--reextract", "--verbose")
        #expect(verbose.stdout.hasPrefix("unchanged "))
        let list = try cli.run("list", "--json")
        let articles = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        let plain = try #require(articles.first { $0["title"] as? String == "Ferry notes" }?["id"] as? String)
        let refused = try cli.run("import", "--reextract", String(plain.prefix(8)))
        #expect(refused.status == 1)
        #expect(refused.stderrLines.count == 1)
        #expect(refused.stderrLines.first?.hasPrefix("newsdb: article \(plain.prefix(8)) has no kept page") == true)
        let json = try cli.run("import", "--reextract", "--json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["reextracted"] as? Int == 1 && object["without_page"] as? [String] == [plain])
        let mixed = try cli.run("import", "--reextract", "--revision-of", String(plain.prefix(8)))
        #expect(mixed.status == 64)
    }

    @Test("A feed's items with full content import; an item with only a summary is one line, exit status 1")
    func feed() throws {
        _ = try cli.run("init")
        let feed = """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
            <channel><title>Islands Courier</title>
            <item><title>Ferry cancelled again</title><link>https://courier.example/ferry</link>
            <content:encoded><![CDATA[\(Self.story)]]></content:encoded></item>
            <item><title>Gales due</title><description>More wind on Sunday.</description></item>
            </channel></rss>
            """
        let path = try scratch.write("courier.xml", feed)
        let output = try cli.run("import", path)
        #expect(output.status == 1)
        #expect(
            output.stderrLines == [
                "newsdb: skipped \(path): item 2 (“Gales due”): only a summary, no full content; not imported"
            ])
        #expect(output.stdout == "imported 1, unchanged 0, skipped 1\n")
        let broken = try scratch.write("broken.rss", "<rss><channel><item>")
        let refused = try cli.run("import", broken)
        #expect(refused.status == 1)
        #expect(refused.stderrLines.count == 1)
        #expect(refused.stderrLines.first?.hasPrefix("newsdb: skipped \(broken): not well-formed XML: ") == true)
    }

    @Test("A page refused alone leaves the database as it was, byte for byte")
    func refusedPageChangesNothing() throws {
        _ = try cli.run("init")
        _ = try cli.run("status")
        let before = databaseBytes(cli.database)
        let index = try scratch.write(
            "index.html",
            page(
                title: "All stories",
                body: "<ul>" + (1...30).map { #"<li><a href="/s\#($0)">Ferry story number \#($0)</a></li>"# }.joined()
                    + "</ul>"))
        let output = try cli.run("import", index)
        #expect(output.status == 1)
        #expect(
            output.stderrLines == [
                "newsdb: skipped \(index): no article found: the page is mostly links (an index or a list of articles?)"
            ])
        #expect(databaseBytes(cli.database) == before)
    }

    @Test("A page on standard input is read as HTML by its start")
    func standardInput() throws {
        let html =
            "\n<!DOCTYPE html>"
            + page(title: "Ferry cancelled again", body: Self.story).dropFirst("<!doctype html>".count)
        let output = try cli.run(["import", "--verbose", "-"], stdin: Data(html.utf8))
        #expect(output.status == 0)
        #expect(output.stdout.contains("Ferry cancelled again"))
        let shown = try cli.run("search", "--json", "gales")
        #expect(shown.stdout.contains("Ferry cancelled again"))
    }

    @Test("import --help names HTML pages")
    func help() throws {
        let output = try cli.run("import", "--help")
        #expect(output.status == 0)
        #expect(output.stdout.contains("saved web pages (.html, .htm"))
    }
}
