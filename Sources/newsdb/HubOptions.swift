import ArgumentParser
import Foundation
import Hub
import Logging
import Store

/// The `--store` option of the hub's commands: where the team hub's PostgreSQL database is.
struct HubOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The hub's PostgreSQL database: postgresql://USER@/DB?host=/run/postgresql, or libpq's key=value words. The password comes from PGPASSWORD or a password file, never from here.",
            valueName: "location"))
    var store: String

    func validate() throws {
        try checkArgument { _ = try HubLocation(store) }
    }

    /// The location, read.
    func location() throws -> HubLocation { try HubLocation(store) }

    /// Runs `body` with the hub's store, connected for as long as it runs.
    /// - Parameter requireCurrentSchema: Refuse a hub database whose schema is not this newsdb's.
    func withStore<T: Sendable>(
        requireCurrentSchema: Bool = true, _ body: @Sendable (PostgresHubStore) async throws -> T
    ) async throws -> T {
        var logger = Logger(label: "newsdb.hub")
        logger.logLevel =
            Environment.value("NEWSDB_LOG").flatMap { Logger.Level(rawValue: $0.lowercased()) }
            ?? .warning
        return try await PostgresHubStore.withStore(
            at: try location(), logger: logger, requireCurrentSchema: requireCurrentSchema, body)
    }
}
