import Foundation
import GRDB

/// Applies the migrations built into the binary to a database, one transaction per migration, and checks
/// that what a database has already applied is what this binary carries.
///
/// The bookkeeping table `newsdb_migrations` records each applied migration with its checksum;
/// `PRAGMA user_version` mirrors the schema version for tools such as the `sqlite3` shell.
enum Migrator {
    static let bookkeepingTable = "newsdb_migrations"

    /// Reads the migration state of the database at `path` through a read-only connection, changing nothing on disk.
    /// - Throws: `StoreError` when the file is not a newsdb database, was written by a newer newsdb, or has
    ///   applied migrations that differ from this binary's.
    static func inspect(path: String, migrations: [Migration]) throws -> MigrationStatus {
        guard let size = fileSize(atPath: path), size > 0 else {
            return MigrationStatus(
                databaseExists: false, applied: [], pending: migrations, latestVersion: latest(migrations))
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(NewsDatabase.busyTimeout)
        configuration.label = "newsdb.inspect"
        do {
            let queue = try DatabaseQueue(path: untouchedReadURI(path), configuration: configuration)
            let applied = try queue.read { db in try appliedMigrations(db, path: path) }
            return try status(applied: applied, migrations: migrations)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.cannotOpen(path: path, error)
        }
    }

    /// A URI that reads the database without creating or changing any file. With no write-ahead log beside it,
    /// the file is opened `immutable` (no -wal or -shm file is made); with one, another connection may be writing,
    /// so it is opened read-only the ordinary way, which reads the log.
    static func untouchedReadURI(_ path: String) -> String {
        let escaped = path.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "?", with: "%3f")
            .replacingOccurrences(of: "#", with: "%23")
        return "file:\(escaped)" + ((fileSize(atPath: path + "-wal") ?? 0) == 0 ? "?immutable=1" : "?mode=ro")
    }

    /// The migrations recorded in the database, after checking it is a newsdb database at all.
    static func appliedMigrations(_ db: Database, path: String) throws -> [AppliedMigration] {
        if try db.tableExists(bookkeepingTable) {
            return try Row.fetchAll(
                db, sql: "SELECT version, name, checksum, applied_at FROM \(bookkeepingTable) ORDER BY version"
            ).map { row in
                AppliedMigration(
                    version: row["version"], name: row["name"], checksum: row["checksum"], appliedAt: row["applied_at"])
            }
        }
        let tableCount = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_schema") ?? 0
        if tableCount > 0 {
            throw StoreError(
                .cannotOpen,
                "\(path) is an SQLite database but not a newsdb database; give another path with --db")
        }
        return []
    }

    /// Compares what a database has applied with what this binary carries.
    /// - Throws: `StoreError` `.schemaTooNew` or `.migrationMismatch`.
    static func status(applied: [AppliedMigration], migrations known: [Migration]) throws -> MigrationStatus {
        if let newest = applied.last, newest.version > latest(known) {
            throw StoreError(
                .schemaTooNew,
                "this database was written by a newer newsdb (schema \(newest.version), this binary knows "
                    + "\(latest(known))); upgrade newsdb")
        }
        for (index, record) in applied.enumerated() {
            let expected = known[index]
            guard record.version == expected.version else {
                throw StoreError(
                    .migrationMismatch,
                    "this database skipped migration \(expected.fileName); it was not written by newsdb's migrator")
            }
            guard record.checksum == expected.checksum else {
                throw StoreError(
                    .migrationMismatch,
                    "migration \(expected.fileName) differs from the one applied to this database (applied "
                        + "\(record.checksum.prefix(12)), this binary has \(expected.checksum.prefix(12))); "
                        + "use the newsdb that wrote this database, or restore the original migration")
            }
        }
        return MigrationStatus(
            databaseExists: true, applied: applied, pending: Array(known.dropFirst(applied.count)),
            latestVersion: latest(known))
    }

    static func latest(_ migrations: [Migration]) -> Int { migrations.last?.version ?? 0 }

    /// Applies every pending migration, each in its own immediate transaction, after taking a backup
    /// when the database already holds data and `backup` is true.
    ///
    /// Safe against another process migrating the same file at once: each transaction re-reads the applied
    /// migrations and skips what the other process already applied.
    /// - Parameters:
    ///   - database: The database, already open.
    ///   - path: Its file path, for messages and the backup's name.
    ///   - migrations: All migrations, in version order (the embedded ones, except in tests).
    ///   - created: Whether the file was just created (reported back in the outcome).
    ///   - backup: Whether to copy a database that holds data before changing its schema.
    ///   - now: The clock used for timestamps.
    /// - Throws: `StoreError` (`.backupFailed`, `.migrationFailed`, `.migrationMismatch`, `.schemaTooNew`).
    static func migrate(
        _ database: any DatabaseWriter, path: String, migrations: [Migration], created: Bool, backup: Bool,
        now: @Sendable () -> Date
    ) throws -> MigrationOutcome {
        let before: MigrationStatus
        do {
            before = try database.read { db in
                try status(applied: appliedMigrations(db, path: path), migrations: migrations)
            }
        } catch {
            throw StoreError.wrap(error, "reading the schema version")
        }
        guard !before.pending.isEmpty else {
            return MigrationOutcome(
                created: created, fromVersion: before.currentVersion, toVersion: before.currentVersion,
                applied: [], backupPath: nil)
        }
        var backupPath: String?
        if backup && before.holdsData {
            backupPath = try writeBackup(database, path: path, version: before.currentVersion, now: now())
            NewsDatabase.logger.debug("backed up \(path) to \(backupPath ?? "")")
        }
        var applied: [Migration] = []
        for migration in before.pending {
            NewsDatabase.logger.debug("applying migration \(migration.fileName)")
            if try apply(migration, to: database, path: path, migrations: migrations, now: now()) {
                applied.append(migration)
            }
        }
        return MigrationOutcome(
            created: created, fromVersion: before.currentVersion,
            toVersion: latest(migrations), applied: applied, backupPath: backupPath)
    }

    /// Applies one migration in its own transaction, with a foreign-key check before commit.
    /// - Returns: false when another process applied it first.
    private static func apply(
        _ migration: Migration, to database: any DatabaseWriter, path: String, migrations: [Migration], now: Date
    ) throws -> Bool {
        do {
            return try database.writeWithoutTransaction { db in
                try NewsDatabase.growPageCache(db)
                // Table rebuilds inside a migration need foreign keys off; the check below catches violations.
                try db.execute(sql: "PRAGMA foreign_keys = OFF")
                var didApply = false
                let outcome = Result {
                    try db.inTransaction(.immediate) {
                        let current = try status(applied: appliedMigrations(db, path: path), migrations: migrations)
                        guard current.currentVersion == migration.version - 1 else { return .commit }
                        try db.execute(
                            sql: """
                                CREATE TABLE IF NOT EXISTS \(bookkeepingTable) (
                                    version     INTEGER PRIMARY KEY,
                                    name        TEXT NOT NULL,
                                    checksum    TEXT NOT NULL,
                                    applied_at  TEXT NOT NULL
                                )
                                """)
                        try db.execute(sql: migration.sql)
                        FaultPoint.migrationRan.reach()
                        if let violation = try Row.fetchOne(db, sql: "PRAGMA foreign_key_check") {
                            throw StoreError(
                                .migrationFailed,
                                "migration \(migration.fileName) leaves a broken reference in table \(violation["table"] as String); "
                                    + "nothing was changed")
                        }
                        try db.execute(
                            sql:
                                "INSERT INTO \(bookkeepingTable) (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
                            arguments: [migration.version, migration.name, migration.checksum, Timestamp.string(now)])
                        try db.execute(sql: "PRAGMA user_version = \(migration.version)")
                        didApply = true
                        return .commit
                    }
                }
                try db.execute(sql: "PRAGMA foreign_keys = ON")
                try outcome.get()
                return didApply
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(
                .migrationFailed,
                "migration \(migration.fileName) failed and was rolled back: \(StoreError.describe(error))",
                underlying: error)
        }
    }

    /// Gives the file at `source` the name `target` too, failing if `target` exists. A filesystem without hard
    /// links gets a rename, after checking that nothing has the name.
    private static func nameWithoutReplacing(_ source: String, _ target: String) throws {
        if link(source, target) == 0 { return }
        let linkError = errno
        guard linkError == EPERM || linkError == EOPNOTSUPP || linkError == EXDEV,
            try OutputFile.kind(of: target) == .absent
        else {
            throw StoreError(.io, "cannot name the copy \(target): \(String(cString: strerror(linkError)))")
        }
        guard rename(source, target) == 0 else {
            throw StoreError(.io, "cannot name the copy \(target): \(String(cString: strerror(errno)))")
        }
    }

    /// Copies the database next to itself with `VACUUM INTO`, into a file this call creates, readable by its owner
    /// only from the start, and never over a file already there. A name already taken (another process migrating in
    /// the same second) gets a counter.
    /// - Returns: The backup's path.
    private static func writeBackup(_ database: any DatabaseWriter, path: String, version: Int, now: Date) throws
        -> String
    {
        let stem = "\(path).schema-\(version).\(Timestamp.compactString(now))"
        // The copy is written under a `.partial` name, created exclusively (OutputFile.createNew), and linked to its
        // final name when whole (a link, unlike a rename, never replaces a file): a process killed meanwhile leaves
        // nothing that looks like a backup.
        var backupPath = stem + ".bak"
        var reserved = false
        do {
            for attempt in 1...100 {
                backupPath = attempt == 1 ? stem + ".bak" : "\(stem)-\(attempt).bak"
                if try OutputFile.kind(of: backupPath) == .absent, try OutputFile.createNew(backupPath + ".partial") {
                    reserved = true
                    break
                }
            }
        } catch {
            throw StoreError(
                .backupFailed,
                "could not create the backup file \(backupPath) before migrating: \(StoreError.describe(error)); "
                    + "check the folder's permissions, or pass --no-backup")
        }
        guard reserved else {
            throw StoreError(
                .backupFailed,
                "could not create the backup file \(backupPath) before migrating: the name is taken; "
                    + "move old backups away, or pass --no-backup")
        }
        let partialPath = backupPath + ".partial"
        do {
            // VACUUM INTO writes into an existing empty file, keeping its permissions.
            try database.writeWithoutTransaction { db in
                try db.execute(sql: "VACUUM INTO ?", arguments: [partialPath])
            }
            // Put back in place of the database, the copy must not make changes under the replica's ids.
            try NewsDatabase.markAsCopy(path: partialPath)
            try nameWithoutReplacing(partialPath, backupPath)
            if unlink(partialPath) != 0 && errno != ENOENT {
                // Only a second name of the finished backup is left; the backup itself is whole.
                NewsDatabase.logger.debug("could not remove \(partialPath): \(String(cString: strerror(errno)))")
            }
        } catch {
            // The partial file is this call's own: a partial copy is worse than none.
            let leftover = unlink(partialPath) != 0 ? " (a partial copy remains at \(partialPath))" : ""
            throw StoreError(
                .backupFailed,
                "could not back up the database to \(backupPath)\(leftover) before migrating: "
                    + "\(StoreError.describe(error)); free some space, or pass --no-backup",
                underlying: error)
        }
        return backupPath
    }
}
