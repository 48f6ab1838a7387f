import GRDB

/// Keeps `annotation_notes_fts` in step with the notes of annotations, inside the caller's transaction (see
/// ``ArticleIndex`` for why this is done in code rather than by triggers). A deleted annotation keeps its row, so
/// its note stays indexed, as FTS5's external-content check requires; searches leave tombstones out.
enum AnnotationIndex {
    /// Indexes the note of the annotation row `seq`. A row without a note is indexed too: FTS5 keeps a size for
    /// every row of its content table, and its consistency check counts them.
    static func add(seq: Int64, note: String?, _ db: Database) throws {
        try db.cachedStatement(sql: "INSERT INTO annotation_notes_fts (rowid, note) VALUES (?, ?)")
            .execute(arguments: [seq, note])
    }

    /// Removes the annotation row `seq` from the index, with its note as it is stored now.
    static func remove(seq: Int64, _ db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO annotation_notes_fts (annotation_notes_fts, rowid, note)
            SELECT 'delete', seq, note FROM annotations WHERE seq = ?
            """).execute(arguments: [seq])
    }
}
