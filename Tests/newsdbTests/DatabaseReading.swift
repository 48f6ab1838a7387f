import GRDB

/// The integer `sql` selects from the database at `path`, read through a read-only connection: a test's look behind
/// the command line.
func count(_ path: String, _ sql: String) throws -> Int {
    var configuration = Configuration()
    configuration.readonly = true
    return try DatabaseQueue(path: path, configuration: configuration).read { try Int.fetchOne($0, sql: sql) ?? -1 }
}

/// SQLite's integrity check of the database at `path`: "ok", or what is wrong.
func integrity(_ path: String) throws -> String {
    try DatabaseQueue(path: path).read { try String.fetchOne($0, sql: "PRAGMA integrity_check") ?? "" }
}
