import Foundation
import GRDB

extension NewsDatabase {
    /// The shortest id prefix newsdb accepts, as git does for commits.
    public static let minimumPrefixLength = 4

    /// Articles, most recently imported first. `imported_at` counts whole seconds, so articles imported in the
    /// same second are ordered by the clock of the change that stored them (their `hlc`), which orders local
    /// imports, updates and revisions as they happened.
    /// - Parameter limit: The most to return; nil for all.
    /// - Throws: `StoreError`.
    public func articles(limit: Int? = nil) throws -> [ArticleSummary] {
        try read("listing articles") { db in
            // Through a cursor: each row is read in place, where fetchAll would copy every row first.
            try Array(
                Row.fetchCursor(
                    db,
                    sql:
                        "SELECT \(ArticleSummary.columns) FROM articles ORDER BY imported_at DESC, hlc DESC, seq DESC LIMIT ?",
                    arguments: [limit ?? -1]
                ).map(ArticleSummary.init(row:)))
        }
    }

    /// The article whose id is `idOrPrefix` or starts with it.
    /// - Parameter idOrPrefix: A whole id or a unique prefix of at least ``minimumPrefixLength`` characters.
    /// - Throws: `StoreError` `.notFound` when nothing matches, `.ambiguous` (listing the candidates) when several
    ///   do, `.invalidInput` when the prefix is too short or not hexadecimal.
    public func article(_ idOrPrefix: String) throws -> Article {
        try read("reading an article") { db in try Self.fetchArticle(idOrPrefix, db) }
    }

    /// The article whose id is `idOrPrefix` or starts with it, read with `db`.
    static func fetchArticle(_ idOrPrefix: String, _ db: Database) throws -> Article {
        let id = try resolveArticleID(idOrPrefix, db)
        guard
            let row = try Row.fetchOne(db, sql: "SELECT \(Article.columns) FROM articles WHERE id = ?", arguments: [id])
        else { throw StoreError(.notFound, "no article matches '\(idOrPrefix)'; run `newsdb list`") }
        return Article(row: row)
    }

    /// Checks that `reference` can name an article (long enough, hexadecimal) without opening a database, so a
    /// command can refuse it before touching any file.
    /// - Throws: `StoreError` `.invalidInput` or `.notFound` saying what is wrong.
    public static func checkArticleReference(_ reference: String) throws {
        let prefix = reference.lowercased()
        guard prefix.count >= minimumPrefixLength else {
            throw StoreError(
                .invalidInput, "article id '\(prefix)' is too short; give at least \(minimumPrefixLength) characters")
        }
        guard prefix.count <= 64, prefix.allSatisfy(\.isHexDigit) else {
            throw StoreError(.notFound, "no article matches '\(prefix)' (ids are hexadecimal); run `newsdb list`")
        }
    }

    /// The full id of the one article whose id starts with `prefix`.
    static func resolveArticleID(_ prefix: String, _ db: Database) throws -> String {
        try checkArticleReference(prefix)
        let prefix = prefix.lowercased()
        // A range scan over the unique index on id: every id with this prefix sorts between the two bounds.
        let rows = try Row.fetchAll(
            db, sql: "SELECT id, title FROM articles WHERE id >= ? AND id < ? ORDER BY id LIMIT 6",
            arguments: [prefix, prefix + "g"])
        switch rows.count {
        case 0:
            throw StoreError(.notFound, "no article matches '\(prefix)'; run `newsdb list`")
        case 1:
            return rows[0]["id"]
        default:
            let candidates = rows.prefix(5).map { row -> String in
                let id: String = row["id"]
                let title: String = row["title"]
                return "\(id.prefix(12)) \(title.prefix(40))"
            }
            let more = rows.count > 5 ? ", …" : ""
            throw StoreError(
                .ambiguous,
                "article id '\(prefix)' is ambiguous: \(candidates.joined(separator: "; "))\(more); give more characters"
            )
        }
    }
}
