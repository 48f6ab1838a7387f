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

    /// Removes the note of the annotation row `seq` from the index, if it has one: `note` must be the note as it is
    /// stored now.
    ///
    /// The note is given rather than selected (`INSERT ... SELECT`): a statement that may write several rows opens
    /// a savepoint, and FTS5 writes its pending index entries to disk at each, which made every note edit in a
    /// large sync import write a small index segment (and later merge them all).
    static func remove(seq: Int64, note: String?, _ db: Database) throws {
        guard let note else { return }
        try db.cachedStatement(
            sql: "INSERT INTO annotation_notes_fts (annotation_notes_fts, rowid, note) VALUES ('delete', ?, ?)"
        )
        .execute(arguments: [seq, note])
    }
}
