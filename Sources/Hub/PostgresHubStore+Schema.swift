import Foundation
import PostgresNIO
import Store

/// Where the hub's database stands against the hub migrations built into this binary (hub-migrations/*.sql).
public struct HubSchemaStatus: Sendable {
    /// The migrations the database records as applied, in version order.
    public let applied: [AppliedMigration]
    /// The migrations `hub migrate` would apply, in version order.
    public let pending: [Migration]
    /// The newest hub schema this binary knows.
    public let latestVersion: Int
    /// The database's hub schema version, 0 when it has none yet.
    public var currentVersion: Int { applied.last?.version ?? 0 }
}

extension PostgresHubStore {
    /// The hub migrations built into this binary, in version order, byte for byte as in hub-migrations/.
    public static let migrations: [Migration] = EmbeddedMigrations.files.map { file in
        // The build tool wrote these itself: failing here means the binary is corrupt, and no database should be
        // touched by it.
        guard let bytes = Data(base64Encoded: file.base64) else {
            preconditionFailure("newsdb binary is corrupt: embedded hub migration \(file.name) is not valid base64")
        }
        do {
            return try Migration(fileName: file.name, bytes: bytes)
        } catch {
            preconditionFailure("newsdb binary is corrupt: \(error)")
        }
    }.sorted { $0.version < $1.version }

    /// The bookkeeping table, made by the first `hub migrate`.
    static let bookkeeping = "hub_schema_migrations"
    /// The advisory lock that makes concurrent `hub migrate`s (two processes started at once) run one at a time.
    static let migrationLock: Int64 = 0x6e65_7773_6462_6875  // "newsdbhu"

    /// Where the database stands, checked: refused when it is newer than this binary, or when a migration it records
    /// differs from this binary's.
    /// - Throws: `StoreError` `.schemaTooNew` or `.migrationMismatch`.
    public func schemaStatus() async throws -> HubSchemaStatus {
        try await snapshot("reading the hub's schema") { connection in try await schemaStatus(connection) }
    }

    private func schemaStatus(_ connection: PostgresConnection) async throws -> HubSchemaStatus {
        var applied: [AppliedMigration] = []
        let exists = try await connection.query(
            "SELECT to_regclass(\(Self.bookkeeping)) IS NOT NULL", logger: logger)
        var hasTable = false
        for try await (found) in exists.decode(Bool.self) { hasTable = found }
        if hasTable {
            let rows = try await connection.query(
                "SELECT version, name, checksum, applied_at FROM hub_schema_migrations ORDER BY version",
                logger: logger)
            for try await (version, name, checksum, at) in rows.decode((Int, String, String, String).self) {
                applied.append(AppliedMigration(version: version, name: name, checksum: checksum, appliedAt: at))
            }
        }
        let known = Self.migrations
        let latest = known.last?.version ?? 0
        if let newest = applied.last, newest.version > latest {
            throw StoreError(
                .schemaTooNew,
                "the hub's database is at hub schema \(newest.version), newer than this newsdb knows (\(latest)); upgrade newsdb"
            )
        }
        for record in applied {
            guard let migration = known.first(where: { $0.version == record.version }),
                migration.checksum == record.checksum
            else {
                throw StoreError(
                    .migrationMismatch,
                    "the hub's migration \(record.version) (\(record.name)) differs from this newsdb's: the database was migrated by another build; use that build, or a newsdb whose hub-migrations match"
                )
            }
        }
        let done = Set(applied.map(\.version))
        return HubSchemaStatus(
            applied: applied, pending: known.filter { !done.contains($0.version) }, latestVersion: latest)
    }

    /// Refuses a database whose hub schema is not this binary's latest.
    /// - Throws: `StoreError` `.migrationRequired`, `.schemaTooNew` or `.migrationMismatch`.
    func requireCurrentSchema() async throws {
        let status = try await schemaStatus()
        guard status.pending.isEmpty else {
            throw StoreError(
                .migrationRequired,
                "the hub's database is at hub schema \(status.currentVersion), this newsdb needs \(status.latestVersion); run `newsdb hub migrate --store …` first"
            )
        }
    }

    /// Applies the pending hub migrations, each in its own transaction with its record, one process at a time; the
    /// first also gives the hub its replica identity.
    /// - Parameter name: The hub's replica name, when the hub is created (teammates see it in `newsdb peers`).
    /// - Returns: The migrations applied (none when the schema was current).
    /// - Throws: As ``schemaStatus()``, or `StoreError` `.migrationFailed` naming the migration that failed.
    public func migrate(name: String) async throws -> [Migration] {
        let name = try Replica.checkName(name, what: "the hub's name")
        return try await read("migrating the hub") { connection in
            var applied: [Migration] = []
            while true {
                let next: Migration? = try await transaction(connection, isolation: "READ COMMITTED") { connection in
                    try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLock))", logger: logger)
                    try await connection.query(
                        """
                        CREATE TABLE IF NOT EXISTS hub_schema_migrations (
                            version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
                            applied_at text NOT NULL)
                        """, logger: logger)
                    guard let migration = try await schemaStatus(connection).pending.first else { return nil }
                    do {
                        for statement in SQLStatements.split(migration.sql) {
                            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                        }
                    } catch {
                        let reason = HubErrors.storeError(error, "migrating", location: location).message
                        throw StoreError(
                            .migrationFailed, "hub migration \(migration.fileName) failed: \(reason)",
                            underlying: error)
                    }
                    let now = Timestamp.string(clock())
                    try await connection.query(
                        """
                        INSERT INTO hub_schema_migrations (version, name, checksum, applied_at)
                        VALUES (\(migration.version), \(migration.name), \(migration.checksum), \(now))
                        """, logger: logger)
                    if migration.version == 1 {
                        let id = UUID().uuidString.lowercased()
                        try await connection.query(
                            "INSERT INTO hub_replica (id, name, created_at) VALUES (\(id), \(name), \(now))",
                            logger: logger)
                    }
                    return migration
                }
                guard let next else { return applied }
                applied.append(next)
            }
        }
    }
}
