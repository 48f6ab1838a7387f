import Foundation
import Testing

@testable import Store

@Suite struct HTMLImportTests {
    let folder: TemporaryDirectory
    let database: NewsDatabase

    init() throws {
        folder = try TemporaryDirectory()
        database = try NewsDatabase.fresh(in: folder)
    }

    let canonicalPage = page(
        head:
            #"<title>Sea wall</title><link rel="canonical" href="https://Gazette.example:443/news/sea-wall?utm_source=feed#top">"#,
        body: storyParagraphs)

    @Test("The canonical URL is the article's URL and gives its id; importing the page again changes nothing")
    func canonicalURL() throws {
        let path = try folder.write("sea-wall.html", canonicalPage)
        let first = try database.importArticles([.path(path)])
        #expect(first.importedCount == 1)
        let url = "https://gazette.example/news/sea-wall"
        #expect(first.articles[0].id == sha256Hex(url))
        #expect(try database.article(first.articles[0].id).url == url)
        let again = try database.importArticles([.path(path)])
        #expect(again.unchangedCount == 1 && again.importedCount == 0)
        #expect(try database.articles().count == 1)
    }

    @Test("Files read on every core come back in their order, each as read alone, pages compressed, failures kept")
    func readingOnEveryCore() throws {
        for number in 1...24 {
            let name = String(format: "%02d", number)
            switch number % 3 {
            case 0: try folder.write("\(name).html", page(head: "<title>Page \(name)</title>", body: storyParagraphs))
            case 1: try folder.write("\(name).txt", "Note \(name)\n\n\(harbourStory[number % 3])")
            default: try folder.write("\(name).html", "<html><body><form><input type=password></form></body></html>")
            }
        }
        let files = ArticleFile.expand([.path(folder.url.path)]).files
        #expect(files.count == 24)
        let parallel = ParsedFile.reading(files, source: nil, revisionOf: nil, raw: false)
        #expect(parallel.map(\.file.name) == files.map(\.name))
        for (together, file) in zip(parallel, files) {
            let alone = ParsedFile(file, source: nil)
            switch (together.articles, alone.articles) {
            case (.success(let read), .success(let expected)):
                #expect(read.map(\.id) == expected.map(\.id) && read.map(\.draft) == expected.map(\.draft))
                #expect(read.allSatisfy { ($0.page != nil) == file.name.hasSuffix(".html") })
            case (.failure(let error), .failure(let expected)):
                #expect(error.message == expected.message)
            default:
                Issue.record("\(file.name) read differently on its own")
            }
        }
    }

    @Test("A JSON article may carry the page in html; its own fields win over the page's")
    func jsonWithHTML() throws {
        let object: [String: Any] = [
            "html": canonicalPage, "source": "Reader's own", "url": "https://elsewhere.example/story",
        ]
        let data = try JSONSerialization.data(withJSONObject: object)
        let report = try database.importArticles([.data(data, name: "saved.json")])
        let article = try database.article(try #require(report.articles.first).id)
        #expect(article.title == "Sea wall")
        #expect(article.source == "Reader's own")
        #expect(article.url == "https://elsewhere.example/story")
        #expect(article.body == harbourStory.joined(separator: "\n\n"))
    }

    @Test("A file without an extension that starts like HTML is read as a page, given alone or found in a folder")
    func sniffing() throws {
        let bytes = Data([0xEF, 0xBB, 0xBF]) + Data(("\n  " + canonicalPage.dropFirst("<!DOCTYPE html>\n".count)).utf8)
        let path = try folder.write("pages/saved-page", bytes)
        _ = try folder.write("pages/notes.log", "<p>Not a page: it does not start like one.</p>")
        _ = try folder.write("pages/older.htm", page(head: "<title>Older story</title>", body: storyParagraphs))
        let alone = try ArticleDraft.parse(Data(contentsOf: URL(fileURLWithPath: path)), named: "saved-page")
        #expect(alone.first?.url == "https://gazette.example/news/sea-wall")
        let report = try database.importArticles([.path(folder.path("pages"))])
        #expect(report.articles.map(\.title) == ["Older story", "Sea wall"])
        #expect(report.skipped.isEmpty)
    }

    @Test(
        "Pages without an article are skipped, each with why",
        arguments: [
            (
                "<title>Sign in</title>",
                #"<form><p>Email <input name="e"></p><p>Password <input type="password"></p></form>"#,
                "no article found: it is a sign-in form"
            ),
            (
                "<title>Latest news</title>",
                "<ul>"
                    + (1...30).map {
                        #"<li><a href="/\#($0)">Storm report number \#($0) from the harbour wall</a></li>"#
                    }
                    .joined() + "</ul>",
                "no article found: the page is mostly links (an index or a list of articles?)"
            ),
            ("<title>Nothing here</title>", "", "no article found: the page has no text"),
            (
                "<title>Short</title>",
                #"<p>Read the whole of this story <a href="/x">soon</a>.</p>"#,
                "no article found: the page has too little text outside menus and links"
            ),
        ])
    func noArticle(head: String, body: String, reason: String) throws {
        let path = try folder.write("page.html", page(head: head, body: body))
        let report = try database.importArticles([.path(path)])
        #expect(report.skipped == [SkippedFile(path: path, reason: reason)])
        #expect(try database.articles().isEmpty)
    }

    @Test("A page whose only text is a short note, without links or forms, is imported as it is")
    func shortNote() throws {
        let path = try folder.write(
            "note.html",
            page(head: "<title>Lorem</title>", body: "<main><div><div>Lorem ipsum dolor sit amet.</div></div></main>"))
        let report = try database.importArticles([.path(path)])
        #expect(report.skipped.isEmpty)
        #expect(try database.articles().map(\.title) == ["Lorem"])
        #expect(try database.article(report.articles[0].id).body == "Lorem ipsum dolor sit amet.")
    }

    @Test("The header inside the story's <main> or <article> is kept; the site's header outside it is not")
    func storyHeader() throws {
        let body =
            #"<header id="masthead"><a href="/">Harbour Gazette</a> Sections and weather</header>"#
            + "<main><section><header><h1>Sea wall</h1><p>The council explains what the new sea wall will change for the harbour.</p></header>"
            + storyParagraphs + "</section></main>"
        let path = try folder.write("story.html", page(head: "<title>Sea wall</title>", body: body))
        let report = try database.importArticles([.path(path)])
        let stored = try database.article(report.articles[0].id).body
        #expect(stored.hasPrefix("The council explains what the new sea wall will change for the harbour."))
        #expect(!stored.contains("Sections and weather"))
    }

    @Test("Hostile pages are skipped with one line each; the good page beside them is imported")
    func hostile() throws {
        let story = storyParagraphs
        let cases: [(String, Data, String)] = [
            (
                "binary.html", Data([0x3C, 0x68, 0x00, 0xFF, 0xFE, 0x00, 0x01]),
                "contains NUL bytes; it is not a web page"
            ),
            (
                "deep.html",
                Data(page(body: String(repeating: "<div>", count: 100_000) + story).utf8),
                "it nests elements more than 256 deep; it is not a saved article page"
            ),
            (
                "attribute.html",
                Data(
                    page(body: "<div title=\"" + String(repeating: "x", count: 5_000_000) + "\">" + story + "</div>")
                        .utf8),
                "it has an attribute of 5 MB (at most 1 MiB); it is not a saved article page"
            ),
            (
                "huge.html", Data(page(body: String(repeating: story, count: 45_000)).utf8),
                "it is 18 MB, more than a web page newsdb reads (16 MiB); is it an article page?"
            ),
            ("empty.html", Data(" \n ".utf8), "the file is empty"),
        ]
        var paths: [String] = []
        for (name, data, _) in cases { paths.append(try folder.write("hostile/\(name)", data)) }
        let good = try folder.write("hostile/good.html", canonicalPage)
        let report = try database.importArticles((paths + [good]).map(ArticleInput.path))
        #expect(report.skipped == zip(paths, cases).map { SkippedFile(path: $0, reason: $1.2) })
        #expect(report.articles.map(\.title) == ["Sea wall"])
    }

    @Test("Broken markup is recovered from as a browser does")
    func brokenMarkup() throws {
        let body = "<div><p>Unclosed <b>bold <i>mixed</b> up</i></span></td>" + storyParagraphs + "</tr></table>"
        let draft = try htmlDraft(page(body: body))
        #expect(draft.body == (["Unclosed bold mixed up"] + harbourStory).joined(separator: "\n\n"))
    }
}
