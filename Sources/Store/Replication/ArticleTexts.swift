import Foundation
import GRDB

/// The texts of one article that annotations can be made on (its current body and earlier revisions), found by the
/// SHA-256 of the body, which is how a change names the text its selector counts in. Only the current body's hash
/// and length are worked out up front; the texts prepared for anchoring are made when a passage must be looked for.
struct ArticleTexts {
    let articleID: String
    /// The current revision number.
    let revision: Int
    /// The SHA-256 of the current body.
    let currentHash: String
    /// The number of Unicode scalars in the current body.
    let currentLength: Int
    private let body: String
    private var earlier: [String: (revision: Int, body: String)]?

    /// Reads the article's current text; nil when the article is not here.
    init?(articleID: String, _ db: Database) throws {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT revision, body FROM articles WHERE id = ?"), arguments: [articleID])
        else { return nil }
        self.articleID = articleID
        revision = row["revision"]
        body = row["body"]
        currentHash = sha256Hex(body)
        currentLength = body.unicodeScalars.count
    }

    /// The current text, prepared for anchoring.
    var current: AnchoringText { AnchoringText(body) }

    /// The revision number and body of the text whose body has the SHA-256 `hash`; nil when no revision has it.
    mutating func text(hash: String, _ db: Database) throws -> (revision: Int, body: String)? {
        if hash == currentHash { return (revision, body) }
        if earlier == nil {
            var found: [String: (revision: Int, body: String)] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT revision, body FROM article_revisions WHERE article_id = ? ORDER BY revision",
                arguments: [articleID])
            {
                let body: String = row["body"]
                found[sha256Hex(body)] = (row["revision"], body)
            }
            earlier = found
        }
        return earlier?[hash]
    }

    /// Whether the current body's scalars in `range` are `exact`'s. A creation made on the current text holds its
    /// quote there, unless it was placed approximately (an imported quote that differed a little from the text).
    func holds(_ exact: String, at range: Range<Int>) -> Bool {
        var body = body
        var exact = exact
        return body.withUTF8 { text in
            exact.withUTF8 { quote in
                // The byte where scalar `range.lowerBound` starts: scalars start at every byte that is not a
                // UTF-8 continuation byte (10xxxxxx).
                var scalars = 0
                var start = 0
                while start < text.count && scalars < range.lowerBound {
                    start += 1
                    while start < text.count && text[start] & 0xC0 == 0x80 { start += 1 }
                    scalars += 1
                }
                guard !quote.isEmpty, start + quote.count <= text.count,
                    memcmp(text.baseAddress! + start, quote.baseAddress!, quote.count) == 0
                else { return false }
                let end = start + quote.count
                let after = end == text.count || text[end] & 0xC0 != 0x80
                return after && quote.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) } == range.count
            }
        }
    }

    /// The body hash of revision `revision`.
    mutating func hash(revision wanted: Int, _ db: Database) throws -> String {
        if wanted == revision { return currentHash }
        _ = try text(hash: "", db)
        guard let found = earlier?.first(where: { $0.value.revision == wanted }) else {
            throw StoreError(.database, "revision \(wanted) of article \(articleID.prefix(8)) is missing")
        }
        return found.key
    }
}
