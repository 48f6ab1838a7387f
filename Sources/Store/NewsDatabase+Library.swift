import Foundation
import GRDB

/// Which articles the reader's library lists, and in what order. Every filter is applied in SQL.
public struct LibraryQuery: Sendable, Equatable {
    /// How the library is ordered.
    public enum Sort: String, Sendable, CaseIterable {
        /// Most recently imported first.
        case imported
        /// Most recently published first; articles without a date last.
        case published
        /// Best match first (the default with a search).
        case relevance
    }

    /// What an article's annotations must include.
    public enum Having: String, Sendable, CaseIterable {
        /// At least one live annotation (matching the tag, color and author filters).
        case annotations
        /// At least one orphan (matching the tag, color and author filters).
        case orphans
    }

    /// A full-text search, as `newsdb search` takes it (`tag:x` included); nil lists every article.
    public var search: SearchQuery?
    /// Only articles with a live annotation carrying this tag.
    public var tag: String?
    /// Only articles with a live annotation of this color.
    public var color: AnnotationColor?
    /// Only articles with a live annotation by this author (a replica's name).
    public var author: String?
    /// Only articles with annotations, or with orphans.
    public var having: Having?
    /// The order; nil: by relevance with a search, else by import.
    public var sort: Sort?
    /// The most articles to return.
    public var limit: Int
    /// How many to skip.
    public var offset: Int

    /// Creates a query; the default lists the 50 most recently imported articles.
    public init(
        search: SearchQuery? = nil, tag: String? = nil, color: AnnotationColor? = nil, author: String? = nil,
        having: Having? = nil, sort: Sort? = nil, limit: Int = 50, offset: Int = 0
    ) {
        self.search = search
        self.tag = tag
        self.color = color
        self.author = author
        self.having = having
        self.sort = sort
        self.limit = limit
        self.offset = offset
    }
}

/// One article in the library.
public struct LibraryEntry: Sendable, Equatable {
    /// The article's summary.
    public let article: ArticleSummary
    /// How many live annotations it has.
    public let annotationCount: Int
    /// Who made them (replica names), sorted.
    public let authors: [String]
    /// With a search: a passage around the matched words (of the article, or of a matching note), each match
    /// between ``SearchHit/matchStart`` and ``SearchHit/matchEnd``.
    public let snippet: String?
}

/// A page of the library, and how many articles the query matches in all.
public struct LibraryPage: Sendable, Equatable {
    /// How many articles match.
    public let total: Int
    /// The articles of the page.
    public let entries: [LibraryEntry]
}

extension NewsDatabase {
    /// A page of the articles matching `query`, in one snapshot: the filters, the count and the order are SQL, so
    /// that a library of thousands of articles answers in milliseconds.
    /// - Throws: `StoreError` `.invalidInput` for a bad tag, limit or offset.
    public func library(_ query: LibraryQuery) throws -> LibraryPage {
        guard (1...1000).contains(query.limit), query.offset >= 0 else {
            throw StoreError(.invalidInput, "limit must be between 1 and 1000 and offset at least 0")
        }
        let filter = try LibraryFilter(query)
        return try read("listing the library") { db in
            let (joins, conditions, arguments) = (filter.joins, filter.clause, filter.arguments)
            let order: String
            switch query.sort ?? (query.search?.matchExpression == nil ? .imported : .relevance) {
            case .imported: order = "a.imported_at DESC, a.hlc DESC, a.seq DESC"
            case .published:
                order = "a.published_at IS NULL, a.published_at DESC, a.imported_at DESC, a.hlc DESC, a.seq DESC"
            case .relevance:
                order =
                    query.search?.matchExpression == nil
                    ? "a.imported_at DESC, a.hlc DESC, a.seq DESC" : "m.rank IS NULL, m.rank, a.seq"
            }
            let page: StatementArguments = [query.limit, query.offset]
            let count = "SELECT count(*) FROM articles a \(joins) \(conditions)"
            var seqs: [Int64]
            var total: Int?
            if joins.isEmpty {
                // Walks the index on imported_at and stops at the page's end; the count reads a covering index.
                seqs = try Int64.fetchAll(
                    db, sql: "SELECT a.seq FROM articles a \(conditions) ORDER BY \(order) LIMIT ? OFFSET ?",
                    arguments: arguments + page)
            } else {
                // A search ranks every match anyway: the count and the page in one pass, bm25 computed once.
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT a.seq, count(*) OVER () AS total FROM articles a \(joins) \(conditions)
                        ORDER BY \(order) LIMIT ? OFFSET ?
                        """,
                    arguments: arguments + page)
                seqs = rows.map { $0["seq"] }
                total = rows.first?["total"]
            }
            if total == nil { total = try Int.fetchOne(db, sql: count, arguments: arguments) }
            let entries = try seqs.map { seq in try Self.libraryEntry(seq: seq, search: query.search, db) }
            return LibraryPage(total: total ?? 0, entries: entries)
        }
    }

    /// The library's line for the article row `seq`: its summary, annotation count and authors, and with a search,
    /// its snippet (from the article's text when it matched, else from its best matching note, else a tagged quote).
    private static func libraryEntry(seq: Int64, search: SearchQuery?, _ db: Database) throws -> LibraryEntry {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT \(ArticleSummary.columns) FROM articles WHERE seq = ?", arguments: [seq])
        else { throw StoreError(.database, "an article vanished while the library was read") }
        let summary = ArticleSummary(row: row)
        let counts = try Row.fetchOne(
            db,
            sql: """
                SELECT count(*) AS count, (SELECT group_concat(author, char(31)) FROM (
                    SELECT DISTINCT author FROM annotations WHERE article_id = ? AND deleted_at IS NULL ORDER BY author)
                ) AS authors
                FROM annotations WHERE article_id = ? AND deleted_at IS NULL
                """,
            arguments: [summary.id, summary.id])
        let authors = (counts?["authors"] as String?).map { $0.split(separator: "\u{1F}").map(String.init) } ?? []
        var snippet: String?
        if let search {
            snippet = try Self.librarySnippet(seq: seq, articleID: summary.id, search: search, db)
        }
        return LibraryEntry(
            article: summary, annotationCount: counts?["count"] ?? 0, authors: authors, snippet: snippet)
    }

    private static func librarySnippet(seq: Int64, articleID: String, search: SearchQuery, _ db: Database) throws
        -> String
    {
        let marks: StatementArguments = [SearchHit.matchStart, SearchHit.matchEnd]
        guard let match = search.matchExpression else {
            return try String.fetchOne(
                db,
                sql: """
                    SELECT n.exact FROM annotations n JOIN annotation_tags t ON t.annotation_id = n.id
                    WHERE n.article_id = ? AND n.deleted_at IS NULL AND t.tag = ?
                    ORDER BY n.modified_at DESC, n.seq DESC LIMIT 1
                    """,
                arguments: [articleID, search.tags.first ?? ""]) ?? ""
        }
        if let text = try String.fetchOne(
            db,
            sql: """
                SELECT snippet(articles_fts, -1, ?, ?, '…', 16) FROM articles_fts WHERE articles_fts MATCH ? AND rowid = ?
                """,
            arguments: marks + [match, seq])
        {
            return text
        }
        return try String.fetchOne(
            db,
            sql: """
                SELECT snippet(annotation_notes_fts, 0, ?, ?, '…', 16) FROM annotation_notes_fts
                JOIN annotations n ON n.seq = annotation_notes_fts.rowid
                WHERE annotation_notes_fts MATCH ? AND n.article_id = ? AND n.deleted_at IS NULL
                ORDER BY bm25(annotation_notes_fts) LIMIT 1
                """,
            arguments: marks + [match, articleID]) ?? ""
    }

    /// Every tag on a live annotation, with how many live annotations carry it, most used first.
    /// - Throws: `StoreError`.
    public func tagCounts() throws -> [(tag: String, count: Int)] {
        try read("listing tags") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT t.tag, count(*) AS count FROM annotation_tags t JOIN annotations n ON n.id = t.annotation_id
                    WHERE n.deleted_at IS NULL GROUP BY t.tag ORDER BY count DESC, t.tag
                    """
            ).map { ($0["tag"], $0["count"]) }
        }
    }

    /// The names of everyone who made a live annotation, sorted.
    /// - Throws: `StoreError`.
    public func annotationAuthors() throws -> [String] {
        try read("listing authors") { db in
            try String.fetchAll(
                db, sql: "SELECT DISTINCT author FROM annotations WHERE deleted_at IS NULL ORDER BY author")
        }
    }

    /// A string that changes whenever a change is made here or received, by any process: this replica's id and
    /// counter, and how many changes it has received. Cheap enough to poll every second.
    /// - Throws: `StoreError`.
    public func dataVersion() throws -> String {
        try read("reading the database's version") { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT r.id, r.counter, (SELECT coalesce(sum(last - first + 1), 0) FROM knowledge) AS received
                    FROM replica r WHERE r.singleton = 1
                    """)
            guard let row else { throw StoreError(.cannotOpen, "the database has no replica record") }
            return "\((row["id"] as String).prefix(8))-\(row["counter"] as Int64)-\(row["received"] as Int64)"
        }
    }
}
