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
    /// Where the words matched: the article's text, or the note of one of its annotations.
    public let matchedIn: MatchPlace

    /// Where a search matched.
    public enum MatchPlace: String, Sendable, Codable {
        /// The title, dek, byline or body.
        case article
        /// The note of an annotation on the article (the snippet is from the note).
        case note
        /// Only tags were asked for (the snippet is the quote of a tagged annotation).
        case tag
    }

    /// Marks the start of a matched word in ``snippet``.
    public static let matchStart = "\u{2}"
    /// Marks the end of a matched word in ``snippet``.
    public static let matchEnd = "\u{3}"
}

extension NewsDatabase {
    /// Full-text search over articles (title, dek, byline and body; bm25, title weighted highest) and the notes of
    /// their annotations, keeping only articles whose annotations carry every `tag:` of the query. Articles whose
    /// own text matches come first, then those found by a note.
    /// - Parameters:
    ///   - query: The parsed query.
    ///   - limit: The most hits to return.
    /// - Returns: The hits, each with a snippet whose matched words are marked.
    /// - Throws: `StoreError`.
    public func search(_ query: SearchQuery, limit: Int = 20) throws -> [SearchHit] {
        try read("searching") { db in
            var tagFilter = ""
            var tagArguments: StatementArguments = []
            for tag in query.tags {
                tagFilter += """
                     AND EXISTS (SELECT 1 FROM annotations n JOIN annotation_tags t ON t.annotation_id = n.id
                                 WHERE n.article_id = a.id AND n.deleted_at IS NULL AND t.tag = ?)
                    """
                _ = tagArguments.append(contentsOf: [tag])
            }
            guard let match = query.matchExpression else {
                return try Self.taggedArticles(
                    tag: query.tags[0], tagFilter: tagFilter, arguments: tagArguments, limit: limit, db)
            }
            var hits = try Row.fetchAll(
                db,
                sql: """
                    SELECT a.id, a.title, a.source, a.published_at,
                           snippet(articles_fts, -1, ?, ?, '…', 16) AS snippet,
                           bm25(articles_fts, 10.0, 4.0, 2.0, 1.0) AS rank
                    FROM articles_fts
                    JOIN articles a ON a.seq = articles_fts.rowid
                    WHERE articles_fts MATCH ? \(tagFilter)
                    ORDER BY rank
                    LIMIT ?
                    """,
                arguments: [SearchHit.matchStart, SearchHit.matchEnd, match] + tagArguments + [limit]
            ).map { row in Self.hit(row, in: .article) }
            guard hits.count < limit else { return hits }
            var seen = Set(hits.map(\.id))
            let noteRows = try Row.fetchAll(
                db,
                sql: """
                    SELECT a.id, a.title, a.source, a.published_at,
                           snippet(annotation_notes_fts, 0, ?, ?, '…', 16) AS snippet,
                           bm25(annotation_notes_fts) AS rank
                    FROM annotation_notes_fts
                    JOIN annotations n ON n.seq = annotation_notes_fts.rowid
                    JOIN articles a ON a.id = n.article_id
                    WHERE annotation_notes_fts MATCH ? AND n.deleted_at IS NULL \(tagFilter)
                    ORDER BY rank
                    LIMIT ?
                    """,
                arguments: [SearchHit.matchStart, SearchHit.matchEnd, match] + tagArguments + [limit * 4])
            for row in noteRows where hits.count < limit {
                let hit = Self.hit(row, in: .note)
                if seen.insert(hit.id).inserted { hits.append(hit) }
            }
            return hits
        }
    }

    /// Articles with annotations carrying every tag, most recently annotated first; the snippet is the quote of the
    /// article's most recently changed annotation tagged `tag`.
    private static func taggedArticles(
        tag: String, tagFilter: String, arguments: StatementArguments, limit: Int, _ db: Database
    ) throws -> [SearchHit] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT a.id, a.title, a.source, a.published_at,
                       (SELECT n.exact FROM annotations n JOIN annotation_tags t ON t.annotation_id = n.id
                        WHERE n.article_id = a.id AND n.deleted_at IS NULL AND t.tag = ?
                        ORDER BY n.modified_at DESC, n.seq DESC LIMIT 1) AS snippet,
                       0.0 AS rank
                FROM articles a
                WHERE 1 \(tagFilter)
                ORDER BY (SELECT max(n.modified_at) FROM annotations n WHERE n.article_id = a.id) DESC, a.seq
                LIMIT ?
                """,
            arguments: [tag] + arguments + [limit]
        ).map { row in hit(row, in: .tag) }
    }

    private static func hit(_ row: Row, in place: SearchHit.MatchPlace) -> SearchHit {
        SearchHit(
            id: row["id"], title: row["title"], source: row["source"], publishedAt: row["published_at"],
            snippet: row["snippet"] ?? "", rank: row["rank"], matchedIn: place)
    }
}
