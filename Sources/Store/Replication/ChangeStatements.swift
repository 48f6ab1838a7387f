import GRDB
import GRDBSQLite

/// The statements that apply changes, each prepared once per ``ChangeApplier``: a change file runs the same few for
/// each of its hundreds of thousands of changes, and finding them by their SQL text every time (as
/// `cachedStatement(sql:)` does) cost more than running some of them.
///
/// Their parameters are bound straight to the SQLite statement (GRDB's documented escape hatch,
/// `Statement.sqliteStatement`), and GRDB then runs the statement as usual (its checks, transaction observers and
/// errors): building `StatementArguments` for every change (an array of existential values, checked, then bound
/// through nested closures) cost about a tenth of a large import.
final class ChangeStatements {
    /// What the statements do.
    enum Query: Int, CaseIterable {
        case annotationSeq, annotationState, insertAnnotation, touch, setNote, setColor, setMotivation, setDeletedAt
        case addTagInstance, addTag, addTagInstanceIfNew, addTagIfNew, tagInstances, removeTagInstance, dropTagChange
        case removeTagWithoutInstances, registerValues, edits, insertChange, dropChange

        var sql: String {
            switch self {
            case .annotationSeq: "SELECT seq FROM annotations WHERE id = ?"
            case .annotationState:
                """
                SELECT seq, deleted_at IS NOT NULL AS is_deleted, note, latest_hlc, modified_at FROM annotations
                WHERE id = ?
                """
            case .insertAnnotation:
                """
                INSERT INTO annotations (id, article_id, revision, exact, prefix, suffix, start, "end",
                    anchor_revision, anchor_start, anchor_end, anchor_state, note, color, motivation, author,
                    created_at, modified_at, origin, counter, hlc, latest_hlc, part)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO NOTHING
                """
            case .touch: "UPDATE annotations SET latest_hlc = ?, modified_at = ? WHERE seq = ?"
            case .setNote: "UPDATE annotations SET note = ?, latest_hlc = ?, modified_at = ? WHERE seq = ?"
            case .setColor: "UPDATE annotations SET color = ?, latest_hlc = ?, modified_at = ? WHERE seq = ?"
            case .setMotivation: "UPDATE annotations SET motivation = ?, latest_hlc = ?, modified_at = ? WHERE seq = ?"
            case .setDeletedAt: "UPDATE annotations SET deleted_at = ?, latest_hlc = ?, modified_at = ? WHERE seq = ?"
            case .addTagInstance: "INSERT INTO tag_adds (annotation_id, tag, origin, counter) VALUES (?, ?, ?, ?)"
            case .addTag: "INSERT INTO annotation_tags (annotation_id, tag) VALUES (?, ?)"
            case .addTagInstanceIfNew:
                "INSERT OR IGNORE INTO tag_adds (annotation_id, tag, origin, counter) VALUES (?, ?, ?, ?)"
            case .addTagIfNew: "INSERT OR IGNORE INTO annotation_tags (annotation_id, tag) VALUES (?, ?)"
            case .tagInstances:
                """
                SELECT t.origin, t.counter, o.id AS origin_id FROM tag_adds t JOIN origins o ON o.n = t.origin
                WHERE t.annotation_id = ? AND t.tag = ?
                """
            case .removeTagInstance:
                "DELETE FROM tag_adds WHERE annotation_id = ? AND tag = ? AND origin = ? AND counter = ?"
            case .dropTagChange:
                "DELETE FROM changes WHERE origin = ? AND counter = ? AND kind = \(ChangeKind.tag.sqlLiteral)"
            case .removeTagWithoutInstances:
                """
                DELETE FROM annotation_tags WHERE annotation_id = ?1 AND tag = ?2
                    AND NOT EXISTS (SELECT 1 FROM tag_adds WHERE annotation_id = ?1 AND tag = ?2)
                """
            case .registerValues:
                """
                SELECT c.origin, c.counter, c.hlc, o.id AS origin_id FROM changes c JOIN origins o ON o.n = c.origin
                WHERE c.annotation_id = ? AND c.field = ?
                """
            case .edits:
                """
                SELECT o.id AS origin_id, c.counter FROM changes c JOIN origins o ON o.n = c.origin
                WHERE c.annotation_id = ? AND c.kind IN (\(ChangeKind.set.sqlLiteral), \(ChangeKind.tag.sqlLiteral))
                """
            case .insertChange:
                """
                INSERT INTO changes (origin, counter, hlc, at, kind, annotation_id, field, value, seen)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
            case .dropChange: "DELETE FROM changes WHERE origin = ? AND counter = ?"
            }
        }
    }

    private let db: Database
    private var statements: [Statement?] = Array(repeating: nil, count: Query.allCases.count)

    init(_ db: Database) {
        self.db = db
    }

    /// The statement for `query`: the connection's cached one (prepared once per connection, so that the many
    /// short transactions of a server do not prepare them again), kept here after its first use.
    ///
    /// Its arguments are set through GRDB once, to none (which also clears what was bound before); from then on
    /// `bound` binds the values, and GRDB runs the statement with them. These SQL texts are run through this type
    /// only: GRDB arguments set elsewhere would be bound again over the values.
    private func prepared(_ query: Query) throws -> Statement {
        if let statement = statements[query.rawValue] { return statement }
        let statement = try db.cachedStatement(sql: query.sql)
        statement.setUncheckedArguments([])
        statements[query.rawValue] = statement
        return statement
    }

    /// The statement for `query`, with `values` bound to its parameters in order, ready to run (with `execute()`, or
    /// a fetch method given no arguments).
    func bound<each Value: SQLiteBindable>(_ query: Query, _ values: repeat each Value) throws -> Statement {
        let statement = try prepared(query)
        let handle = statement.sqliteStatement
        // Binding needs a statement that is not running; a failure of the previous run is GRDB's to report.
        sqlite3_reset(handle)
        var index: Int32 = 0
        var code = SQLITE_OK
        for value in repeat each values {
            index += 1
            if code == SQLITE_OK { code = value.bind(to: handle, at: index) }
        }
        guard code == SQLITE_OK, index == sqlite3_bind_parameter_count(handle) else {
            throw StoreError(.database, "cannot bind the values of a change (\(query)): SQLite code \(code)")
        }
        return statement
    }

    /// Runs `query` with `values` bound to its parameters in order.
    func execute<each Value: SQLiteBindable>(_ query: Query, _ values: repeat each Value) throws {
        try bound(query, repeat each values).execute()
    }
}

/// A value that binds itself to a parameter of an SQLite statement.
protocol SQLiteBindable {
    /// Binds to parameter `index` (from 1) of `statement`; returns SQLite's result code.
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32
}

/// SQLite copies the text or blob before the bind call returns.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

extension String: SQLiteBindable {
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        var text = self
        return text.withUTF8 { utf8 in
            // An empty buffer may have no address, which SQLite would read as NULL: an empty text has one.
            guard let base = utf8.baseAddress else { return sqlite3_bind_text(statement, index, "", 0, transient) }
            return base.withMemoryRebound(to: CChar.self, capacity: utf8.count) {
                sqlite3_bind_text(statement, index, $0, Int32(utf8.count), transient)
            }
        }
    }
}

extension Int64: SQLiteBindable {
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 { sqlite3_bind_int64(statement, index, self) }
}

extension Int: SQLiteBindable {
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        sqlite3_bind_int64(statement, index, Int64(self))
    }
}

extension Optional: SQLiteBindable where Wrapped: SQLiteBindable {
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        switch self {
        case .some(let value): value.bind(to: statement, at: index)
        case .none: sqlite3_bind_null(statement, index)
        }
    }
}
