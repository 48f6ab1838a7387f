import Foundation
import GRDB

/// A stored news article.
public struct Article: Sendable, Equatable, Codable {
    /// SHA-256 (hex) of the canonical URL, or of the normalized title and body when there is no URL.
    public let id: String
    /// The headline.
    public let title: String
    /// The subtitle or standfirst, when the article has one.
    public let dek: String?
    /// The author(s), as printed in the byline.
    public let byline: String?
    /// The publication or outlet.
    public let source: String?
    /// The article's URL, in canonical form (see docs/IMPORT.md).
    public let url: String?
    /// The publication date (`2026-03-14`) or instant (`2026-03-14T09:30:00Z`), when known.
    public let publishedAt: String?
    /// The body text; paragraphs are separated by a blank line.
    public let body: String
    /// The number of words in the body.
    public let wordCount: Int
    /// When this replica imported the article (ISO 8601, UTC).
    public let importedAt: String

    static let columns = "id, title, dek, byline, source, url, published_at, body, word_count, imported_at"

    init(row: Row) {
        id = row["id"]
        title = row["title"]
        dek = row["dek"]
        byline = row["byline"]
        source = row["source"]
        url = row["url"]
        publishedAt = row["published_at"]
        body = row["body"]
        wordCount = row["word_count"]
        importedAt = row["imported_at"]
    }
}

/// An article without its body, as listed.
public struct ArticleSummary: Sendable, Equatable, Codable {
    /// The article id.
    public let id: String
    /// The headline.
    public let title: String
    /// The author(s).
    public let byline: String?
    /// The publication or outlet.
    public let source: String?
    /// The publication date or instant, when known.
    public let publishedAt: String?
    /// The number of words in the body.
    public let wordCount: Int
    /// When this replica imported the article.
    public let importedAt: String

    static let columns = "id, title, byline, source, published_at, word_count, imported_at"

    init(row: Row) {
        id = row["id"]
        title = row["title"]
        byline = row["byline"]
        source = row["source"]
        publishedAt = row["published_at"]
        wordCount = row["word_count"]
        importedAt = row["imported_at"]
    }
}
