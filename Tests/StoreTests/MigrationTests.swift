import Foundation
import GRDB
import Testing

@testable import Store

@Suite struct MigrationTests {
    @Test("The migrations inside the binary are byte for byte the files in migrations/")
    func embeddedMatchFiles() throws {
        let folder = repositoryRoot.appending(path: "migrations")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }
            .sorted()
        #expect(!names.isEmpty)
        #expect(Migration.embedded.map(\.fileName) == names)
        for migration in Migration.embedded {
            let bytes = try Data(contentsOf: folder.appending(path: migration.fileName))
            #expect(migration.bytes == bytes, "\(migration.fileName) differs from the embedded copy")
        }
    }

    @Test("Migrations are numbered 1, 2, 3… with no gap or duplicate")
    func numbering() {
        #expect(Migration.embedded.map(\.version) == Array(1...Migration.embedded.count))
        #expect(Migration.latestVersion == Migration.embedded.count)
    }

    @Test("The checksum ignores line-ending style but not content")
    func checksumNormalizesLineEndings() {
        let lf = Data("CREATE TABLE t (a);\nCREATE TABLE u (b);\n".utf8)
        let crlf = Data("CREATE TABLE t (a);\r\nCREATE TABLE u (b);\r\n".utf8)
        let cr = Data("CREATE TABLE t (a);\rCREATE TABLE u (b);\r".utf8)
        let other = Data("CREATE TABLE t (a);\nCREATE TABLE u (c);\n".utf8)
        #expect(Migration.checksum(of: lf) == Migration.checksum(of: crlf))
        #expect(Migration.checksum(of: lf) == Migration.checksum(of: cr))
        #expect(Migration.checksum(of: lf) != Migration.checksum(of: other))
    }

    @Test("A file name without a version number is rejected")
    func badFileName() {
        #expect(throws: StoreError.self) { try Migration(fileName: "create.sql", bytes: Data()) }
        #expect(throws: StoreError.self) { try Migration(fileName: "01_create.sql", bytes: Data()) }
    }

    @Test("A new database gets every migration, recorded with its checksum, and user_version")
    func freshDatabase() throws {
        let folder = try TemporaryDirectory()
        let database = try NewsDatabase.fresh(in: folder)
        #expect(database.migration.created)
        #expect(database.migration.applied.map(\.version) == Migration.embedded.map(\.version))
        #expect(database.migration.backupPath == nil)
        let (records, userVersion, integrity) = try database.writer.read { db in
            (
                try Row.fetchAll(db, sql: "SELECT version, checksum FROM newsdb_migrations ORDER BY version"),
                try Int.fetchOne(db, sql: "PRAGMA user_version"),
                try String.fetchOne(db, sql: "PRAGMA integrity_check")
            )
        }
        #expect(records.map { $0["checksum"] as String } == Migration.embedded.map(\.checksum))
        #expect(userVersion == Migration.latestVersion)
        #expect(integrity == "ok")
        let status = try NewsDatabase.migrationStatus(at: database.path)
        #expect(status.pending.isEmpty)
        #expect(status.currentVersion == Migration.latestVersion)
    }

    @Test("The database file is created readable by its owner only")
    func ownerOnly() throws {
        let folder = try TemporaryDirectory()
        let database = try NewsDatabase.fresh(in: folder)
        let mode = try FileManager.default.attributesOfItem(atPath: database.path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
    }

    @Test("Opening a current database applies nothing and takes no backup")
    func reopen() throws {
        let folder = try TemporaryDirectory()
        _ = try NewsDatabase.fresh(in: folder)
        let again = try NewsDatabase.fresh(in: folder)
        #expect(!again.migration.created)
        #expect(!again.migration.didMigrate)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: folder.url.path).filter { $0.hasSuffix(".bak") }.isEmpty
        )
    }

    @Test("Opening a current database and reading from it leaves every byte of the file as it was")
    func readingWritesNothing() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("news.sqlite")
        do {
            let database = try NewsDatabase.open(at: path)
            _ = try database.importArticles([.data(Data(plainArticle(title: "T", body: "B.").utf8), name: "a")])
        }
        let before = snapshotBytes(path)
        do {
            let database = try NewsDatabase.open(at: path)
            _ = try database.articles()
            _ = try database.status()
            #expect(throws: StoreError.self) { try database.article("ffff0000") }
        }
        #expect(snapshotBytes(path) == before)
    }

    @Test("A database written by a newer newsdb is refused, named by version, and left untouched")
    func newerSchemaRefused() throws {
        let folder = try TemporaryDirectory()
        let path = try NewsDatabase.fresh(in: folder).path
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(
                sql: "INSERT INTO newsdb_migrations VALUES (?, 'from_the_future', 'x', '2030-01-01T00:00:00Z')",
                arguments: [Migration.latestVersion + 1])
        }
        try queue.close()
        let before = snapshotBytes(path)
        let error = #expect(throws: StoreError.self) { try NewsDatabase.open(at: path) }
        #expect(error?.code == .schemaTooNew)
        #expect(
            error?.message == "this database was written by a newer newsdb (schema \(Migration.latestVersion + 1), "
                + "this binary knows \(Migration.latestVersion)); upgrade newsdb")
        #expect(snapshotBytes(path) == before)
        #expect(throws: StoreError.self) { try NewsDatabase.migrationStatus(at: path) }
    }

    @Test("A database whose applied migration differs from the binary's is refused, naming the migration")
    func checksumMismatchRefused() throws {
        let folder = try TemporaryDirectory()
        let path = try NewsDatabase.fresh(in: folder).path
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "UPDATE newsdb_migrations SET checksum = 'edited' WHERE version = 1")
        }
        try queue.close()
        let before = snapshotBytes(path)
        let error = #expect(throws: StoreError.self) { try NewsDatabase.open(at: path) }
        #expect(error?.code == .migrationMismatch)
        #expect(error?.message.contains(Migration.embedded[0].fileName) == true)
        #expect(snapshotBytes(path) == before)
    }

    @Test("An SQLite database that is not newsdb's is refused and left untouched")
    func foreignDatabaseRefused() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("other.sqlite")
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine')")
        }
        try queue.close()
        let before = snapshotBytes(path)
        let error = #expect(throws: StoreError.self) { try NewsDatabase.open(at: path) }
        #expect(error?.code == .cannotOpen)
        #expect(error?.message.contains("not a newsdb database") == true)
        #expect(snapshotBytes(path) == before)
    }

    @Test("A file that is not SQLite at all is refused with a clear message and left untouched")
    func notADatabase() throws {
        let folder = try TemporaryDirectory()
        let path = try folder.write("notes.sqlite", String(repeating: "this is not a database\n", count: 200))
        let before = snapshotBytes(path)
        let error = #expect(throws: StoreError.self) { try NewsDatabase.open(at: path) }
        #expect(error?.code == .cannotOpen)
        #expect(error?.message.hasPrefix("cannot open \(path) as a newsdb database") == true)
        #expect(snapshotBytes(path) == before)
    }

    @Test("A database that needs migrating is backed up first, and the backup opens at the old schema")
    func backupBeforeMigrating() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("news.sqlite")
        let first = try NewsDatabase.open(at: path, options: .init(clock: fixedClock))
        _ = try first.importArticles([.data(Data(plainArticle(title: "Kept", body: "Body text.").utf8), name: "a.txt")])

        let options = try withExtraTable(NewsDatabase.Options(clock: fixedClock))
        let upgraded = try NewsDatabase.open(at: path, options: options)
        #expect(upgraded.migration.fromVersion == Migration.latestVersion)
        #expect(upgraded.migration.toVersion == Migration.latestVersion + 1)
        let backup = try #require(upgraded.migration.backupPath)
        #expect(backup.hasPrefix(path + ".schema-\(Migration.latestVersion)."))
        let old = try NewsDatabase.open(at: backup, options: .init(migrate: false))
        #expect(try old.articles().map(\.title) == ["Kept"])
        #expect(try upgraded.articles().map(\.title) == ["Kept"])
    }

    @Test("A backup never overwrites or deletes a file that is already there")
    func backupNameTaken() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("news.sqlite")
        _ = try NewsDatabase.open(at: path, options: .init(clock: fixedClock))
        let taken = "\(path).schema-\(Migration.latestVersion).\(Timestamp.compactString(fixedClock())).bak"
        try Data("someone else's file".utf8).write(to: URL(fileURLWithPath: taken))
        let options = try withExtraTable(NewsDatabase.Options(clock: fixedClock))
        let upgraded = try NewsDatabase.open(at: path, options: options)
        let backup = try #require(upgraded.migration.backupPath)
        #expect(backup == taken.dropLast(4) + "-2.bak")
        #expect(FileManager.default.contents(atPath: taken) == Data("someone else's file".utf8))
        let mode = try FileManager.default.attributesOfItem(atPath: backup)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        #expect(
            try NewsDatabase.open(at: backup, options: .init(migrate: false)).status().schemaVersion
                == Migration.latestVersion)
    }

    @Test(
        "A file where the backup's partial copy would go is left alone, a FIFO included: the backup takes another name")
    func backupPartialNameTaken() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("news.sqlite")
        _ = try NewsDatabase.open(at: path, options: .init(clock: fixedClock))
        let first = "\(path).schema-\(Migration.latestVersion).\(Timestamp.compactString(fixedClock()))"
        try Data("someone else's file".utf8).write(to: URL(fileURLWithPath: first + ".bak.partial"))
        #expect(mkfifo(first + "-2.bak.partial", 0o666) == 0)
        let options = try withExtraTable(NewsDatabase.Options(clock: fixedClock))
        let upgraded = try NewsDatabase.open(at: path, options: options)
        #expect(upgraded.migration.backupPath == first + "-3.bak")
        #expect(FileManager.default.contents(atPath: first + ".bak.partial") == Data("someone else's file".utf8))
        var info = stat()
        #expect(stat(first + "-2.bak.partial", &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)
        #expect(!FileManager.default.fileExists(atPath: first + ".bak"))
        #expect(!FileManager.default.fileExists(atPath: first + "-3.bak.partial"))
    }

    @Test("--no-backup skips the copy")
    func noBackup() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("news.sqlite")
        _ = try NewsDatabase.open(at: path)
        let options = try withExtraTable(NewsDatabase.Options(backup: false))
        let upgraded = try NewsDatabase.open(at: path, options: options)
        #expect(upgraded.migration.didMigrate)
        #expect(upgraded.migration.backupPath == nil)
    }

    @Test("A failing migration is rolled back whole, names itself, and leaves the schema where it was")
    func failingMigrationRollsBack() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("news.sqlite")
        _ = try NewsDatabase.open(at: path)
        var options = NewsDatabase.Options(backup: false)
        options.migrations =
            Migration.embedded + [
                try extraMigration("CREATE TABLE half (a TEXT); INSERT INTO no_such_table VALUES (1);")
            ]
        let error = #expect(throws: StoreError.self) { try NewsDatabase.open(at: path, options: options) }
        #expect(error?.code == .migrationFailed)
        #expect(error?.message.contains("_extra.sql") == true)
        let status = try NewsDatabase.migrationStatus(at: path)
        #expect(status.currentVersion == Migration.latestVersion)
        let hasHalf = try DatabaseQueue(path: path).read { db in try db.tableExists("half") }
        #expect(!hasHalf)
    }

    @Test("A migration that leaves a broken foreign key is rolled back")
    func foreignKeyCheck() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("news.sqlite")
        _ = try NewsDatabase.open(at: path)
        var options = NewsDatabase.Options(backup: false)
        options.migrations =
            Migration.embedded + [
                try extraMigration(
                    """
                    CREATE TABLE child (article_id TEXT NOT NULL REFERENCES articles (id));
                    INSERT INTO child VALUES ('missing');
                    """)
            ]
        let error = #expect(throws: StoreError.self) { try NewsDatabase.open(at: path, options: options) }
        #expect(error?.code == .migrationFailed)
        #expect(error?.message.contains("child") == true)
        #expect(try NewsDatabase.migrationStatus(at: path).currentVersion == Migration.latestVersion)
    }

    @Test("Opening with migrate: false refuses a database that needs migrating, naming the command to run")
    func migrationRequired() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("news.sqlite")
        _ = try NewsDatabase.open(at: path)
        let options = try withExtraTable(NewsDatabase.Options(migrate: false))
        let error = #expect(throws: StoreError.self) { try NewsDatabase.open(at: path, options: options) }
        #expect(error?.code == .migrationRequired)
        #expect(error?.message.contains("newsdb migrate") == true)
    }

    @Test("Status of a missing database lists everything pending and creates nothing")
    func statusOfMissingDatabase() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("missing.sqlite")
        let status = try NewsDatabase.migrationStatus(at: path)
        #expect(!status.databaseExists)
        #expect(status.pending == Migration.embedded)
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    /// `options` with the embedded migrations and one more that adds a table: opening then migrates.
    private func withExtraTable(_ options: NewsDatabase.Options) throws -> NewsDatabase.Options {
        var options = options
        options.migrations = Migration.embedded + [try extraMigration("CREATE TABLE extra (a TEXT);")]
        return options
    }

    private func extraMigration(_ sql: String) throws -> Migration {
        let version = String(Migration.latestVersion + 1)
        let padded = String(repeating: "0", count: 4 - version.count) + version
        return try Migration(fileName: "\(padded)_extra.sql", bytes: Data(sql.utf8))
    }
}
