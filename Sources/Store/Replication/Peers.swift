import Foundation
import GRDB

/// A teammate whose changes were applied here.
public struct Peer: Sendable, Equatable, Codable {
    /// Its replica id.
    public let id: String
    /// Its name.
    public let name: String
    /// What it was known to have when last heard from.
    public let knowledge: Knowledge
    /// When its last changes were applied here (ISO 8601, UTC).
    public let lastHeardAt: String
    /// The newsdb version it runs.
    public let newsdb: String
    /// How many changes this replica has that it is not known to have.
    public let missing: Int64
}

extension NewsDatabase {
    /// The teammates whose changes were applied here, by name.
    /// - Throws: `StoreError`.
    public func peers() throws -> [Peer] {
        try read("listing peers") { db in
            let mine = try Self.knowledge(db)
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT o.id, o.name, p.knowledge, p.newsdb, p.last_heard_at FROM peers p JOIN origins o ON o.n = p.origin
                    ORDER BY o.name, o.id
                    """
            ).map { row in
                let knowledge = try Knowledge(json: row["knowledge"])
                return Peer(
                    id: row["id"], name: row["name"], knowledge: knowledge, lastHeardAt: row["last_heard_at"],
                    newsdb: row["newsdb"], missing: mine.subtracting(knowledge).total)
            }
        }
    }

    /// The peer named `reference`, or whose replica id starts with it.
    /// - Throws: `StoreError` `.notFound` (listing the known peers) or `.ambiguous`.
    public func peer(_ reference: String) throws -> Peer {
        let all = try peers()
        let matches = all.filter { $0.name == reference }
        let found =
            matches.isEmpty && reference.count >= 4 ? all.filter { $0.id.hasPrefix(reference.lowercased()) } : matches
        switch found.count {
        case 1: return found[0]
        case 0:
            let known =
                all.isEmpty ? "none yet: import a file from them first" : all.map(\.name).joined(separator: ", ")
            throw StoreError(.notFound, "no peer is called '\(reference)' (known peers: \(known))")
        default:
            throw StoreError(
                .ambiguous,
                "several peers match '\(reference)'; give their replica id: \(found.map { String($0.id.prefix(8)) }.joined(separator: ", "))"
            )
        }
    }
}
