import Foundation
import GRDB
import Synchronization
import Testing

@testable import Store

@Suite struct ArticleImportTests {
    let folder: TemporaryDirectory
    let database: NewsDatabase

    init() throws {
        folder = try TemporaryDirectory()
        database = try NewsDatabase.fresh(in: folder)
    }

    @Test("Importing the same file twice keeps one article and says unchanged")
    func reimportUnchanged() throws {
        let path = try folder.write("a.txt", plainArticle(title: "Sea wall vote", body: "The council voted."))
        let first = try database.importArticles([.path(path)])
        #expect(first.importedCount == 1)
        let second = try database.importArticles([.path(path)])
        #expect(second.unchangedCount == 1)
        #expect(second.importedCount == 0)
        #expect(try database.articles().count == 1)
    }

    @Test("The id of an article without URL is the same on two machines, whatever the white space")
    func stableIDWithoutURL() throws {
        let other = try NewsDatabase.fresh(in: folder, name: "other.sqlite")
        let a = try database.importArticles([.data(Data("Title\n\nOne  two\nthree.\n".utf8), name: "a.txt")])
        let b = try other.importArticles([.data(Data("Title\r\n\r\nOne two\r\nthree.  \r\n".utf8), name: "b.txt")])
        #expect(a.articles[0].id == b.articles[0].id)
        #expect(a.articles[0].id == sha256Hex("Title\n\nOne two three."))
    }

    @Test(
        "Two files that differ only in paragraph breaks: imported twice, in either order, the second import changes nothing",
        arguments: [false, true])
    func whiteSpaceTwins(reversed: Bool) throws {
        let joined = try folder.write(
            "twins/a.txt", plainArticle(title: "Sea wall vote", body: "The council voted. Work starts in May."))
        let split = try folder.write(
            "twins/b.txt", plainArticle(title: "Sea wall vote", body: "The council voted.\n\nWork starts in May."))
        let paths = reversed ? [split, joined] : [joined, split]
        let first = try database.importArticles(paths.map(ArticleInput.path))
        #expect(Set(first.articles.map(\.id)).count == 1)
        let second = try database.importArticles(paths.map(ArticleInput.path))
        #expect(second.unchangedCount == 2 && second.revisedCount == 0)
        let folderAgain = try database.importArticles([.path(folder.path("twins"))])
        #expect(folderAgain.unchangedCount == 2 && folderAgain.revisedCount == 0)
        // The text with the paragraph break wins, whichever file came first.
        let article = try database.article(first.articles[0].id)
        #expect(article.body == "The council voted.\n\nWork starts in May.")
        #expect(article.revision == (reversed ? 1 : 2))
    }

    @Test("The id of an article with a URL is the SHA-256 of its canonical URL")
    func stableIDWithURL() throws {
        let json = #"{"title": "T", "body": "B", "url": "HTTPS://Example.COM:443/news/1?utm_source=x&page=2#top"}"#
        let report = try database.importArticles([.data(Data(json.utf8), name: "a.json")])
        #expect(report.articles[0].id == sha256Hex("https://example.com/news/1?page=2"))
        #expect(try database.article(report.articles[0].id).url == "https://example.com/news/1?page=2")
        let again = #"{"title": "T", "body": "B", "url": "https://example.com/news/1?page=2"}"#
        #expect(try database.importArticles([.data(Data(again.utf8), name: "b.json")]).unchangedCount == 1)
    }

    @Test("An article whose text changed under the same URL gets a new revision, not a duplicate")
    func updatedUnderSameURL() throws {
        let first = #"{"title": "T", "body": "First version.", "url": "https://example.com/a"}"#
        let second = #"{"title": "T", "body": "Second version.", "url": "https://example.com/a"}"#
        _ = try database.importArticles([.data(Data(first.utf8), name: "1.json")])
        let report = try database.importArticles([.data(Data(second.utf8), name: "2.json")])
        #expect(report.revisedCount == 1)
        let article = try database.article(report.articles[0].id)
        #expect(article.body == "Second version.")
        #expect(try database.search(SearchQuery("second")).count == 1)
        #expect(try database.search(SearchQuery("first")).isEmpty)
        #expect(try database.fullTextIndexIsConsistent())
    }

    @Test("Articles imported, revised and updated in the same second list in the order that happened")
    func sameSecondOrder() throws {
        // The clock is fixed, so every import has the same `imported_at`: only the changes' clocks tell them apart.
        let first = #"{"title": "Quay", "body": "First text.", "url": "https://example.com/quay"}"#
        let other = #"{"title": "Ferry", "body": "Ferry text.", "url": "https://example.com/ferry"}"#
        _ = try database.importArticles([.data(Data(first.utf8), name: "quay.json")])
        _ = try database.importArticles([.data(Data(other.utf8), name: "ferry.json")])
        #expect(try database.articles().map(\.title) == ["Ferry", "Quay"])
        let revised = #"{"title": "Quay", "body": "Second text.", "url": "https://example.com/quay"}"#
        #expect(try database.importArticles([.data(Data(revised.utf8), name: "quay.json")]).revisedCount == 1)
        #expect(try database.articles().map(\.title) == ["Quay", "Ferry"])
        let updated = #"{"title": "Ferry", "dek": "Later", "body": "Ferry text.", "url": "https://example.com/ferry"}"#
        #expect(try database.importArticles([.data(Data(updated.utf8), name: "ferry.json")]).updatedCount == 1)
        #expect(try database.articles(limit: 1).map(\.title) == ["Ferry"])
        #expect(try database.library(LibraryQuery()).entries.map(\.article.title) == ["Ferry", "Quay"])
    }

    @Test("The full-text check used by these tests catches an index out of step with the articles")
    func consistencyCheckCanFail() throws {
        _ = try database.importArticles([.data(Data(plainArticle(title: "T", body: "Original words.").utf8), name: "a")]
        )
        #expect(try database.fullTextIndexIsConsistent())
        try database.writer.write { db in try db.execute(sql: "UPDATE articles SET body = 'Changed behind the index.'")
        }
        #expect(try !database.fullTextIndexIsConsistent())
    }

    @Test("A file the database rejects is skipped; the rest of its batch is written, and the index stays consistent")
    func rejectedFileInBatch() throws {
        try database.writer.write { db in
            try db.execute(
                sql: """
                    CREATE TRIGGER poison BEFORE INSERT ON articles WHEN new.title = 'Poison'
                    BEGIN SELECT RAISE(ABORT, 'poisoned'); END
                    """)
        }
        let report = try database.importArticles([
            .data(Data(plainArticle(title: "Before", body: "One.").utf8), name: "1.txt"),
            .data(Data(plainArticle(title: "Poison", body: "Two.").utf8), name: "2.txt"),
            .data(Data(plainArticle(title: "After", body: "Three.").utf8), name: "3.txt"),
        ])
        #expect(report.articles.map(\.title) == ["Before", "After"])
        #expect(report.skipped.map(\.path) == ["2.txt"])
        #expect(report.skipped.first?.reason.hasPrefix("rejected by the database") == true)
        #expect(try database.articles().map(\.title).sorted() == ["After", "Before"])
        #expect(try database.fullTextIndexIsConsistent())
    }

    @Test("Importing through a connection pool (the server's way) works the same")
    func pool() throws {
        let pooled = try NewsDatabase.open(at: folder.path("pool.sqlite"), options: .init(connections: .pool))
        let report = try pooled.importArticles([
            .data(Data(plainArticle(title: "Pooled", body: "Words here.").utf8), name: "a")
        ])
        #expect(report.importedCount == 1)
        #expect(try pooled.search(SearchQuery("words")).map(\.title) == ["Pooled"])
    }

    @Test("A re-import that leaves fields out keeps the stored ones; one that gives them replaces them")
    func reimportKeepsMissingFields() throws {
        let full =
            #"{"title": "T", "body": "Text.", "url": "https://example.com/a", "dek": "D", "author": "Ann", "source": "S", "published": "2026-01-02"}"#
        let bare = #"{"title": "T", "body": "Text.", "url": "https://example.com/a"}"#
        let changed = #"{"title": "T", "body": "New text.", "url": "https://example.com/a", "author": "Bo"}"#
        let id = try database.importArticles([.data(Data(full.utf8), name: "1.json")]).articles[0].id
        #expect(try database.importArticles([.data(Data(bare.utf8), name: "2.json")]).unchangedCount == 1)
        #expect(try database.importArticles([.data(Data(changed.utf8), name: "3.json")]).revisedCount == 1)
        let article = try database.article(id)
        #expect(article.body == "New text.")
        #expect(article.byline == "Bo")
        #expect(article.dek == "D")
        #expect(article.source == "S")
        #expect(article.publishedAt == "2026-01-02")
    }

    @Test("Bad files are reported by path and skipped; the others still import")
    func badFilesSkipped() throws {
        let good = try folder.write("in/good.txt", plainArticle(title: "Good", body: "Fine text."))
        let latin1 = try folder.write(
            "in/latin1.txt", Data([0x54, 0x69, 0x74, 0x6C, 0x65, 0x0A, 0x0A, 0xA3, 0x35, 0x0A]))
        let empty = try folder.write("in/empty.txt", "  \n\n")
        let noBody = try folder.write("in/nobody.txt", "Just a title\n")
        let blankBody = try folder.write("in/blank.txt", "A title\n\n\u{3000}\n\n\u{00A0}—\n")
        try FileManager.default.createDirectory(atPath: folder.path("in/folder.txt"), withIntermediateDirectories: true)
        let nul = try folder.write("in/nul.txt", Data("Title\n\nBody\0text\n".utf8))
        let report = try database.importArticles([.path(folder.path("in")), .path(folder.path("missing.txt"))])
        #expect(report.articles.map(\.title) == ["Good"])
        let reasons = Dictionary(uniqueKeysWithValues: report.skipped.map { ($0.path, $0.reason) })
        #expect(reasons[latin1]?.hasPrefix("not valid UTF-8") == true)
        #expect(reasons[empty] == "the file is empty")
        #expect(reasons[noBody] == "the article has a title but no body")
        #expect(reasons[blankBody] == "the article has a title but no body")
        #expect(reasons[folder.path("in/folder.txt")] == nil, "a folder named like a file is not read as one")
        #expect(reasons[nul]?.contains("NUL") == true)
        #expect(reasons[folder.path("missing.txt")] == "no such file or folder")
        #expect(reasons[good] == nil)
    }

    @Test("Folders are searched recursively for article files, hidden files and other extensions ignored")
    func recursiveFolders() throws {
        try folder.write("tree/a.txt", plainArticle(title: "A", body: "Alpha."))
        try folder.write("tree/deep/b.TXT", plainArticle(title: "B", body: "Bravo."))
        try folder.write("tree/deep/c.jsonl", #"{"title": "C", "body": "Charlie."}"# + "\n")
        try folder.write("tree/.hidden.txt", plainArticle(title: "Hidden", body: "No."))
        try folder.write("tree/image.png", "not an article")
        let outside = try folder.write("outside/d.txt", plainArticle(title: "D", body: "Delta."))
        try FileManager.default.createSymbolicLink(
            atPath: folder.path("tree/link-to-d.txt"), withDestinationPath: outside)
        try FileManager.default.createSymbolicLink(
            atPath: folder.path("tree/loop"), withDestinationPath: folder.path("tree"))
        let report = try database.importArticles([.path(folder.path("tree"))])
        #expect(
            report.articles.map(\.title) == ["A", "B", "C", "D"], "links to files are read, links to folders are not")
        #expect(report.skipped.isEmpty)
    }

    @Test("A folder with no article files is reported")
    func emptyFolder() throws {
        try folder.write("nothing/readme.png", "x")
        let report = try database.importArticles([.path(folder.path("nothing"))])
        #expect(
            report.skipped.map(\.reason) == [
                "no article files (.txt, .text, .md, .json, .jsonl, .ndjson, .html, .htm, .rss, .atom) in this folder"
            ])
    }

    @Test("JSON, JSON arrays and JSON Lines read every field")
    func jsonFormats() throws {
        let object = #"""
            {"title": "One", "dek": "Sub", "body": "First.\n\nSecond.", "url": "https://example.com/1",
             "author": "Ann Lee", "source": "Gazette", "published": "2026-02-03T09:30:00Z", "extra": 5}
            """#
        let array = #"[{"title": "Two", "body": "B2"}, {"title": "Three", "body": "B3", "byline": "Bo"}]"#
        let lines =
            "{\"title\": \"Four\", \"body\": \"B4\"}\n\n{\"title\": \"Five\", \"body\": \"B5\", \"published\": \"March 3, 2026\"}\n"
        let report = try database.importArticles([
            .data(Data(object.utf8), name: "1.json"), .data(Data(array.utf8), name: "2.json"),
            .data(Data(lines.utf8), name: "3.jsonl"),
        ])
        #expect(report.articles.map(\.title) == ["One", "Two", "Three", "Four", "Five"])
        let one = try database.article(report.articles[0].id)
        #expect(one.dek == "Sub")
        #expect(one.byline == "Ann Lee")
        #expect(one.source == "Gazette")
        #expect(one.url == "https://example.com/1")
        #expect(one.publishedAt == "2026-02-03T09:30:00Z")
        #expect(one.body == "First.\n\nSecond.")
        #expect(one.wordCount == 2)
        #expect(try database.article(report.articles[2].id).byline == "Bo")
        #expect(try database.article(report.articles[4].id).publishedAt == "2026-03-03")
    }

    @Test("A JSON Lines file with one bad line imports nothing from that file, and says which line")
    func jsonLinesAtomic() throws {
        let lines = "{\"title\": \"Ok\", \"body\": \"Fine.\"}\n{\"title\": 5, \"body\": \"x\"}\n"
        let report = try database.importArticles([.data(Data(lines.utf8), name: "bad.jsonl")])
        #expect(report.articles.isEmpty)
        #expect(report.skipped == [SkippedFile(path: "bad.jsonl", reason: "line 2: field \"title\" must be a string")])
        #expect(try database.articles().isEmpty)
    }

    @Test(
        "JSON errors name the problem",
        arguments: [
            (#"{"title": "T"}"#, "the article has no body (field \"body\" is missing or empty)"),
            (#"{"body": "B"}"#, "field \"title\" is missing or empty"),
            (
                #"{"title": "T", "body": "B", "url": "not a url"}"#,
                "field \"url\" is not an absolute http(s) URL: not a url"
            ),
            (
                #"{"title": "T", "body": "B", "published": "someday"}"#,
                "field \"published\" is not a date newsdb can read: someday"
            ),
            (#"[]"#, "the JSON array holds no articles"),
            (#"{"title": "T", "body": "#, "not valid JSON: Unexpected end of file during JSON parse."),
            ("{\n  \"title\": \"T\",\n  \"body\": oops\n}", "not valid JSON: Invalid value around line 3, column 11."),
            ("{\"title\": \"A\", \"body\": \"x\"}\n{broken\n", "line 2: not valid JSON"),
            (#"{"title": "T", "body": "Before\u0000 after."}"#, "field \"body\" holds a NUL character (U+0000)"),
        ])
    func jsonErrors(_ json: String, _ reason: String) throws {
        let report = try database.importArticles([.data(Data(json.utf8), name: "x.json")])
        #expect(report.skipped.map(\.reason) == [reason])
    }

    @Test("The source option fills in articles that name none")
    func sourceOption() throws {
        let report = try database.importArticles(
            [.data(Data(plainArticle(title: "T", body: "B.").utf8), name: "-")], source: "Gazette")
        #expect(try database.article(report.articles[0].id).source == "Gazette")
    }

    @Test("Text is stored in Unicode NFC so the same article always has the same id")
    func nfc() throws {
        let decomposed = "Zoe\u{0308} Nova\u{0301}kova\u{0301}"
        let report = try database.importArticles([
            .data(Data(plainArticle(title: decomposed, body: "B.").utf8), name: "a")
        ])
        let article = try database.article(report.articles[0].id)
        #expect(article.title.unicodeScalars.count == "Zoë Nováková".unicodeScalars.count)
        #expect(Array(article.title.unicodeScalars) == Array("Zoë Nováková".unicodeScalars))
    }

    @Test("Progress is reported as each batch is written, ending at the total")
    func progress() throws {
        let total = NewsDatabase.importBatchFiles / 10 + 50
        for index in 0..<total { try folder.write("p/\(index).txt", plainArticle(title: "T\(index)", body: "B.")) }
        let seen = Mutex<[Int]>([])
        _ = try database.importArticles([.path(folder.path("p"))]) { progress in
            seen.withLock { $0.append(progress.filesDone) }
            #expect(progress.filesTotal == total)
        }
        #expect(seen.withLock { $0 } == [NewsDatabase.importBatchFiles / 10, total])

    }

    @Test("The sample articles shipped with the project all import")
    func samples() throws {
        let report = try database.importArticles([.path(repositoryRoot.appending(path: "samples/articles").path)])
        #expect(report.skipped.isEmpty)
        #expect(report.importedCount >= 7)
        let strike = try #require(report.articles.first { $0.title.hasPrefix("Dockworkers") })
        let article = try database.article(strike.id)
        #expect(article.byline == "Zoë Nováková")
        #expect(article.publishedAt == "2026-03-16T10:44:00Z")
    }
}
