import Foundation
import GRDB

/// An error from the newsdb store that a person can read and act on.
///
/// `message` is one line saying what went wrong and, where there is one, what to do about it.
/// `underlying` keeps the original error (a GRDB `DatabaseError`, a Foundation file error) for logs and tests;
/// it is never shown instead of the message.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is, for callers that react to some kinds (exit codes, HTTP statuses, tests).
    public enum Code: String, Sendable {
        /// The file is not a newsdb database, or cannot be opened as one.
        case cannotOpen
        /// The database was written by a newer newsdb than this binary.
        case schemaTooNew
        /// A migration already applied to the database differs from the one this binary carries.
        case migrationMismatch
        /// A migration failed and was rolled back.
        case migrationFailed
        /// The database needs migrating but the caller asked not to migrate.
        case migrationRequired
        /// A backup before migrating could not be written.
        case backupFailed
        /// No article, or no single article, matches what was asked for.
        case notFound
        /// An id prefix matches more than one record.
        case ambiguous
        /// Input (an article file, a query, an option) is not acceptable.
        case invalidInput
        /// Two databases made different changes under one change id, or would: a copy of a database, or a backup
        /// put back, went on as the same replica (docs/SYNC.md, "Copies and backups").
        case replicaReused
        /// A received change is stamped too far ahead of this machine's clock (docs/SYNC.md, "Clocks").
        case clockAhead
        /// The changes are not the sender's to give: on the team hub, a token pushes only the changes of the replicas
        /// that first pushed with it or that its owner named (docs/SYNC.md, "Tokens on a hub").
        case notAllowed
        /// Reading or writing a file failed.
        case io
        /// The database stayed locked by another writer for longer than a writer waits (10 s); trying again later
        /// may succeed.
        case busy
        /// SQLite reported an error that fits none of the above.
        case database
    }

    /// What kind of failure this is.
    public let code: Code
    /// One line for a person: what went wrong and what to do.
    public let message: String
    /// The error that caused this one, when there is one.
    public let underlying: (any Error)?

    /// Creates an error.
    /// - Parameters:
    ///   - code: What kind of failure this is.
    ///   - message: One line for a person.
    ///   - underlying: The error that caused this one.
    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// The message.
    public var description: String { message }
}

extension StoreError {
    /// The error for a file SQLite cannot open as a database.
    static func cannotOpen(path: String, _ error: any Error) -> StoreError {
        StoreError(.cannotOpen, "cannot open \(path) as a newsdb database: \(describe(error))", underlying: error)
    }

    /// A short, one-line description of any error, without SQL or arguments: for GRDB's `DatabaseError`,
    /// SQLite's own message.
    public static func describe(_ error: any Error) -> String {
        if let error = error as? StoreError { return error.message }
        if let error = error as? DatabaseError { return error.message ?? "SQLite error \(error.resultCode.rawValue)" }
        return (error as NSError).localizedDescription
    }

    /// Wraps an error thrown by the database layer, keeping `StoreError`s as they are.
    static func wrap(_ error: any Error, _ context: String) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_FULL:
                return StoreError(.io, "\(context): the disk is full; free some space and try again", underlying: error)
            case .SQLITE_READONLY:
                return StoreError(
                    .io, "\(context): the database is read-only; check its permissions", underlying: error)
            case .SQLITE_BUSY, .SQLITE_LOCKED:
                return StoreError(.busy, "\(context): the database stayed busy; try again", underlying: error)
            case .SQLITE_IOERR:
                return StoreError(
                    .io, "\(context): the disk refused a read or write (is it full or failing?); nothing was changed",
                    underlying: error)
            case .SQLITE_NOTADB, .SQLITE_CORRUPT:
                return StoreError(.cannotOpen, "\(context): the file is not a valid newsdb database", underlying: error)
            default:
                break
            }
        }
        return StoreError(.database, "\(context): \(describe(error))", underlying: error)
    }
}
