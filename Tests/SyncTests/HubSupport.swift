import Foundation
import Logging
import Store
import Testing

@testable import Hub
@testable import Sync

/// What keeps a hub's changes in a test: a replica's SQLite database (`newsdb serve`) or PostgreSQL
/// (`newsdb serve --store`).
enum HubKind: String, Sendable, CustomTestStringConvertible {
    case sqlite, postgresql

    var testDescription: String { rawValue }

    /// The kinds the hub tests run on: PostgreSQL too where ``TestPostgres`` has a server, or must have one.
    static var all: [HubKind] { TestPostgres.isEnabled ? [.sqlite, .postgresql] : [.sqlite] }
}

/// A hub serving on a free loopback port in this process, over a store of `kind`.
struct TestHub: Sendable {
    let kind: HubKind
    let url: String
    let store: any SyncStore
    let log: LogLines

    /// A new token for `name`.
    func token(_ name: String) async throws -> String {
        switch store {
        case let store as DatabaseSyncStore: return try store.database.createToken(name: name).token
        case let store as PostgresHubStore: return try await store.createToken(name: name).token
        default: throw TestFailure("a store of another kind")
        }
    }

    /// Runs `body` with a new hub of `kind`, stopped afterwards. A PostgreSQL hub gets a database of its own.
    static func with(
        _ kind: HubKind, in folder: TemporaryDirectory, clock: @escaping @Sendable () -> Date,
        maxPageChanges: Int = 10_000, _ body: @Sendable (TestHub) async throws -> Void
    ) async throws {
        switch kind {
        case .sqlite:
            let database = try NewsDatabase.open(
                at: folder.path("hub-\(UUID().uuidString).sqlite"),
                options: .init(backup: false, clock: clock, connections: .pool))
            try database.rename(to: "hub")
            try await serve(DatabaseSyncStore(database), kind: kind, maxPageChanges: maxPageChanges, body)
        case .postgresql:
            try await TestPostgres.withDatabase { location in
                try await withPostgresStore(at: location, clock: clock, migrate: true) { store in
                    try await serve(store, kind: kind, maxPageChanges: maxPageChanges, body)
                }
            }
        }
    }

    /// Runs `body` with a store of the hub database at `location`, migrated first when `migrate` says so.
    static func withPostgresStore<T: Sendable>(
        at location: HubLocation, clock: @escaping @Sendable () -> Date, migrate: Bool = false,
        _ body: @Sendable (PostgresHubStore) async throws -> T
    ) async throws -> T {
        try await PostgresHubStore.withStore(
            at: location, logger: TestPostgres.logger, requireCurrentSchema: !migrate, clock: clock
        ) { store in
            if migrate { _ = try await store.migrate(name: "hub") }
            return try await body(store)
        }
    }

    /// Serves `store` on a free loopback port while `body` runs.
    static func serve(
        _ store: any SyncStore, kind: HubKind, maxPageChanges: Int = 10_000,
        _ body: @Sendable (TestHub) async throws -> Void
    ) async throws {
        let log = LogLines()
        var logger = Logger(label: "test.hub") { _ in log }
        logger.logLevel = .info
        let server = try await SyncServer(
            store: store,
            configuration: SyncServerConfiguration(
                host: "127.0.0.1", port: 0, maxPageChanges: maxPageChanges, newsdbVersion: "test"),
            logger: logger)
        let (port, task) = try await RunningServer.launch(server)
        let hub = TestHub(kind: kind, url: "http://127.0.0.1:\(port)", store: store, log: log)
        let outcome: Result<Void, any Error>
        do {
            outcome = .success(try await body(hub))
        } catch {
            outcome = .failure(error)
        }
        task.cancel()
        try await task.value
        try outcome.get()
    }
}

extension TestReplica {
    /// Syncs with `hub`, as `newsdb sync URL --token TOKEN` does.
    @discardableResult
    func sync(with hub: TestHub, token: String, pageLimit: Int? = nil) async throws -> SyncReport {
        try await SyncClient.sync(
            database, with: PeerServer(name: "hub", url: hub.url, token: token), newsdbVersion: "test",
            pageLimit: pageLimit)
    }
}
