import Foundation

/// A migration as recorded in a database's `newsdb_migrations` table.
public struct AppliedMigration: Sendable, Equatable, Codable {
    /// The schema version the migration brought the database to.
    public let version: Int
    /// The migration's name when it was applied.
    public let name: String
    /// The checksum recorded when it was applied (see ``Migration/checksum(of:)``).
    public let checksum: String
    /// When it was applied (ISO 8601, UTC).
    public let appliedAt: String

    /// Creates a record (another store's bookkeeping, the team hub's, reads its own).
    public init(version: Int, name: String, checksum: String, appliedAt: String) {
        self.version = version
        self.name = name
        self.checksum = checksum
        self.appliedAt = appliedAt
    }
}

/// Where a database stands against the migrations built into this binary.
public struct MigrationStatus: Sendable {
    /// Whether the database file exists with content (a missing or empty file becomes a new database on first use).
    public let databaseExists: Bool
    /// Migrations the database records as applied, in version order.
    public let applied: [AppliedMigration]
    /// Migrations this binary would apply, in version order.
    public let pending: [Migration]

    /// The database's schema version: the newest applied migration, 0 for a new database.
    public var currentVersion: Int { applied.last?.version ?? 0 }
    /// The newest schema version this binary knows.
    public let latestVersion: Int
    /// Whether the database holds anything worth a backup before it is migrated.
    public var holdsData: Bool { !applied.isEmpty }
}

/// What opening or migrating a database did to its schema.
public struct MigrationOutcome: Sendable {
    /// Whether the database file was created.
    public let created: Bool
    /// The schema version before.
    public let fromVersion: Int
    /// The schema version after.
    public let toVersion: Int
    /// The migrations applied, in order (empty when the schema was already current).
    public let applied: [Migration]
    /// Where the copy taken before migrating was written, when one was.
    public let backupPath: String?

    /// Whether anything was applied.
    public var didMigrate: Bool { !applied.isEmpty }
}
