import PostgresNIO
import Store

/// What the hub holds, for `newsdb hub status`.
public struct HubSummary: Sendable, Codable, Equatable {
    /// The hub's replica.
    public let replica: Replica
    /// The changes kept: those still in effect.
    public let changes: Int64
    /// The changes received, kept or dropped as overwritten.
    public let received: Int64
    /// The replicas whose changes the hub has received.
    public let replicas: Int
    /// The teammates holding a token.
    public let tokens: Int
}

extension PostgresHubStore {
    /// What the hub holds, read from one snapshot.
    /// - Throws: `StoreError`.
    public func summary() async throws -> HubSummary {
        try await snapshot("reading the hub") { connection in
            let replica = try await replica(connection)
            let knowledge = try await knowledgeAndNames(connection).knowledge
            let rows = try await connection.query(
                "SELECT (SELECT count(*) FROM hub_changes), (SELECT count(*) FROM hub_tokens)::int", logger: logger)
            for try await (changes, tokens) in rows.decode((Int64, Int).self) {
                return HubSummary(
                    replica: replica, changes: changes, received: knowledge.total, replicas: knowledge.ranges.count,
                    tokens: tokens)
            }
            throw StoreError(.database, "the hub's database gave no summary")
        }
    }
}
