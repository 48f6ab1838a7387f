import Foundation
import PostgresNIO
import Store

extension PostgresHubStore {
    /// Makes a new random token for the teammate `name`, kept as its SHA-256 only, as `newsdb tokens create` does.
    /// - Returns: The token (shown once: it cannot be read back) and its record.
    /// - Throws: `StoreError` `.invalidInput` for an empty name or one that already has a token.
    public func createToken(name: String) async throws -> (token: String, record: AccessToken) {
        let name = try Replica.checkName(name, what: "a name")
        let token = NewsDatabase.newToken()
        let now = Timestamp.string(clock())
        let made = try await read("making a token") { connection in
            let rows = try await connection.query(
                """
                INSERT INTO hub_tokens (name, hash, created_at) VALUES (\(name), \(NewsDatabase.tokenHash(token)), \(now))
                ON CONFLICT (name) DO NOTHING RETURNING name
                """, logger: logger)
            for try await _ in rows.decode(String.self) { return true }
            return false
        }
        guard made else {
            throw StoreError(
                .invalidInput, "\(name) already has a token; revoke it first (`newsdb hub tokens revoke \(name)`)")
        }
        return (token, AccessToken(name: name, createdAt: now))
    }

    /// The teammates holding a token, by name.
    /// - Throws: `StoreError`.
    public func tokens() async throws -> [AccessToken] {
        try await read("listing tokens") { connection in
            var tokens: [AccessToken] = []
            let rows = try await connection.query(
                "SELECT name, created_at FROM hub_tokens ORDER BY name COLLATE \"C\"", logger: logger)
            for try await (name, createdAt) in rows.decode((String, String).self) {
                tokens.append(AccessToken(name: name, createdAt: createdAt))
            }
            return tokens
        }
    }

    /// Revokes the token of `name`: every hub process refuses it from its next request on.
    /// - Throws: `StoreError` `.notFound` when `name` has no token.
    public func revokeToken(name: String) async throws {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        let revoked = try await read("revoking a token") { connection in
            let rows = try await connection.query(
                "DELETE FROM hub_tokens WHERE name = \(name) RETURNING name", logger: logger)
            for try await _ in rows.decode(String.self) { return true }
            return false
        }
        guard revoked else {
            let names = try await tokens().map(\.name)
            throw StoreError(
                .notFound,
                "no token is called '\(name)' (tokens: \(names.isEmpty ? "none" : names.joined(separator: ", ")))")
        }
    }

    public func tokenOwner(_ presented: String) async throws -> String? {
        let rows = try await read("checking a token") { connection in
            var rows: [(name: String, hash: String)] = []
            for try await row in try await connection.query("SELECT name, hash FROM hub_tokens", logger: logger)
                .decode((String, String).self)
            {
                rows.append(row)
            }
            return rows
        }
        return NewsDatabase.owner(of: presented, among: rows)
    }

    public func hasTokens() async throws -> Bool {
        try await !tokens().isEmpty
    }
}
