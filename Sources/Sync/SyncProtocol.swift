import Foundation
import Store

/// The HTTP endpoints of `newsdb serve` (docs/SYNC.md, "Over HTTP"), shared by the server and the client.
public enum SyncProtocol {
    /// `GET`: 200 `{"status": "ok"}`, without a token.
    public static let health = "/healthz"
    /// `GET`: the server's ``ServerInfo``.
    public static let info = "/v1/sync"
    /// `POST` a ``PullRequest``: a page of the changes the client lacks, as a change file.
    public static let pull = "/v1/sync/pull"
    /// `POST` a change file: applied in one transaction; answers a ``PushResult``.
    public static let push = "/v1/sync/push"
    /// `GET`: a snapshot of the server's database (docs/SYNC.md, "Snapshots"), streamed, for `newsdb clone URL`.
    public static let snapshot = "/v1/sync/snapshot"
    /// The response header saying whether a pulled page is the last one: `last` or `more`.
    public static let pageHeader = "Newsdb-Page"
}

/// What a server says about itself (`GET /v1/sync`).
public struct ServerInfo: Sendable, Codable, Equatable {
    /// The change file format's name and version, which pages are in.
    public let format: String
    public let version: Int
    /// The server's schema version.
    public let schema: Int
    /// The newsdb version the server runs.
    public let newsdb: String
    /// The server's replica.
    public let replica: Replica
    /// Everything the server has (its version vector, with gaps).
    public let knowledge: Knowledge
    /// The most changes the server sends or takes in one page.
    public let maxPageChanges: Int
    /// The largest request body the server takes, in bytes.
    public let maxBodyBytes: Int

    /// Creates a description.
    public init(
        format: String, version: Int, schema: Int, newsdb: String, replica: Replica, knowledge: Knowledge,
        maxPageChanges: Int, maxBodyBytes: Int
    ) {
        self.format = format
        self.version = version
        self.schema = schema
        self.newsdb = newsdb
        self.replica = replica
        self.knowledge = knowledge
        self.maxPageChanges = maxPageChanges
        self.maxBodyBytes = maxBodyBytes
    }
}

/// A pull: what the client has, so the server sends what it lacks.
public struct PullRequest: Sendable, Codable, Equatable {
    /// Everything the client has.
    public let knowledge: Knowledge
    /// The most changes to send (the server's own cap applies too).
    public let limit: Int?

    /// Creates a pull request.
    public init(knowledge: Knowledge, limit: Int?) {
        self.knowledge = knowledge
        self.limit = limit
    }
}

/// What the server did with a pushed page.
public struct PushResult: Sendable, Codable, Equatable {
    /// What applying the page did.
    public let applied: Int
    public let duplicates: Int
    public let waiting: Int
    public let released: Int
    public let conflicts: Int
    /// Everything the server has now.
    public let knowledge: Knowledge
}

/// An error answer: `{"error": "one line a person can act on"}`.
struct ErrorBody: Codable {
    let error: String
}
