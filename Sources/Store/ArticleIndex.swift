import GRDB

/// Keeps the full-text index `articles_fts` in step with `articles`. Every write to `articles` goes through
/// these functions, inside the caller's transaction.
///
/// The index is an FTS5 external-content table over `articles`; it is written here rather than by triggers because
/// a trigger turns each insert into a statement transaction, and FTS5 flushes its pending data at every one.
/// For the same reason bulk writes must not use savepoints.
enum ArticleIndex {
    /// Adds the row `seq` with its indexed columns.
    static func add(seq: Int64, title: String, dek: String?, byline: String?, body: String, _ db: Database) throws {
        try db.cachedStatement(sql: "INSERT INTO articles_fts (rowid, title, dek, byline, body) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [seq, title, dek, byline, body])
    }

    /// Removes the row `seq`; FTS5 needs the indexed values exactly as they were added.
    static func remove(seq: Int64, _ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO articles_fts (articles_fts, rowid, title, dek, byline, body)
                SELECT 'delete', seq, title, dek, byline, body FROM articles WHERE seq = ?
                """
        ).execute(arguments: [seq])
    }
}
