import Foundation
import GRDB
import Testing

@testable import Store

/// Fixture databases, one per schema version newsdb has shipped (`Fixtures/schema-N.sqlite`, written by that
/// version from `samples/articles`), each upgraded to the newest schema with its data intact.
@Suite struct UpgradeTests {
    static let fixtures = repositoryRoot.appending(path: "Tests/StoreTests/Fixtures")

    static func fixture(_ version: Int) -> URL { fixtures.appending(path: "schema-\(version).sqlite") }

    @Test("Every schema version newsdb has shipped has a fixture database")
    func everyVersionHasAFixture() {
        for version in 1...Migration.latestVersion {
            #expect(
                FileManager.default.fileExists(atPath: Self.fixture(version).path), "no fixture for schema \(version)")
        }
    }

    @Test(
        "A database at each schema version upgrades to the newest with its articles intact",
        arguments: 1...Migration.latestVersion)
    func upgrade(from version: Int) throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("old.sqlite")
        try FileManager.default.copyItem(atPath: Self.fixture(version).path, toPath: path)
        let before = try DatabaseQueue(path: path).read { db in
            (
                try Int.fetchOne(db, sql: "SELECT max(version) FROM newsdb_migrations"),
                try Row.fetchAll(db, sql: "SELECT id, title, body FROM articles ORDER BY id"),
                try String.fetchOne(db, sql: "SELECT id FROM replica"),
                try db.tableExists("annotations")
                    ? Row.fetchAll(db, sql: "SELECT id, note, exact, deleted_at FROM annotations ORDER BY id") : []
            )
        }
        #expect(before.0 == version)
        #expect(!before.1.isEmpty)

        let database = try NewsDatabase.open(at: path, options: .init(clock: fixedClock))
        #expect(database.migration.fromVersion == version)
        #expect(database.migration.toVersion == Migration.latestVersion)
        #expect((database.migration.backupPath != nil) == (version < Migration.latestVersion))

        let ids = before.1.map { $0["id"] as String }
        for (row, id) in zip(before.1, ids) {
            let article = try database.article(id)
            #expect(article.title == row["title"])
            #expect(article.body == row["body"])
        }
        #expect(try database.replica().id == before.2)
        let annotations = try database.annotations(AnnotationFilter(includeDeleted: true)).sorted { $0.id < $1.id }
        #expect(annotations.map(\.id) == before.3.map { $0["id"] as String })
        for (annotation, row) in zip(annotations, before.3) {
            #expect(annotation.note == row["note"])
            #expect(annotation.selector.exact == row["exact"])
            #expect(annotation.deletedAt == row["deleted_at"])
        }
        let hits = try database.search(SearchQuery("harbour"), limit: 100)
        #expect(!hits.isEmpty)
        let integrity = try database.writer.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") }
        #expect(integrity == "ok")
        #expect(try database.fullTextIndexIsConsistent())
        // The same files imported again after the upgrade are the same articles: no new ids, no new texts.
        let again = try database.importArticles([.path(repositoryRoot.appending(path: "samples/articles").path)])
        #expect(again.importedCount == 0 && again.articles.allSatisfy { $0.status != .revised })
    }

    @Test("What a database held before the change log becomes its own changes, ready to send to a teammate")
    func changeLogFromEarlierData() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("news.sqlite")
        try FileManager.default.copyItem(atPath: Self.fixture(2).path, toPath: path)
        let database = try NewsDatabase.open(at: path, options: .init(backup: false, clock: fixedClock))
        var changes: [Change] = []
        try database.exportChanges(
            excluding: Knowledge(), newsdbVersion: "test", header: { _ in }, change: { changes.append($0) })
        let annotations = try database.annotations(AnnotationFilter(includeDeleted: true))
        let created = changes.compactMap { change -> String? in
            if case .create(let creation) = change.body { return creation.id }
            return nil
        }
        #expect(Set(created) == Set(annotations.map(\.id)))
        #expect(changes.contains { if case .delete = $0.body { true } else { false } })
        #expect(
            changes.filter { if case .article = $0.body { true } else { false } }.count
                == (try database.articles().count))
        // Every change has its own id, and new changes carry on after them.
        #expect(Set(changes.map(\.id)).count == changes.count)
        let next = try database.annotate(
            AnnotationDraft(article: annotations[0].articleID, quote: annotations[0].selector.exact, occurrence: 1))
        #expect(try database.knowledge().count(for: try database.replica().id) == Int64(changes.count) + 1)
        _ = next
    }
}
