import GRDB

/// The statements that apply changes, each prepared once per ``ChangeApplier``: a change file runs the same few for
/// each of its hundreds of thousands of changes, and finding them by their SQL text every time (as
/// `cachedStatement(sql:)` does) cost more than running some of them.
final class ChangeStatements {
    /// What the statements do.
    enum Query: Int, CaseIterable {
        case annotationSeq, annotationState, insertAnnotation, touch, setNote, setColor, setMotivation, setDeletedAt
        case addTagInstance, addTag, addTagInstanceIfNew, addTagIfNew, tagInstances, removeTagInstance, dropTagChange
        case removeTagWithoutInstances, registerValues, edits, insertChange, dropChange

        var sql: String {
            switch self {
            case .annotationSeq: "SELECT seq FROM annotations WHERE id = ?"
            case .annotationState: "SELECT seq, deleted_at IS NOT NULL, note, latest_hlc, modified_at FROM annotations WHERE id = ?"
            case .insertAnnotation:
                """
                INSERT INTO annotations (id, article_id, revision, exact, prefix, suffix, start, "end",
                    anchor_revision, anchor_start, anchor_end, anchor_state, note, color, motivation, author,
                    created_at, modified_at, origin, counter, hlc, latest_hlc)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO NOTHING
                """
            case .touch: "UPDATE annotations SET latest_hlc = ?, modified_at = ? WHERE seq = ?"
            case .setNote: "UPDATE annotations SET note = ?, latest_hlc = ?, modified_at = ? WHERE seq = ?"
            case .setColor: "UPDATE annotations SET color = ?, latest_hlc = ?, modified_at = ? WHERE seq = ?"
            case .setMotivation: "UPDATE annotations SET motivation = ?, latest_hlc = ?, modified_at = ? WHERE seq = ?"
            case .setDeletedAt: "UPDATE annotations SET deleted_at = ?, latest_hlc = ?, modified_at = ? WHERE seq = ?"
            case .addTagInstance: "INSERT INTO tag_adds (annotation_id, tag, origin, counter) VALUES (?, ?, ?, ?)"
            case .addTag: "INSERT INTO annotation_tags (annotation_id, tag) VALUES (?, ?)"
            case .addTagInstanceIfNew: "INSERT OR IGNORE INTO tag_adds (annotation_id, tag, origin, counter) VALUES (?, ?, ?, ?)"
            case .addTagIfNew: "INSERT OR IGNORE INTO annotation_tags (annotation_id, tag) VALUES (?, ?)"
            case .tagInstances:
                """
                SELECT t.origin, t.counter, o.id FROM tag_adds t JOIN origins o ON o.n = t.origin
                WHERE t.annotation_id = ? AND t.tag = ?
                """
            case .removeTagInstance: "DELETE FROM tag_adds WHERE annotation_id = ? AND tag = ? AND origin = ? AND counter = ?"
            case .dropTagChange: "DELETE FROM changes WHERE origin = ? AND counter = ? AND kind = 'tag'"
            case .removeTagWithoutInstances:
                """
                DELETE FROM annotation_tags WHERE annotation_id = ?1 AND tag = ?2
                    AND NOT EXISTS (SELECT 1 FROM tag_adds WHERE annotation_id = ?1 AND tag = ?2)
                """
            case .registerValues:
                """
                SELECT c.origin, c.counter, c.hlc, o.id FROM changes c JOIN origins o ON o.n = c.origin
                WHERE c.annotation_id = ? AND c.field = ?
                """
            case .edits:
                """
                SELECT o.id, c.counter FROM changes c JOIN origins o ON o.n = c.origin
                WHERE c.annotation_id = ? AND c.kind IN ('set', 'tag')
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

    /// The statement for `query`, prepared on first use.
    func prepared(_ query: Query) throws -> Statement {
        if let statement = statements[query.rawValue] { return statement }
        let statement = try db.makeStatement(sql: query.sql)
        statements[query.rawValue] = statement
        return statement
    }

    /// Runs `query` with `arguments`.
    func execute(_ query: Query, _ arguments: StatementArguments) throws {
        try prepared(query).execute(arguments: arguments)
    }
}
