import Foundation
import GRDB
import Testing

@testable import Store

/// Annotations on an article's headline and dek: made, refused, listed in document order, re-anchored on the part's
/// text of each new revision, and exported as the body's are.
@Suite struct ArticlePartTests {
    let folder: TemporaryDirectory
    let database: NewsDatabase
    let articleID: String

    static let title = "Ferry fares to double, operator says"
    static let dek = "Islanders fear the 🚢 link will become unaffordable"
    static let body = "The island ferry will charge twice as much from May. The operator blames fuel costs."

    init() throws {
        folder = try TemporaryDirectory()
        database = try NewsDatabase.fresh(in: folder)
        articleID = try Self.importVersion(database, title: Self.title, dek: Self.dek, body: Self.body).articles[0].id
    }

    @discardableResult
    private static func importVersion(_ database: NewsDatabase, title: String, dek: String?, body: String) throws
        -> ArticleImportReport
    {
        var fields: [String: Any] = ["title": title, "body": body, "url": "https://example.com/ferry-fares"]
        if let dek { fields["dek"] = dek }
        let json = try JSONSerialization.data(withJSONObject: fields)
        return try database.importArticles([.data(json, name: "ferry.json")])
    }

    @discardableResult
    private func importVersion(title: String, dek: String? = Self.dek, body: String) throws -> ArticleImportReport {
        try Self.importVersion(database, title: title, dek: dek, body: body)
    }

    private func count() throws -> Int { try database.annotations(AnnotationFilter(includeDeleted: true)).count }

    @Test("A quote in the headline is annotated on the headline, its offsets in the headline's scalars")
    func headline() throws {
        let annotation = try database.annotate(
            AnnotationDraft(article: articleID, part: .title, quote: "to double", note: "Misleading: +40%"))
        #expect(annotation.part == .title)
        #expect(
            annotation.selector
                == TextSelector(
                    exact: "to double", prefix: "Ferry fares ", suffix: ", operator says", start: 12, end: 21))
        #expect(annotation.anchor == Anchor(state: .exact, revision: 1, range: 12..<21))
        // The same words are not looked for in the body, and the body's are not looked for in the headline.
        #expect(try database.annotations().map(\.part) == [.title])
    }

    @Test("Offsets in the dek count Unicode scalars after an emoji")
    func dekAfterEmoji() throws {
        let annotation = try database.annotate(
            AnnotationDraft(article: articleID, part: .dek, quote: "become unaffordable"))
        let start = Self.dek.unicodeScalars.count - "become unaffordable".unicodeScalars.count
        #expect(annotation.part == .dek)
        #expect(annotation.selector.start == start)
        #expect(annotation.selector.prefix == "Islanders fear the 🚢 link will ")
    }

    @Test(
        "A quote not in the part, a dek the article lacks, or a position off the part's text is refused; nothing is written"
    )
    func refusals() throws {
        let missing = #expect(throws: StoreError.self) {
            try database.annotate(AnnotationDraft(article: articleID, part: .title, quote: "fuel costs"))
        }
        #expect(missing?.code == .notFound)
        #expect(
            missing?.message.hasPrefix("the quote does not occur in the headline of article \(articleID.prefix(8))")
                == true)
        let position = #expect(throws: StoreError.self) {
            try database.annotate(
                AnnotationDraft(
                    article: articleID, part: .title, quote: "to double",
                    position: PassagePosition(start: 13, end: 22, prefix: "", suffix: "")))
        }
        #expect(position?.message.contains("the headline of article") == true)
        let plain = try database.importArticles([
            .data(
                Data(plainArticle(title: "Bridge reopens", body: "The bridge reopened on Monday.").utf8), name: "b.txt")
        ])
        let noDek = #expect(throws: StoreError.self) {
            try database.annotate(AnnotationDraft(article: plain.articles[0].id, part: .dek, quote: "Bridge"))
        }
        #expect(
            noDek?.message == "article \(plain.articles[0].id.prefix(8)) has no dek; annotate its headline or its body")
        #expect(try count() == 0)
    }

    @Test("Annotations list in document order: the headline's, the dek's, then the body's")
    func documentOrder() throws {
        _ = try database.annotate(AnnotationDraft(article: articleID, quote: "twice as much"))
        _ = try database.annotate(AnnotationDraft(article: articleID, part: .dek, quote: "Islanders"))
        _ = try database.annotate(AnnotationDraft(article: articleID, part: .title, quote: "operator says"))
        _ = try database.annotate(AnnotationDraft(article: articleID, part: .title, quote: "Ferry"))
        #expect(
            try database.annotations().map(\.selector.exact) == [
                "Ferry", "operator says", "Islanders", "twice as much",
            ])
        #expect(
            try database.articleView(articleID).annotations.map(\.selector.exact) == [
                "Ferry", "operator says", "Islanders", "twice as much",
            ])
    }

    @Test(
        "A changed headline re-anchors its annotations as a changed body does: moved, fuzzy or orphaned; the body's stay"
    )
    func changedHeadline() throws {
        let moved = try database.annotate(AnnotationDraft(article: articleID, part: .title, quote: "operator says"))
        let fuzzy = try database.annotate(
            AnnotationDraft(article: articleID, part: .title, quote: "Ferry fares to double"))
        let gone = try database.annotate(AnnotationDraft(article: articleID, part: .dek, quote: "Islanders fear"))
        let body = try database.annotate(AnnotationDraft(article: articleID, quote: "fuel costs"))
        #expect(
            try importVersion(title: "Update: Ferry fares to triple, operator says", dek: "A new dek", body: Self.body)
                .revisedCount == 1)
        let after = Dictionary(uniqueKeysWithValues: try database.annotations().map { ($0.id, $0) })
        let title = "Update: Ferry fares to triple, operator says"
        func text(_ range: Range<Int>?) throws -> String {
            let range = try #require(range)
            return String(
                String.UnicodeScalarView(title.unicodeScalars.dropFirst(range.lowerBound).prefix(range.count)))
        }
        #expect(after[moved.id]?.anchor.state == .moved)
        #expect(try text(after[moved.id]?.anchor.range) == "operator says")
        #expect(after[fuzzy.id]?.anchor.state == .fuzzy)
        #expect(try text(after[fuzzy.id]?.anchor.range) == "Ferry fares to triple")
        #expect(after[gone.id]?.anchor.state == .orphan)
        #expect(
            after[body.id]?.anchor == Anchor(state: .exact, revision: 2, range: body.selector.start..<body.selector.end)
        )
        // On the earlier revision, the headline's annotations stand where they were made.
        let old = try database.articleView(articleID, revision: 1)
        #expect(
            old.annotations.first { $0.id == fuzzy.id }?.anchor == Anchor(state: .exact, revision: 1, range: 0..<21))
        #expect(old.annotations.first { $0.id == gone.id }?.anchor.state == .exact)
        // A body-only revision leaves the headline's annotations exact.
        try importVersion(title: title, dek: "A new dek", body: Self.body + " Fares were last raised in 2019.")
        #expect(try database.annotation(moved.id.prefix(8).description).anchor.state == .moved)
        #expect(try database.annotation(moved.id.prefix(8).description).anchor.range == after[moved.id]?.anchor.range)
    }

    @Test("Markdown says (headline) or (dek); W3C refines the selectors by the part, and reads them back")
    func exports() throws {
        let title = try database.annotate(
            AnnotationDraft(article: articleID, part: .title, quote: "to double", note: "+40%, not +100%"))
        _ = try database.annotate(AnnotationDraft(article: articleID, quote: "fuel costs"))
        let markdown = String(decoding: try database.exportAnnotations(.markdown), as: UTF8.self)
        #expect(markdown.contains("> to double *(headline)*\n"))
        #expect(markdown.contains("> fuel costs\n"))
        let w3c = try database.exportAnnotations(.w3c)
        let document = try #require(try JSONSerialization.jsonObject(with: w3c) as? [String: Any])
        let items = try #require((document["first"] as? [String: Any])?["items"] as? [[String: Any]])
        let selectors = try #require((items[0]["target"] as? [String: Any])?["selector"] as? [[String: Any]])
        #expect(selectors.count == 2)
        #expect(
            selectors.allSatisfy {
                $0["type"] as? String == "FragmentSelector" && $0["value"] as? String == "title"
                    && $0["conformsTo"] as? String == "urn:newsdb:article-part"
            })
        #expect((selectors[0]["refinedBy"] as? [String: Any])?["exact"] as? String == "to double")
        #expect((selectors[1]["refinedBy"] as? [String: Any])?["start"] as? Int == 12)
        let body = try #require((items[1]["target"] as? [String: Any])?["selector"] as? [[String: Any]])
        #expect(body.map { $0["type"] as? String } == ["TextQuoteSelector", "TextPositionSelector"])

        // Into a fresh database holding the article, the export gives the same annotations on the same parts.
        let other = try NewsDatabase.fresh(in: folder, name: "other.sqlite")
        let json = try JSONSerialization.data(withJSONObject: [
            "title": Self.title, "dek": Self.dek, "body": Self.body, "url": "https://example.com/ferry-fares",
        ])
        _ = try other.importArticles([.data(json, name: "ferry.json")])
        #expect(try other.importAnnotations(w3c).created == 2)
        let copied = try other.annotation(title.id)
        #expect(copied.part == .title)
        #expect(copied.selector == title.selector)
        #expect(copied.anchor.state == .exact)
    }

    @Test("An import names the part with \"part\"; an unknown part or an existing annotation's other part is refused")
    func jsonLinesImport() throws {
        let line = #"{"article": "\#(articleID)", "part": "dek", "quote": "Islanders fear", "note": "Who says?"}"#
        let report = try database.importAnnotations(Data(line.utf8))
        #expect(report.created == 1)
        let made = try #require(try database.annotations().first)
        #expect(made.part == .dek)
        #expect(made.selector.start == 0)
        let unknown = #"{"article": "\#(articleID)", "part": "byline", "quote": "Islanders"}"#
        #expect(throws: StoreError.self) { try database.importAnnotations(Data(unknown.utf8)) }
        let moved = #"{"article": "\#(articleID)", "id": "\#(made.id)", "quote": "fuel costs"}"#
        let refused = #expect(throws: StoreError.self) { try database.importAnnotations(Data(moved.utf8)) }
        #expect(refused?.message.contains("is on the dek, not the body") == true)
        #expect(try count() == 1)
    }

    @Test("A schema 7 database's annotations are on the body once migrated")
    func migratedRowsAreOnTheBody() throws {
        let path = folder.path("seven.sqlite")
        try FileManager.default.copyItem(atPath: UpgradeTests.fixture(7).path, toPath: path)
        let migrated = try NewsDatabase.open(at: path, options: .init(backup: false))
        let annotations = try migrated.annotations(AnnotationFilter(includeDeleted: true))
        #expect(!annotations.isEmpty)
        #expect(annotations.allSatisfy { $0.part == .body })
    }
}
