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
    /// Which version of the article's text this is, from 1.
    public let revision: Int
    /// The language the article is written in, a BCP 47 tag (`en`, `pt-BR`), when its source declares one.
    public let language: String?
    /// The writing direction its source declares (`ltr`, `rtl` or `auto`); nil when it declares none.
    public let direction: String?

    static let columns = """
        id, title, dek, byline, source, url, published_at, body, word_count, imported_at, revision, language, direction
        """

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
        revision = row["revision"]
        language = row["language"]
        direction = row["direction"]
    }

    /// This article as it read at an earlier revision.
    func at(revision row: Row) -> Article {
        Article(
            id: id, title: row["title"], dek: row["dek"], byline: row["byline"], source: source, url: url,
            publishedAt: publishedAt, body: row["body"], wordCount: TextScanning.wordCount(row["body"]),
            importedAt: row["imported_at"], revision: row["revision"], language: row["language"],
            direction: row["direction"])
    }

    private init(
        id: String, title: String, dek: String?, byline: String?, source: String?, url: String?, publishedAt: String?,
        body: String, wordCount: Int, importedAt: String, revision: Int, language: String?, direction: String?
    ) {
        self.id = id
        self.title = title
        self.dek = dek
        self.byline = byline
        self.source = source
        self.url = url
        self.publishedAt = publishedAt
        self.body = body
        self.wordCount = wordCount
        self.importedAt = importedAt
        self.revision = revision
        self.language = language
        self.direction = direction
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
    /// The article's language, a BCP 47 tag, when known.
    public let language: String?
    /// The article's writing direction (`ltr`, `rtl` or `auto`), when declared.
    public let direction: String?

    static let columns = "id, title, byline, source, published_at, word_count, imported_at, language, direction"

    init(row: Row) {
        id = row["id"]
        title = row["title"]
        byline = row["byline"]
        source = row["source"]
        publishedAt = row["published_at"]
        wordCount = row["word_count"]
        importedAt = row["imported_at"]
        language = row["language"]
        direction = row["direction"]
    }
}
