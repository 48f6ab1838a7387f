import Foundation
import GRDB

/// A teammate allowed to sync with this replica's server. The token itself is not kept, only its SHA-256.
public struct AccessToken: Sendable, Equatable, Codable {
    /// The teammate's name, as given when the token was made.
    public let name: String
    /// When the token was made (ISO 8601, UTC).
    public let createdAt: String

    /// Creates a record (another store's, the team hub's, reads its own).
    public init(name: String, createdAt: String) {
        self.name = name
        self.createdAt = createdAt
    }
}

extension NewsDatabase {
    /// Makes a new random token for the teammate `name` and keeps its SHA-256.
    /// - Returns: The token (shown once: it cannot be read back) and its record.
    /// - Throws: `StoreError` `.invalidInput` for an empty name or one that already has a token.
    public func createToken(name: String) throws -> (token: String, record: AccessToken) {
        let trimmed = try Replica.checkName(name, what: "a name")
        let token = Self.newToken()
        let now = Timestamp.string(clock())
        try write("making a token") { db in
            guard try !Bool(fetchOne: db, "SELECT EXISTS (SELECT 1 FROM tokens WHERE name = ?)", [trimmed]) else {
                throw StoreError(
                    .invalidInput, "\(trimmed) already has a token; revoke it first (`newsdb tokens revoke \(trimmed)`)"
                )
            }
            try db.execute(
                sql: "INSERT INTO tokens (name, hash, created_at) VALUES (?, ?, ?)",
                arguments: [trimmed, sha256Hex(token), now])
        }
        return (token, AccessToken(name: trimmed, createdAt: now))
    }

    /// The teammates holding a token, by name.
    /// - Throws: `StoreError`.
    public func tokens() throws -> [AccessToken] {
        try read("listing tokens") { db in
            try Row.fetchAll(db, sql: "SELECT name, created_at FROM tokens ORDER BY name").map {
                AccessToken(name: $0["name"], createdAt: $0["created_at"])
            }
        }
    }

    /// Revokes the token of `name`: the server refuses it from its next request on.
    /// - Throws: `StoreError` `.notFound` when `name` has no token.
    public func revokeToken(name: String) throws {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        try write("revoking a token") { db in
            try db.execute(sql: "DELETE FROM tokens WHERE name = ?", arguments: [name])
            guard db.changesCount == 1 else {
                let names = try String.fetchAll(db, sql: "SELECT name FROM tokens ORDER BY name")
                throw StoreError(
                    .notFound,
                    "no token is called '\(name)' (tokens: \(names.isEmpty ? "none" : names.joined(separator: ", ")))")
            }
        }
    }

    /// The name of the teammate whose token `presented` is, or nil. Every stored hash is compared in full, in time
    /// that depends neither on where a hash differs nor on which one matches.
    /// - Throws: `StoreError`.
    public func tokenOwner(_ presented: String) throws -> String? {
        Self.owner(of: presented, among: try read("checking a token") { db in try Self.tokenHashes(db) })
    }

    /// Every token's teammate and hash.
    static func tokenHashes(_ db: Database) throws -> [(name: String, hash: String)] {
        try Row.fetchAll(db, sql: "SELECT name, hash FROM tokens").map { ($0["name"] as String, $0["hash"] as String) }
    }

    /// The teammate among `rows` whose hash is that of `presented`, compared in constant time.
    public static func owner(of presented: String, among rows: [(name: String, hash: String)]) -> String? {
        let hash = Array(sha256Hex(presented).utf8)
        var owner: String?
        for (name, stored) in rows {
            let stored = Array(stored.utf8)
            var difference = UInt8(stored.count == hash.count ? 0 : 1)
            for index in 0..<min(stored.count, hash.count) { difference |= stored[index] ^ hash[index] }
            if difference == 0 { owner = name }
        }
        return owner
    }

    /// A new token: `ndb_` and 32 random bytes from the system's generator (getrandom(2)), in base64url.
    public static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let base64 = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return "ndb_" + base64
    }
}

extension NewsDatabase {
    /// The SHA-256 (hex) a token is kept as, here and on the team hub.
    public static func tokenHash(_ token: String) -> String { sha256Hex(token) }
}

extension Bool {
    /// The boolean `sql` selects, false when it selects no row.
    init(fetchOne db: Database, _ sql: String, _ arguments: StatementArguments) throws {
        self = try Bool.fetchOne(db, sql: sql, arguments: arguments) ?? false
    }
}
