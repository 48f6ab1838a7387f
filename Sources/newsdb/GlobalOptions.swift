import ArgumentParser
import Foundation
import Logging
import Store

/// Options every command that opens the database takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The database file.", valueName: "path"))
    var db: String?

    @Flag(name: .long, help: "Do not copy the database before migrating it to a newer schema.")
    var noBackup = false

    func validate() throws {
        if let db, db.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--db needs a file path") }
        // A folder, device or FIFO given as the database is a mistake in the command line, refused before opening.
        try checkArgument { try NewsDatabase.checkPath(databasePath) }
    }

    /// The database path: --db, else $NEWSDB_DB, else $XDG_DATA_HOME/newsdb/newsdb.sqlite.
    var databasePath: String { db ?? Self.usualDatabasePath }

    /// The database newsdb uses without --db: $NEWSDB_DB, else $XDG_DATA_HOME/newsdb/newsdb.sqlite.
    static var usualDatabasePath: String {
        if let path = Environment.value("NEWSDB_DB"), !path.isEmpty { return path }
        let dataHome =
            Environment.value("XDG_DATA_HOME").flatMap { $0.isEmpty ? nil : $0 }
            ?? (Environment.value("HOME") ?? NSHomeDirectory()) + "/.local/share"
        return dataHome + "/newsdb/newsdb.sqlite"
    }

    /// Opens (creating or migrating as needed) the database, saying on stderr when it created or migrated it.
    func open() throws -> NewsDatabase {
        let database = try NewsDatabase.open(at: databasePath, options: .init(backup: !noBackup))
        Self.reportMigration(database.migration, path: databasePath)
        if let fork = database.fork { Self.reportFork(fork, path: databasePath) }
        return database
    }

    /// Opens the database with a pool of connections, for a server that answers while other commands use the file,
    /// saying on stderr when it created or migrated it.
    func openForServing() throws -> NewsDatabase {
        let database = try NewsDatabase.open(at: databasePath, options: .init(backup: !noBackup, connections: .pool))
        Self.reportMigration(database.migration, path: databasePath)
        return database
    }

    /// The logger of a server's request lines: info level, or `$NEWSDB_LOG`'s.
    static func requestLogger(_ label: String) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel =
            Environment.value("NEWSDB_LOG")
            .flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
        return logger
    }

    /// Says on stderr that opening made the database a new replica, since it is a copy.
    static func reportFork(_ fork: ReplicaFork, path: String) {
        Terminal.printNotice(
            "\(path) is a copy of replica \(fork.previous.name)'s database (or a backup put back), so it is now a "
                + "replica of its own (\(fork.current.id)); its changes so far stay \(fork.previous.name)'s")
    }

    static func reportMigration(_ outcome: MigrationOutcome, path: String) {
        if outcome.created {
            Terminal.printNotice("created \(path) (schema \(outcome.toVersion))")
        } else if outcome.didMigrate {
            let backup = outcome.backupPath.map { "; backup at \($0)" } ?? ""
            Terminal.printNotice("migrated \(path) from schema \(outcome.fromVersion) to \(outcome.toVersion)\(backup)")
        }
    }
}

/// The `--json` flag of commands that can print JSON.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON (see docs/JSON.md) instead of text.")
    var json = false
}

/// Runs a Store check inside `validate()`, so that an argument the library refuses is a usage error (exit 64, one
/// line) like any other, and is refused before a database is opened.
func checkArgument(_ check: () throws -> Void) throws {
    do {
        try check()
    } catch let error as StoreError {
        throw ValidationError(error.message)
    }
}

/// Refuses an output path that names a folder, as a usage error, before a database is opened.
func checkOutputPath(_ path: String) throws {
    try checkArgument { try OutputFile(path).checkNotFolder() }
}

/// A `--token` value: the token, or `-` to read it from the first line of standard input, so that it stays out of
/// the shell's history and the process list.
func readToken(_ value: String) throws -> String {
    guard value == "-" else { return value }
    guard let line = Swift.readLine(strippingNewline: true), !line.trimmingCharacters(in: .whitespaces).isEmpty else {
        throw CLIError(message: "--token - reads the token from standard input, which was empty")
    }
    return line.trimmingCharacters(in: .whitespaces)
}
