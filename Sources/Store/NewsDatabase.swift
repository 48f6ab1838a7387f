import Foundation
import GRDB
import Logging

/// A newsdb database: one SQLite file in WAL mode, so that a server and command-line invocations can use the same
/// file at once, opened through one GRDB connection (a command line) or a `DatabasePool` (a server).
///
/// Opening migrates the schema to the one this binary carries (unless asked not to). Every write method is one
/// transaction that keeps the database's invariants.
public struct NewsDatabase: Sendable {
    /// How long a writer waits for another process's write transaction before giving up.
    static let busyTimeout: TimeInterval = 10
    /// Where the store says what it does (opening, migrating, importing), at debug level; silent unless the
    /// program sets up swift-log's `LoggingSystem` (the CLI does for `NEWSDB_LOG=debug`).
    static let logger = Logger(label: "newsdb.store")

    /// The database file's path.
    public let path: String
    /// What opening did to the schema.
    public let migration: MigrationOutcome
    /// Set when opening found the file to be a copy of its replica's database (or a backup put back), and so made
    /// it a new replica (see ``ReplicaFork``).
    public private(set) var fork: ReplicaFork?
    let writer: any DatabaseWriter
    let clock: @Sendable () -> Date

    init(path: String, migration: MigrationOutcome, writer: any DatabaseWriter, clock: @escaping @Sendable () -> Date) {
        self.path = path
        self.migration = migration
        self.writer = writer
        self.clock = clock
    }

    /// How many connections to open.
    public enum Connections: Sendable {
        /// One connection, for short-lived processes such as the command line. Opening and reading write nothing.
        case single
        /// A GRDB `DatabasePool`: one writer and concurrent readers, for long-lived processes such as a server.
        /// GRDB makes sure the write-ahead log exists when the pool opens, which may write to the file.
        case pool
    }

    /// How to open a database.
    public struct Options: Sendable {
        /// Apply pending migrations (true), or refuse to open a database that needs them (false). A database opened
        /// without migrating is only looked at: it is not made a new replica when it is a copy (``NewsDatabase/fork``).
        public var migrate: Bool
        /// Copy a database that holds data next to itself before migrating it.
        public var backup: Bool
        /// The clock for every timestamp newsdb writes; tests inject a fixed one.
        public var clock: @Sendable () -> Date
        /// One connection, or a pool.
        public var connections: Connections
        /// Open read-only, for a command that only reads (`check`): the file and its schema are taken as they are
        /// (a database that does not exist or needs migrating is refused), and it may be a read-only file.
        public var readOnly: Bool
        /// The migrations to bring the database to: the ones built into the binary, except in tests.
        var migrations: [Migration] = Migration.embedded

        /// Creates options.
        /// - Parameters:
        ///   - migrate: Apply pending migrations (default) or refuse a database that needs them.
        ///   - backup: Back up a database that holds data before migrating it (default).
        ///   - clock: The clock for timestamps (default: the system clock).
        ///   - connections: One connection (default) or a pool.
        ///   - readOnly: Open read-only, neither creating nor migrating the database (not by default).
        public init(
            migrate: Bool = true, backup: Bool = true, clock: @escaping @Sendable () -> Date = { Date() },
            connections: Connections = .single, readOnly: Bool = false
        ) {
            self.readOnly = readOnly
            self.migrate = migrate
            self.backup = backup
            self.clock = clock
            self.connections = connections
        }
    }

    /// Opens the database at `path`, creating it (and its folder) when missing, and migrates it.
    ///
    /// Before anything is written, the file is inspected through a read-only connection: a file that is not a
    /// newsdb database, one written by a newer newsdb, or one whose applied migrations differ from this binary's
    /// is refused and left untouched.
    /// - Parameters:
    ///   - path: The database file.
    ///   - options: Whether to migrate and back up, and the clock.
    /// - Returns: The open database; its ``migration`` says what opening did.
    /// - Throws: `StoreError`.
    public static func open(at path: String, options: Options = Options()) throws -> NewsDatabase {
        try checkPath(path)
        let status = try Migrator.inspect(path: path, migrations: options.migrations)
        let migrate = options.migrate && !options.readOnly
        if !status.databaseExists && !migrate {
            throw StoreError(.migrationRequired, "\(path) does not exist; create it with `newsdb init`")
        }
        if status.databaseExists && !status.pending.isEmpty && !migrate {
            throw StoreError(
                .migrationRequired,
                "\(path) is at schema \(status.currentVersion) and this newsdb needs \(status.latestVersion); "
                    + "run `newsdb migrate`")
        }
        let created = !status.databaseExists
        if created { try createFile(at: path) }
        let writer: any DatabaseWriter
        do {
            switch options.connections {
            case .single:
                writer = try DatabaseQueue(path: path, configuration: configuration(readOnly: options.readOnly))
            case .pool:
                writer = try DatabasePool(
                    path: path, configuration: configuration(readOnly: options.readOnly, largeCache: true))
            }
        } catch {
            throw StoreError.cannotOpen(path: path, error)
        }
        if options.readOnly {
            let outcome = MigrationOutcome(
                created: false, fromVersion: status.currentVersion, toVersion: status.currentVersion, applied: [],
                backupPath: nil)
            return NewsDatabase(path: path, migration: outcome, writer: writer, clock: options.clock)
        }
        let outcome = try Migrator.migrate(
            writer, path: path, migrations: options.migrations, created: created, backup: options.backup,
            now: options.clock)
        logger.debug(
            "opened \(path) at schema \(outcome.toVersion)",
            metadata: [
                "created": "\(outcome.created)", "applied": "\(outcome.applied.map(\.fileName))",
            ])
        var database = NewsDatabase(path: path, migration: outcome, writer: writer, clock: options.clock)
        try database.ensureReplica()
        // Only a database opened for use may change: one opened without migrating is only looked at.
        if options.migrate { database.fork = try database.adoptFile() }
        return database
    }

    /// Reports where the database at `path` stands against this binary's migrations, changing nothing.
    /// - Throws: `StoreError` when the file is not a newsdb database or is newer than this binary.
    public static func migrationStatus(at path: String) throws -> MigrationStatus {
        try Migrator.inspect(path: path, migrations: Migration.embedded)
    }

    /// The connections' configuration.
    /// - Parameters:
    ///   - readOnly: Open read-only (`check`, which reads every page).
    ///   - largeCache: Give every connection the large page cache from the start (a server's pool, whose readers
    ///     answer again and again); a command line's connection gets it only when it writes (``growPageCache(_:)``).
    static func configuration(readOnly: Bool = false, largeCache: Bool = false) -> Configuration {
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = "newsdb"
        configuration.readonly = readOnly
        configuration.prepareDatabase { db in
            guard !readOnly else {
                try growPageCache(db)
                return
            }
            // A no-op on a database already in WAL mode: nothing is written unless the file is new.
            if try String.fetchOne(db, sql: "PRAGMA journal_mode") != "wal" {
                try db.execute(sql: "PRAGMA journal_mode = WAL")
            }
            // SQLite's default, said out loud: a commit is on disk when it returns.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            if largeCache { try growPageCache(db) }
        }
        return configuration
    }

    /// Lets the connection's page cache grow to 64 MiB (it grows only as used): large imports are single
    /// transactions, and a small cache spills half-built index pages to the log to write them again later.
    ///
    /// A command that only reads keeps SQLite's default 2 MiB: a scan of the articles through a large cache puts
    /// every page it reads in fresh memory (`newsdb list` of 8,500 articles read 20 MB that way, twice the time of
    /// the same query through the default cache, which reuses its pages).
    static func growPageCache(_ db: Database) throws {
        try db.execute(sql: "PRAGMA cache_size = -65536")
    }

    /// Refuses a database path that is not a regular file, or whose SQLite companions (`-wal`, `-shm`, `-journal`)
    /// are not: newsdb writes a database only into files, never through a device, FIFO or folder given in its place.
    /// - Throws: `StoreError` `.invalidInput`.
    public static func checkPath(_ path: String) throws {
        switch try OutputFile.kind(of: path) {
        case .absent, .regular: break
        case .folder: throw StoreError(.invalidInput, "\(path) is a folder; give the path of a database file")
        case .special:
            throw StoreError(
                .invalidInput, "\(path) is not a regular file (a device, FIFO or socket); give a database file")
        }
        for suffix in ["-wal", "-shm", "-journal"] {
            switch try OutputFile.kind(of: path + suffix) {
            case .absent, .regular: continue
            case .folder, .special:
                throw StoreError(.invalidInput, "\(path + suffix) is not a regular file; newsdb will not write to it")
            }
        }
    }

    /// Creates the database file readable by its owner only (SQLite gives its -wal and -shm files the same mode),
    /// with its folder. An existing empty file someone made for newsdb is taken as it is, its mode untouched: it is
    /// theirs.
    private static func createFile(at path: String) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw StoreError(.io, "cannot create folder \(folder): \(StoreError.describe(error))", underlying: error)
        }
        if try OutputFile.kind(of: path) == .absent {
            // Taken meanwhile by another newsdb creating the same database: that file is as good.
            _ = try OutputFile.createNew(path)
        }
    }

    /// Runs `body` in one write transaction, turning database failures into `StoreError`s that name `context`.
    /// - Parameter largeCache: Let the page cache grow (``growPageCache(_:)``), for a write of many rows; false gives
    ///   the connection SQLite's default cache again (a write of a few rows beside a scan, whose pages would otherwise
    ///   all be held in memory).
    func write<T>(_ context: String, largeCache: Bool = true, _ body: (Database) throws -> T) throws -> T {
        do {
            return try writer.write { db in
                if largeCache {
                    try Self.growPageCache(db)
                } else {
                    try db.execute(sql: "PRAGMA cache_size = -2000")
                }
                return try body(db)
            }
        } catch {
            throw StoreError.wrap(error, context)
        }
    }

    /// Runs `body` in a read transaction (a consistent snapshot), turning failures into `StoreError`s.
    func read<T>(_ context: String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try writer.read(body)
        } catch {
            throw StoreError.wrap(error, context)
        }
    }
}
