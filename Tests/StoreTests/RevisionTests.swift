import Foundation
import GRDB
import Testing

@testable import Store

@Suite struct RevisionTests {
    let folder: TemporaryDirectory
    let database: NewsDatabase

    init() throws {
        folder = try TemporaryDirectory()
        database = try NewsDatabase.fresh(in: folder)
    }

    private func importVersion(_ body: String, title: String = "Budget") throws -> ArticleImportReport {
        let json = try JSONSerialization.data(withJSONObject: [
            "title": title, "body": body, "url": "https://example.com/budget",
        ])
        return try database.importArticles([.data(json, name: "budget.json")])
    }

    @Test("A changed text under the same URL is a new revision; the old text stays readable")
    func newRevision() throws {
        let id = try importVersion("First text of the budget story.").articles[0].id
        let report = try importVersion("Second text of the budget story, longer.")
        #expect(report.articles.map(\.status) == [.revised])
        #expect(try database.article(id).revision == 2)
        #expect(try database.article(id).body == "Second text of the budget story, longer.")
        #expect(try database.article(id, revision: 1).body == "First text of the budget story.")
        #expect(try database.article(id, revision: 1).revision == 1)
        #expect(throws: StoreError.self) { try database.article(id, revision: 3) }
        #expect(try database.fullTextIndexIsConsistent())
        #expect(try importVersion("Second text of the budget story, longer.").unchangedCount == 1)
    }

    @Test("Every annotation is re-anchored and reports how: exact, moved, fuzzy or orphan; nothing is dropped")
    func reanchoring() throws {
        let original = """
            The council approved a budget of £48.6m on Tuesday. Council tax will rise by 4.9% in April.
            The leader said the plan protects libraries. Opposition members called it reckless.
            """
        let id = try importVersion(original).articles[0].id
        let exact = try database.annotate(AnnotationDraft(article: id, quote: "The council approved a budget"))
        let moved = try database.annotate(AnnotationDraft(article: id, quote: "protects libraries", note: "verify"))
        let fuzzy = try database.annotate(AnnotationDraft(article: id, quote: "Council tax will rise by 4.9% in April"))
        let orphan = try database.annotate(AnnotationDraft(article: id, quote: "Opposition members called it reckless"))

        let revised = """
            The council approved a budget of £48.6m on Tuesday. Council tax will rise by 5.1% in April.
            In a late change, the leader said the plan also protects libraries and swimming pools.
            """
        #expect(try importVersion(revised).revisedCount == 1)
        let after = Dictionary(uniqueKeysWithValues: try database.annotations().map { ($0.id, $0) })
        #expect(after.count == 4)
        #expect(after[exact.id]?.anchor.state == .exact)
        #expect(after[moved.id]?.anchor.state == .moved)
        #expect(after[fuzzy.id]?.anchor.state == .fuzzy)
        #expect(after[orphan.id]?.anchor.state == .orphan)
        #expect(after[orphan.id]?.anchor.range == nil)
        #expect(after[orphan.id]?.selector.exact == "Opposition members called it reckless")
        #expect(after.values.allSatisfy { $0.anchor.revision == 2 })

        let body = Array(try database.article(id).body.unicodeScalars)
        func text(_ range: Range<Int>?) -> String {
            guard let range else { return "" }
            var view = String.UnicodeScalarView()
            view.append(contentsOf: body[range])
            return String(view)
        }
        #expect(text(after[moved.id]?.anchor.range) == "protects libraries")
        #expect(text(after[fuzzy.id]?.anchor.range) == "Council tax will rise by 5.1% in April")
        #expect(try database.annotations(AnnotationFilter(orphansOnly: true)).map(\.id) == [orphan.id])
    }

    @Test("A fuzzy match keeps a changed last character inside the highlight")
    func fuzzyKeepsChangedEnd() throws {
        let id = try importVersion("The turnout was counted by Maureen Tulloch, on 934 ballots. Then the hall closed.")
            .articles[0].id
        let annotation = try database.annotate(AnnotationDraft(article: id, quote: "Maureen Tulloch, on 934"))
        _ = try importVersion("The turnout was counted by Maureen Tulloch, on 936 ballots. Then the hall closed.")
        let after = try database.annotation(annotation.id)
        #expect(after.anchor.state == .fuzzy)
        let body = Array(try database.article(id).body.unicodeScalars)
        let range = try #require(after.anchor.range)
        #expect(String(String.UnicodeScalarView(body[range])) == "Maureen Tulloch, on 936")
    }

    @Test("A short figure that changed keeps its highlight when its context on both sides is intact")
    func shortFigure() throws {
        let id = try importVersion("Council tax will rise by 4.9% in April, the council said.").articles[0].id
        let annotation = try database.annotate(AnnotationDraft(article: id, quote: "by 4.9%"))
        _ = try importVersion("Council tax will rise by 5.1% in April, the council said.")
        #expect(try database.annotation(annotation.id).anchor.state == .fuzzy)
    }

    @Test("A short quote whose own occurrence was removed does not jump to another one with other context")
    func otherOccurrence() throws {
        let id = try importVersion(
            "Pickets stood at the main gate at dawn. Later, union leaders spoke at the main gate to reporters."
        ).articles[0].id
        let annotation = try database.annotate(AnnotationDraft(article: id, quote: "main gate", occurrence: 2))
        _ = try importVersion("Pickets stood at the main gate at dawn. Later, union leaders spoke to reporters.")
        #expect(try database.annotation(annotation.id).anchor.state == .orphan)
    }

    @Test("An orphan finds its way back when a later revision restores its passage")
    func orphanReturns() throws {
        let id = try importVersion("Alpha beta gamma. The mayor resigned on Friday. Delta.").articles[0].id
        let annotation = try database.annotate(AnnotationDraft(article: id, quote: "The mayor resigned on Friday"))
        _ = try importVersion("Alpha beta gamma. Delta epsilon zeta eta theta.")
        #expect(try database.annotation(annotation.id).anchor.state == .orphan)
        _ = try importVersion("Alpha beta gamma. Delta. The mayor resigned on Friday.")
        #expect(try database.annotation(annotation.id).anchor.state == .moved)
    }

    @Test("--revision-of stores a file without URL as the new text of a chosen article")
    func revisionOf() throws {
        let id = try importVersion("The first text.").articles[0].id
        let report = try database.importArticles(
            [.data(Data("Budget\n\nThe corrected text.\n".utf8), name: "fix.txt")], revisionOf: String(id.prefix(8)))
        #expect(report.articles.map(\.status) == [.revised])
        #expect(report.articles.map(\.id) == [id])
        #expect(try database.article(id).body == "The corrected text.")
        let two = try database.importArticles(
            [.data(Data(#"[{"title": "a", "body": "b"}, {"title": "c", "body": "d"}]"#.utf8), name: "two.json")],
            revisionOf: id)
        #expect(two.skipped.map(\.reason) == ["--revision-of takes a file holding one article; this one holds 2"])

        let json = try JSONSerialization.data(withJSONObject: [
            "title": "Other", "body": "Other text.", "url": "https://example.com/other",
        ])
        _ = try database.importArticles([.data(json, name: "other.json")])
        let stolen = try JSONSerialization.data(withJSONObject: [
            "title": "Budget", "body": "New text.", "url": "https://example.com/other",
        ])
        let error = #expect(throws: StoreError.self) {
            try database.importArticles([.data(stolen, name: "stolen.json")], revisionOf: id)
        }
        #expect(error?.message.hasPrefix("the file's URL https://example.com/other belongs to article") == true)
        #expect(try database.article(id).body == "The corrected text.")
    }
}
