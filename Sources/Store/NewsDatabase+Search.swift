import GRDB

/// One article found by a search.
public struct SearchHit: Sendable, Equatable, Codable {
    /// The article id.
    public let id: String
    /// The headline.
    public let title: String
    /// The publication, when known.
    public let source: String?
    /// The publication date, when known.
    public let publishedAt: String?
    /// A passage around the matched words, each match between ``SearchHit/matchStart`` and ``SearchHit/matchEnd``.
    public let snippet: String
    /// The bm25 score: lower is a better match.
    public let rank: Double

    /// Marks the start of a matched word in ``snippet``.
    public static let matchStart = "\u{2}"
    /// Marks the end of a matched word in ``snippet``.
    public static let matchEnd = "\u{3}"
}

extension NewsDatabase {
    /// Full-text search over title, dek, byline and body, best match first (bm25, title weighted highest).
    /// - Parameters:
    ///   - query: The parsed query.
    ///   - limit: The most hits to return.
    /// - Returns: The hits, with a snippet whose matched words are marked.
    /// - Throws: `StoreError`.
    public func search(_ query: SearchQuery, limit: Int = 20) throws -> [SearchHit] {
        try read("searching") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT a.id, a.title, a.source, a.published_at,
                           snippet(articles_fts, -1, ?, ?, '…', 16) AS snippet,
                           bm25(articles_fts, 10.0, 4.0, 2.0, 1.0) AS rank
                    FROM articles_fts
                    JOIN articles a ON a.seq = articles_fts.rowid
                    WHERE articles_fts MATCH ?
                    ORDER BY rank
                    LIMIT ?
                    """,
                arguments: [SearchHit.matchStart, SearchHit.matchEnd, query.matchExpression, limit]
            ).map { row in
                SearchHit(
                    id: row["id"], title: row["title"], source: row["source"], publishedAt: row["published_at"],
                    snippet: row["snippet"], rank: row["rank"])
            }
        }
    }
}
