import Foundation
import GRDB
import Testing

@testable import Store

/// Pages of the changes a teammate lacks cost what they hold: each table's changes are read by keyset on (origin,
/// counter) from the index, never sorted whole again for each page.
@Suite struct ExportPageTests {
    @Test("Each table's changes are read from its (origin, counter) index, without sorting the remainder")
    func pagesReadByKeyset() throws {
        let folder = try TemporaryDirectory()
        let database = try NewsDatabase.fresh(in: folder)
        let tables = [
            ("articles", "id"), ("article_revisions", "article_id"), ("annotations", "id"), ("changes", "kind"),
            ("pending_changes", "change"),
        ]
        for (table, columns) in tables {
            let plan = try database.read("planning") { db in
                try Row.fetchAll(
                    db, sql: "EXPLAIN QUERY PLAN " + NewsDatabase.changeRangeQuery(table: table, columns: columns),
                    arguments: [1, 1, 10]
                ).map { $0["detail"] as String }
            }
            #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(table): \(plan)")
            #expect(plan.contains { $0.contains("INDEX") || $0.contains("PRIMARY KEY") }, "\(table): \(plan)")
        }
    }

    @Test("Pages of one change each, each computed from what was received, hold every change once")
    func onePerPage() throws {
        let folder = try TemporaryDirectory()
        let database = try NewsDatabase.fresh(in: folder)
        let body = "The ferry runs less often while the bridge is shut all week."
        _ = try database.importArticles([
            .data(Data(plainArticle(title: "Ferry cut", body: body).utf8), name: "a.txt"),
            .data(Data(plainArticle(title: "Bridge shut", body: "Closed.").utf8), name: "b.txt"),
        ])
        let id = try database.articles().first { $0.title == "Ferry cut" }!.id
        for quote in ["ferry", "runs", "often", "bridge", "week"] {
            let annotation = try database.annotate(AnnotationDraft(article: id, quote: quote, note: quote))
            try database.editAnnotation(annotation.id, AnnotationChanges(note: quote + " again"))
        }
        let whole = try database.exportPage(excluding: Knowledge(), limit: 1000, newsdbVersion: "test")
        var known = Knowledge()
        var ids: [ChangeID] = []
        while true {
            let page = try database.exportPage(excluding: known, limit: 1, newsdbVersion: "test")
            ids += page.changes.map(\.id)
            known = known.union(page.header.covers)
            if page.isLast { break }
        }
        #expect(ids.count == whole.changes.count && Set(ids) == Set(whole.changes.map(\.id)))
    }
}
