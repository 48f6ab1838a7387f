import Foundation
import Hub
import Logging
import PostgresNIO

/// The PostgreSQL server the hub tests use: `NEWSDB_TEST_POSTGRES`, a libpq location (a `postgresql://` URL or
/// key=value words) whose user may create databases; each test makes a database of its own there and drops it
/// after. `.ci/run` starts a throwaway server and sets it. Unset, the PostgreSQL tests are left out, except under CI
/// (`CI=true`), where they run and fail, so that CI never passes without them.
public enum TestPostgres {
    public static var location: String? {
        ProcessInfo.processInfo.environment["NEWSDB_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Whether the PostgreSQL tests run: with a server, or under CI, where a missing one fails them.
    public static var isEnabled: Bool { location != nil || ProcessInfo.processInfo.environment["CI"] == "true" }

    public static var logger: Logger {
        var logger = Logger(label: "test.postgres")
        logger.logLevel = .warning
        return logger
    }

    /// Runs `body` with a new, empty database on the test server (its hub schema not made), dropped afterwards.
    public static func withDatabase<T: Sendable>(_ body: @Sendable (HubLocation) async throws -> T) async throws -> T {
        guard let location else {
            throw PostgresMissing()
        }
        let server = try HubLocation(location)
        let name = "newsdb_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await admin(server, "CREATE DATABASE \(name) ENCODING 'UTF8' TEMPLATE template0")
        let result: Result<T, any Error>
        do {
            result = .success(try await body(server.database(name)))
        } catch {
            result = .failure(error)
        }
        try await admin(server, "DROP DATABASE \(name) WITH (FORCE)")
        return try result.get()
    }

    /// Runs one statement on the server's own database.
    public static func admin(_ server: HubLocation, _ sql: String) async throws {
        try await run(server, sql)
    }

    /// Runs `sql` (one statement) in the database at `location`.
    public static func run(_ location: HubLocation, _ sql: String) async throws {
        let client = PostgresClient(
            configuration: try location.clientConfiguration(environment: ProcessInfo.processInfo.environment),
            backgroundLogger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        }
    }
}

/// Under CI, the PostgreSQL tests run and fail when no server was started for them.
public struct PostgresMissing: Error, CustomStringConvertible {
    public var description: String {
        "NEWSDB_TEST_POSTGRES is not set, and CI=true: .ci/run must start PostgreSQL and set it to its location"
    }
}
