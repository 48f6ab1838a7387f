import GRDB

/// Keeps `annotation_notes_fts` in step with the notes of live annotations, inside the caller's transaction
/// (see ``ArticleIndex`` for why this is done in code rather than by triggers).
enum AnnotationIndex {
    /// Indexes the note of the annotation row `seq`, if it has one.
    static func add(seq: Int64, note: String?, _ db: Database) throws {
        guard let note else { return }
        try db.cachedStatement(sql: "INSERT INTO annotation_notes_fts (rowid, note) VALUES (?, ?)")
            .execute(arguments: [seq, note])
    }

    /// Removes the note of the annotation row `seq` as it is stored now, if it has one and is live.
    static func remove(seq: Int64, _ db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO annotation_notes_fts (annotation_notes_fts, rowid, note)
            SELECT 'delete', seq, note FROM annotations WHERE seq = ? AND note IS NOT NULL AND deleted_at IS NULL
            """).execute(arguments: [seq])
    }
}
