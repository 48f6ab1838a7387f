import GRDB

/// Keeps `annotation_notes_fts` in step with the notes of annotations, inside the caller's transaction (see
/// ``ArticleIndex`` for why this is done in code rather than by triggers). A deleted annotation keeps its row, so
/// its note stays indexed, as FTS5's external-content check requires; searches leave tombstones out.
enum AnnotationIndex {
    /// Indexes the note of the annotation row `seq`, if it has one (the index's content is the view
    /// `annotation_notes` of annotations with a note).
    static func add(seq: Int64, note: String?, _ db: Database) throws {
        guard let note else { return }
        try db.cachedStatement(sql: "INSERT INTO annotation_notes_fts (rowid, note) VALUES (?, ?)")
            .execute(arguments: [seq, note])
    }

    /// Removes the note of the annotation row `seq`, as it is stored now, from the index, if it has one.
    static func remove(seq: Int64, _ db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO annotation_notes_fts (annotation_notes_fts, rowid, note)
            SELECT 'delete', seq, note FROM annotations WHERE seq = ? AND note IS NOT NULL
            """).execute(arguments: [seq])
    }
}
