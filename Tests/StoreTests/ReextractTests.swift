import Foundation
import GRDB
import Testing

@testable import Store

@Suite struct ReextractTests {
    let folder: TemporaryDirectory
    let database: NewsDatabase

    init() throws {
        folder = try TemporaryDirectory()
        database = try NewsDatabase.fresh(in: folder)
    }

    /// Imports `html` as `name` and returns the article's id.
    func importPage(_ html: String = page(body: storyParagraphs), name: String = "page.html") throws -> String {
        let report = try database.importArticles([.path(try folder.write(name, html))])
        return try #require(report.articles.first).id
    }

    /// Makes the stored text of `id` what an older extractor might have made of its page: `body` in place of the
    /// extracted one (the full-text index kept in step).
    func storeOlderExtraction(_ id: String, body: String) throws {
        try database.writer.write { db in
            let row = try #require(
                try Row.fetchOne(db, sql: "SELECT seq, title FROM articles WHERE id = ?", arguments: [id]))
            let draft = ArticleDraft(title: row["title"], body: body)
            try ArticleIndex.remove(seq: row["seq"], db)
            try db.execute(
                sql: "UPDATE articles SET body = ?, content_hash = ?, word_count = ? WHERE id = ?",
                arguments: [draft.body, draft.contentHash, draft.wordCount, id])
            try ArticleIndex.add(seq: row["seq"], title: draft.title, dek: nil, byline: nil, body: draft.body, db)
        }
    }

    func keptPageBytes(_ id: String) throws -> Data? {
        try database.writer.read { db in
            try Row.fetchOne(
                db, sql: "SELECT page, size, sha256 FROM article_pages WHERE article_id = ?", arguments: [id])
        }.map { try KeptPage(compressed: $0["page"], size: $0["size"], sha256: $0["sha256"]).page() }
    }

    @Test("A page is kept compressed and reads back byte for byte")
    func kept() throws {
        let html = page(body: String(repeating: storyParagraphs, count: 20))
        let id = try importPage(html)
        #expect(try keptPageBytes(id) == Data(html.utf8))
        let stored = try database.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT length(page) FROM article_pages WHERE article_id = ?", arguments: [id])
        }
        #expect(try #require(stored) < html.utf8.count / 4)
    }

    @Test("A page is kept as a Zstandard frame, and a page an earlier version kept with zlib still reads")
    func formats() throws {
        let kept = try KeptPage(page: Data("<p>a page</p>".utf8))
        #expect(kept.compressed.starts(with: [0x28, 0xB5, 0x2F, 0xFD]))
        // What KeptPage stored before it used Zstandard: zlib's fastest level, as compress2 wrote it.
        let text = "<p>A page kept by an older newsdb, compressed with zlib.</p>"
        let hex = Array(
            "7801b329b0735428484c4f55c84e2d285148aa5448cc53c8cf49492d52c84b2d2f4e49d25148cecf2d284a2d2e4e4d"
                + "5128cf2cc950a8cac94cd2b3d12fb00300784614f5")
        let zlib = Data(
            try stride(from: 0, to: hex.count, by: 2).map { try #require(UInt8(String(hex[$0...$0 + 1]), radix: 16)) })
        let old = KeptPage(
            compressed: zlib, size: 60, sha256: "fcf0d95177d7746785822941c21c58d29816a2d7231779a78999ec6bf22b997f")
        #expect(try old.page() == Data(text.utf8))
    }

    @Test("A damaged kept page is reported, never read as the page")
    func damaged() throws {
        let page = try KeptPage(page: Data("<p>a page</p>".utf8))
        var flipped = page.compressed
        flipped[flipped.count / 2] ^= 0xFF
        #expect(throws: StoreError.self) {
            try KeptPage(compressed: flipped, size: page.size, sha256: page.sha256).page()
        }
        #expect(throws: StoreError.self) {
            try KeptPage(compressed: page.compressed, size: page.size, sha256: String(repeating: "0", count: 64)).page()
        }
        #expect(try page.page() == Data("<p>a page</p>".utf8))
    }

    @Test("Re-extracting with the same extractor changes nothing")
    func unchanged() throws {
        let id = try importPage()
        let report = try database.reextractArticles()
        #expect(report.articles.map(\.status) == [.unchanged])
        #expect(report.skipped.isEmpty && report.withoutPage.isEmpty)
        #expect(try database.article(id).revision == 1)
    }

    @Test("A text an older extractor made becomes a new revision, and its annotations are re-anchored on it")
    func revised() throws {
        let id = try importPage()
        let older = "Menu Home News Sport\n\n" + harbourStory.joined(separator: "\n\n")
        try storeOlderExtraction(id, body: older)
        let annotation = try database.annotate(AnnotationDraft(article: id, quote: "Work starts in May."))
        let report = try database.reextractArticles(String(id.prefix(10)))
        #expect(report.articles.map(\.status) == [.revised])
        let article = try database.article(id)
        #expect(article.revision == 2)
        #expect(article.body == harbourStory.joined(separator: "\n\n"))
        #expect(try database.article(id, revision: 1).body == older)
        let anchored = try database.annotation(annotation.id)
        #expect(anchored.anchor.state == .moved)
        // The page now stands for revision 2: re-extracting again changes nothing.
        #expect(try database.reextractArticles().articles.map(\.status) == [.unchanged])
    }

    @Test("Articles without a kept page are listed, and the others are still extracted again")
    func withoutPage() throws {
        let id = try importPage()
        let text = try database.importArticles([
            .data(Data("Ferry notes\n\nThe ferry runs late.\n".utf8), name: "a.txt")
        ])
        let plain = try #require(text.articles.first).id
        let report = try database.reextractArticles()
        #expect(report.articles.map(\.id) == [id])
        #expect(report.withoutPage == [plain])
        #expect(report.skipped.isEmpty)
        do {
            _ = try database.reextractArticles(plain)
            Issue.record("an article without a kept page was re-extracted")
        } catch let error as StoreError {
            #expect(error.code == .notFound)
            #expect(error.message.hasPrefix("article \(plain.prefix(8)) has no kept page"))
        }
    }

    @Test("An article whose text was revised from another file is skipped, its text left as it is")
    func revisedElsewhere() throws {
        let id = try importPage()
        let text = "Sea wall to be rebuilt\n\nA shorter text from the print edition.\n"
        _ = try database.importArticles([.data(Data(text.utf8), name: "print.txt")], revisionOf: id)
        let report = try database.reextractArticles()
        #expect(report.articles.isEmpty)
        #expect(
            report.skipped == [
                SkippedFile(
                    path: id,
                    reason:
                        "its current text (revision 2) did not come from its kept page (revision 1); import the page again to make it current"
                )
            ])
        #expect(try database.article(id).body == "A shorter text from the print edition.")
        // Importing the page again makes it current: its text is revision 3, and it can be re-extracted.
        _ = try importPage()
        #expect(try database.article(id).revision == 3)
        #expect(try database.reextractArticles().articles.map(\.status) == [.unchanged])
    }

    @Test("A damaged page is skipped with its reason; the other articles are still extracted again")
    func damagedPageSkipped() throws {
        let first = try importPage()
        let second = try importPage(page(head: "<title>Ferry timetable</title>", body: storyParagraphs), name: "b.html")
        try database.writer.write { db in
            try db.execute(sql: "UPDATE article_pages SET page = x'00112233' WHERE article_id = ?", arguments: [first])
        }
        let report = try database.reextractArticles()
        #expect(report.articles.map(\.id) == [second])
        #expect(report.skipped.map(\.path) == [first])
        #expect(report.skipped.first?.reason.contains("the kept page is damaged") == true)
    }

    @Test("Importing a page again keeps it for an article stored before pages were kept")
    func keptOnReimport() throws {
        let id = try importPage()
        try database.writer.write { db in try db.execute(sql: "DELETE FROM article_pages") }
        #expect(try database.reextractArticles().withoutPage == [id])
        let again = try database.importArticles([.path(folder.path("page.html"))])
        #expect(again.unchangedCount == 1)
        #expect(try database.reextractArticles().articles.map(\.id) == [id])
    }
}
