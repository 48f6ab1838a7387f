import Foundation
import PostgresNIO
import Store
import _ConnectionPoolModule

/// How PostgreSQL's failures reach a person: one line, as a `StoreError` whose code the server answers by (a hub
/// whose database cannot be reached is busy, 503, so clients try again; a refusal of what was sent keeps its code).
enum HubErrors {
    /// SQLSTATEs after which the same transaction, tried again, can succeed: serialization failure and deadlock.
    static let retryable: Set<String> = ["40001", "40P01"]

    /// The SQLSTATE of a PostgreSQL error, if `error` is one the server sent.
    static func sqlState(_ error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    /// `error` as a `StoreError` for a person: a `StoreError` as it is, a server's error by its message, a broken or
    /// refused connection as busy.
    static func storeError(_ error: any Error, _ context: String, location: HubLocation) -> StoreError {
        if let error = error as? StoreError { return error }
        if error is ConnectionPoolError {
            return StoreError(
                .busy,
                "cannot reach the hub's database at \(location) (is PostgreSQL running there?); try again shortly",
                underlying: error)
        }
        guard let error = error as? PSQLError else {
            return StoreError(.database, "\(context): \(StoreError.describe(error))", underlying: error)
        }
        if let info = error.serverInfo {
            let state = info[.sqlState] ?? ""
            let message = info[.message] ?? "an error"
            // Class 08: connection exception; 53: insufficient resources; 57P: the server is shutting down or
            // starting; 40: the transaction was aborted for another's sake (retried already).
            if state.hasPrefix("08") || state.hasPrefix("53") || state.hasPrefix("57P") || state.hasPrefix("40") {
                return StoreError(
                    .busy, "the hub's database at \(location) is not available (\(message)); try again shortly",
                    underlying: error)
            }
            if state == "28P01" || state == "28000" {
                return StoreError(
                    .cannotOpen,
                    "the hub's database at \(location) refused the login (\(message)); check the user and PGPASSWORD or the password file",
                    underlying: error)
            }
            if state == "3D000" {
                return StoreError(
                    .cannotOpen, "the hub's database \(location.database) does not exist; create it (docs/HUB.md)",
                    underlying: error)
            }
            if state == "42P01" {
                return StoreError(
                    .migrationRequired,
                    "the hub's database at \(location) has no hub schema yet; run `newsdb hub migrate --store …`",
                    underlying: error)
            }
            return StoreError(.database, "\(context) on the hub's database failed: \(message)", underlying: error)
        }
        switch error.code {
        case .connectionError, .serverClosedConnection, .uncleanShutdown, .poolClosed, .clientClosedConnection:
            return StoreError(
                .busy,
                "cannot reach the hub's database at \(location) (is PostgreSQL running there?); try again shortly",
                underlying: error)
        case .authMechanismRequiresPassword:
            return StoreError(
                .cannotOpen,
                "the hub's database at \(location) asks for a password: set PGPASSWORD or use a password file (passfile=PATH)",
                underlying: error)
        default:
            return StoreError(.database, "\(context) on the hub's database failed (\(error.code))", underlying: error)
        }
    }
}
