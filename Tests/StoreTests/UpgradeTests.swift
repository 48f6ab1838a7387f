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
            #expect(FileManager.default.fileExists(atPath: Self.fixture(version).path), "no fixture for schema \(version)")
        }
    }

    @Test("A database at each schema version upgrades to the newest with its articles intact", arguments: 1...Migration.latestVersion)
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
    }
}
