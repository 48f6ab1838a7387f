import Foundation
import GRDB

/// This copy of the database: a stable random id, unique across teammates, and a human name.
public struct Replica: Sendable, Equatable, Codable {
    /// A random UUID made when the database was created; never changes.
    public let id: String
    /// The name teammates see (`newsdb init --name`), by default `user@host`.
    public let name: String
    /// When the database was created (ISO 8601, UTC).
    public let createdAt: String

    /// Creates a replica description (as a change file's header gives its sender).
    public init(id: String, name: String, createdAt: String) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
    }

    /// Checks a replica name without opening a database.
    /// - Parameter what: What the name names, for the message.
    /// - Returns: The name with surrounding white space trimmed.
    /// - Throws: `StoreError` `.invalidInput` unless it is one non-empty line.
    @discardableResult
    public static func checkName(_ name: String, what: String = "a replica name") throws -> String {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, !trimmed.contains(where: \.isNewline) else {
            throw StoreError(.invalidInput, "\(what) must be one non-empty line")
        }
        return trimmed
    }

    /// `user@host` for the current process.
    public static func defaultName() -> String {
        let user = ProcessInfo.processInfo.environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? "user"
        var buffer = [CChar](repeating: 0, count: 256)
        let host =
            gethostname(&buffer, buffer.count) == 0
            ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "localhost"
        return "\(user)@\(host.isEmpty ? "localhost" : host)"
    }
}

extension NewsDatabase {
    /// This database's replica.
    /// - Throws: `StoreError`.
    public func replica() throws -> Replica {
        try read("reading the replica") { db in try Self.fetchReplica(db) }
    }

    /// Names this replica.
    /// - Parameter name: The new name; surrounding white space is trimmed, and it must not be empty.
    /// - Returns: The renamed replica.
    /// - Throws: `StoreError` (`.invalidInput` for an empty name).
    @discardableResult
    public func rename(to name: String) throws -> Replica {
        let trimmed = try Replica.checkName(name)
        return try write("renaming the replica") { db in
            try db.execute(sql: "UPDATE replica SET name = ? WHERE singleton = 1", arguments: [trimmed])
            try db.execute(
                sql: "UPDATE origins SET name = ? WHERE n = \(ChangeLog.localOriginSQL)", arguments: [trimmed])
            return try Self.fetchReplica(db)
        }
    }

    /// Makes the replica row on a new database; a no-op once it exists.
    func ensureReplica() throws {
        let exists = try read("reading the replica") { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM replica)") ?? false
        }
        guard !exists else { return }
        let now = Timestamp.string(clock())
        try write("creating the replica") { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO replica (singleton, id, name, created_at) VALUES (1, ?, ?, ?)",
                arguments: [randomUUIDString(), Replica.defaultName(), now])
            // This replica is origin 1 of its change log.
            try db.execute(
                sql: "INSERT OR IGNORE INTO origins (n, id, name) SELECT 1, id, name FROM replica", arguments: [])
        }
    }

    static func fetchReplica(_ db: Database) throws -> Replica {
        guard let row = try Row.fetchOne(db, sql: "SELECT id, name, created_at FROM replica WHERE singleton = 1") else {
            throw StoreError(.cannotOpen, "the database has no replica record; it was not created by newsdb")
        }
        return Replica(id: row["id"], name: row["name"], createdAt: row["created_at"])
    }
}
