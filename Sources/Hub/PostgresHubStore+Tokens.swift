import Foundation
import PostgresNIO
import Store

extension PostgresHubStore {
    /// Makes a new random token for the teammate `name`, kept as its SHA-256 only, as `newsdb tokens create` does.
    /// - Parameter replicas: Replica ids whose changes only this token may push (besides the replicas that first push
    ///   with it); a replica that belongs to another token already is refused.
    /// - Returns: The token (shown once: it cannot be read back) and its record.
    /// - Throws: `StoreError` `.invalidInput` for an empty name, one that already has a token, or a replica that is
    ///   another token's.
    public func createToken(name: String, replicas: [String] = []) async throws -> (
        token: String, record: AccessToken
    ) {
        let name = try Replica.checkName(name, what: "a name")
        let replicas = replicas.map { $0.lowercased() }
        for replica in replicas where UUID(uuidString: replica) == nil {
            throw StoreError(.invalidInput, "\(replica) is not a replica id (a UUID, as `newsdb status` shows it)")
        }
        let token = NewsDatabase.newToken()
        let now = Timestamp.string(clock())
        let made = try await retrying("making a token") { connection in
            try await transaction(connection, isolation: "READ COMMITTED") { connection in
                let rows = try await connection.query(
                    """
                    INSERT INTO hub_tokens (name, hash, created_at) VALUES (\(name), \(NewsDatabase.tokenHash(token)), \(now))
                    ON CONFLICT (name) DO NOTHING RETURNING name
                    """, logger: logger)
                var inserted = false
                for try await _ in rows.decode(String.self) { inserted = true }
                guard inserted else { return false }
                guard !replicas.isEmpty else { return true }
                let claimed = try await connection.query(
                    """
                    INSERT INTO hub_origins (id, token) SELECT id, \(name) FROM unnest(\(replicas)::text[]) AS r(id)
                    ORDER BY id COLLATE "C"
                    ON CONFLICT (id) DO UPDATE SET token = excluded.token WHERE hub_origins.token IS NULL
                        OR hub_origins.token = excluded.token
                    RETURNING id
                    """, logger: logger)
                var done = Set<String>()
                for try await id in claimed.decode(String.self) { done.insert(id) }
                if let taken = replicas.first(where: { !done.contains($0) }) {
                    throw StoreError(
                        .invalidInput,
                        "replica \(taken.prefix(8)) already syncs with another teammate's token, which alone may push its changes"
                    )
                }
                return true
            }
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
