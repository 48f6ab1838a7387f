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
        /// The migrations to bring the database to: the ones built into the binary, except in tests.
        var migrations: [Migration] = Migration.embedded

        /// Creates options.
        /// - Parameters:
        ///   - migrate: Apply pending migrations (default) or refuse a database that needs them.
        ///   - backup: Back up a database that holds data before migrating it (default).
        ///   - clock: The clock for timestamps (default: the system clock).
        ///   - connections: One connection (default) or a pool.
        public init(
            migrate: Bool = true, backup: Bool = true, clock: @escaping @Sendable () -> Date = { Date() },
            connections: Connections = .single
        ) {
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
        let status = try Migrator.inspect(path: path, migrations: options.migrations)
        if !status.databaseExists && !options.migrate {
            throw StoreError(.migrationRequired, "\(path) does not exist; create it with `newsdb init`")
        }
        if status.databaseExists && !status.pending.isEmpty && !options.migrate {
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
            case .single: writer = try DatabaseQueue(path: path, configuration: configuration())
            case .pool: writer = try DatabasePool(path: path, configuration: configuration())
            }
        } catch {
            throw StoreError.cannotOpen(path: path, error)
        }
        let outcome = try Migrator.migrate(
            writer, path: path, migrations: options.migrations, created: created, backup: options.backup,
            now: options.clock)
        logger.debug("opened \(path) at schema \(outcome.toVersion)", metadata: [
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

    static func configuration() -> Configuration {
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = "newsdb"
        configuration.prepareDatabase { db in
            // A no-op on a database already in WAL mode: nothing is written unless the file is new.
            if try String.fetchOne(db, sql: "PRAGMA journal_mode") != "wal" {
                try db.execute(sql: "PRAGMA journal_mode = WAL")
            }
            // SQLite's default, said out loud: a commit is on disk when it returns.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Up to 64 MiB of page cache (grown only as used): large imports are single transactions, and a small
            // cache spills half-built index pages to the log to write them again later.
            try db.execute(sql: "PRAGMA cache_size = -65536")
        }
        return configuration
    }

    /// Creates an empty file (or takes an existing empty one) readable by its owner only (SQLite gives its -wal and -shm files the same mode),
    /// with its folder.
    private static func createFile(at path: String) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw StoreError(.io, "cannot create folder \(folder): \(StoreError.describe(error))", underlying: error)
        }
        if FileManager.default.fileExists(atPath: path) {
            // An empty file someone made for newsdb: it is about to hold private notes, so only its owner may read it.
            guard chmod(path, 0o600) == 0 else {
                throw StoreError(.io, "cannot set the permissions of \(path); check who owns it")
            }
        } else if !FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) {
            throw StoreError(.io, "cannot create database file \(path); check the folder's permissions")
        }
    }

    /// Runs `body` in one write transaction, turning database failures into `StoreError`s that name `context`.
    func write<T>(_ context: String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try writer.write(body)
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
