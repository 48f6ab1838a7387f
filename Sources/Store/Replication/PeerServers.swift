import Foundation
import GRDB

/// A server this replica syncs with over HTTP (`newsdb peers add NAME URL --token TOKEN`).
public struct PeerServer: Sendable, Equatable, Encodable {
    /// The name it is synced by (`newsdb sync NAME`).
    public let name: String
    /// Its base URL, such as `http://192.168.1.20:8787`.
    public let url: String
    /// The token it gave this replica. Never encoded: `--json` output does not show it.
    public let token: String
    /// When it was added (ISO 8601, UTC).
    public let addedAt: String?
    /// The server's replica id, once a sync has reached it.
    public let replica: String?

    /// Describes a server, for a sync with one that is not stored (`newsdb sync URL --token TOKEN`).
    public init(name: String, url: String, token: String, addedAt: String? = nil, replica: String? = nil) {
        self.name = name
        self.url = url
        self.token = token
        self.addedAt = addedAt
        self.replica = replica
    }

    enum CodingKeys: String, CodingKey {
        case name, url, addedAt, replica
    }

    /// Checks that `url` is an http or https URL with a host, and returns it without a trailing slash.
    /// - Throws: `StoreError` `.invalidInput`.
    public static func checkURL(_ url: String) throws -> String {
        guard let parsed = URLComponents(string: url), let scheme = parsed.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = parsed.host, !host.isEmpty,
            parsed.query == nil, parsed.fragment == nil
        else {
            throw StoreError(.invalidInput, "'\(url)' is not a server address; give one like http://192.168.1.20:8787")
        }
        var trimmed = url
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        return trimmed
    }
}

extension NewsDatabase {
    /// Adds a server to sync with.
    /// - Throws: `StoreError` `.invalidInput` for a bad name, URL or token, or a name already taken.
    @discardableResult
    public func addServer(name: String, url: String, token: String) throws -> PeerServer {
        let name = try Replica.checkName(name, what: "a name")
        let url = try PeerServer.checkURL(url)
        guard !token.isEmpty, token.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            throw StoreError(.invalidInput, "the token must be the one `newsdb tokens create` printed on the server")
        }
        let now = Timestamp.string(clock())
        return try write("adding a server") { db in
            guard try !Bool(fetchOne: db, "SELECT EXISTS (SELECT 1 FROM remotes WHERE name = ?)", [name]) else {
                throw StoreError(
                    .invalidInput, "a server called '\(name)' exists; remove it first (`newsdb peers remove \(name)`)")
            }
            try db.execute(
                sql: "INSERT INTO remotes (name, url, token, added_at) VALUES (?, ?, ?, ?)",
                arguments: [name, url, token, now])
            return PeerServer(name: name, url: url, token: token, addedAt: now)
        }
    }

    /// Removes the server `name`. What was synced with it stays.
    /// - Throws: `StoreError` `.notFound`.
    public func removeServer(name: String) throws {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        try write("removing a server") { db in
            try db.execute(sql: "DELETE FROM remotes WHERE name = ?", arguments: [name])
            guard db.changesCount == 1 else { throw try Self.noServer(name, db) }
        }
    }

    /// The servers this replica syncs with, by name.
    /// - Throws: `StoreError`.
    public func servers() throws -> [PeerServer] {
        try read("listing servers") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM remotes ORDER BY name").map(Self.server)
        }
    }

    /// The server called `name`.
    /// - Throws: `StoreError` `.notFound`, listing the servers there are.
    public func server(named name: String) throws -> PeerServer {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        return try read("reading a server") { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM remotes WHERE name = ?", arguments: [name]) else {
                throw try Self.noServer(name, db)
            }
            return Self.server(row)
        }
    }

    /// Records what a server is known to have after this replica sent it changes, and its replica id, so that
    /// `peers`, `status` and the next sync know it.
    /// - Parameters:
    ///   - server: The server's replica (id and name).
    ///   - knowledge: Everything it said it has.
    ///   - newsdbVersion: The newsdb version it runs.
    ///   - remote: The stored server it is, if any.
    /// - Throws: `StoreError`.
    public func recordServer(_ server: Replica, knowledge: Knowledge, newsdbVersion: String, remote: String?) throws {
        let now = Timestamp.string(clock())
        try write("recording what the server has") { db in
            try Self.recordServer(
                server, knowledge: knowledge, newsdbVersion: newsdbVersion, remote: remote, now: now, db)
        }
    }

    /// What ``recordServer(_:knowledge:newsdbVersion:remote:)`` writes, in `db`'s transaction.
    static func recordServer(
        _ server: Replica, knowledge: Knowledge, newsdbVersion: String, remote: String?, now: String, _ db: Database
    ) throws {
        let header = ChangeSetHeader(
            sender: server, knowledge: knowledge, covers: Knowledge(), schemaVersion: Self.changeSchemaVersion,
            newsdbVersion: newsdbVersion)
        var applier = ChangeApplier(db)
        try Self.remember(header, now: now, &applier, db)
        if let remote {
            try db.execute(sql: "UPDATE remotes SET replica = ? WHERE name = ?", arguments: [server.id, remote])
        }
    }

    private static func server(_ row: Row) -> PeerServer {
        PeerServer(
            name: row["name"], url: row["url"], token: row["token"], addedAt: row["added_at"], replica: row["replica"])
    }

    private static func noServer(_ name: String, _ db: Database) throws -> StoreError {
        let names = try String.fetchAll(db, sql: "SELECT name FROM remotes ORDER BY name")
        let known =
            names.isEmpty
            ? "none yet: add one with `newsdb peers add NAME URL --token TOKEN`" : names.joined(separator: ", ")
        return StoreError(.notFound, "no server is called '\(name)' (servers: \(known))")
    }
}
