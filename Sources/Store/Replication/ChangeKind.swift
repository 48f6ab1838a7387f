import GRDB
import GRDBSQLite

/// What a row of the `changes` table does to its annotation: the `kind` column, whose text values are these raw
/// values (migration 0003 checks them).
///
/// Creations and article versions are not here: they live in the `annotations` and `articles` rows they made.
enum ChangeKind: String, CaseIterable, Sendable {
    /// Sets one field of the annotation (`note`, `color`, `motivation` or `selector`) to the row's value.
    case set
    /// Adds the tag named in the row's field (`tag:NAME`).
    case tag
    /// Removes the tag named in the row's field, as far as the additions it saw go.
    case untag
    /// Deletes the annotation (its `deleted` register).
    case delete
    /// Restores a deleted annotation (its `deleted` register).
    case restore

    /// The kind as an SQL string literal, for the SQL text of a query that selects rows by kind.
    var sqlLiteral: String { "'\(rawValue)'" }
}

extension ChangeKind: DatabaseValueConvertible {}

extension ChangeKind: SQLiteBindable {
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 { rawValue.bind(to: statement, at: index) }
}

extension Row {
    /// The kind in column `column` of a row of `changes`.
    /// - Parameter change: Which change the row is, for the error.
    /// - Throws: `StoreError` `.database` when the column holds no kind this newsdb knows.
    func changeKind(_ column: String = "kind", change: @autoclosure () -> String) throws -> ChangeKind {
        // Read as a database value: a value of the wrong type must be an error, not GRDB's fatal conversion failure.
        let value: DatabaseValue = self[column]
        guard let kind = ChangeKind.fromDatabaseValue(value) else {
            throw StoreError(.database, "change \(change()) has an unknown kind \(value); run `newsdb check`")
        }
        return kind
    }
}
