import Foundation
import GRDB

/// The texts of one article that annotations can be made on (the headline, dek and body of its current revision and
/// of earlier ones), found by the SHA-256 of the part's text, which is how a change names the text its selector
/// counts in. Only the current texts' hashes are worked out up front; the texts prepared for anchoring are made when
/// a passage must be looked for.
struct ArticleTexts {
    let articleID: String
    /// The current revision number.
    let revision: Int
    /// The SHA-256 of the current body.
    let currentHash: String
    /// The number of Unicode scalars in the current body.
    let currentLength: Int
    private let body: String
    private let title: String
    private let dek: String
    private let titleHash: String
    private let dekHash: String
    /// Earlier revisions' texts by revision, read when first needed.
    private var earlier: [Int: (title: String, dek: String, body: String)]?
    /// For each part asked for, the revision whose text has a SHA-256 (the latest of those with the same text).
    private var revisionsByHash: [ArticlePart: [String: Int]] = [:]
    /// The SHA-256 of each earlier revision's text of a part, worked out once: an export asks for it for every
    /// annotation made on that revision.
    private var hashesByRevision: [ArticlePart: [Int: String]] = [:]
    /// See ``scalarMarks(_:)``.
    private var marksByPart: [ArticlePart: [Int32]] = [:]

    /// Reads the article's current text; nil when the article is not here.
    init?(articleID: String, _ db: Database) throws {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT revision, title, dek, body FROM articles WHERE id = ?"),
                arguments: [articleID])
        else { return nil }
        self.articleID = articleID
        revision = row["revision"]
        body = row["body"]
        title = ArticlePart.title.text(row)
        dek = ArticlePart.dek.text(row)
        currentHash = sha256Hex(body)
        currentLength = body.unicodeScalars.count
        titleHash = sha256Hex(title)
        dekHash = sha256Hex(dek)
    }

    /// The current text of `part`.
    func currentText(_ part: ArticlePart) -> String {
        switch part {
        case .title: title
        case .dek: dek
        case .body: body
        }
    }

    /// The SHA-256 of the current text of `part`.
    func currentHash(_ part: ArticlePart) -> String {
        switch part {
        case .title: titleHash
        case .dek: dekHash
        case .body: currentHash
        }
    }

    /// The number of Unicode scalars in the current text of `part`.
    func currentLength(_ part: ArticlePart) -> Int {
        part == .body ? currentLength : currentText(part).unicodeScalars.count
    }

    /// The current body, prepared for anchoring.
    var current: AnchoringText { AnchoringText(body) }

    /// The current text of `part`, prepared for anchoring.
    func current(_ part: ArticlePart) -> AnchoringText { AnchoringText(currentText(part)) }

    /// The revision number and text of `part` whose SHA-256 is `hash` (the current one if it has it, else the latest
    /// earlier one that has it); nil when no revision has it.
    mutating func text(hash: String, part: ArticlePart = .body, _ db: Database) throws -> (
        revision: Int, text: String
    )? {
        if hash == currentHash(part) { return (revision, currentText(part)) }
        let texts = try earlierTexts(db)
        if revisionsByHash[part] == nil {
            var found: [String: Int] = [:]
            for (number, text) in texts.sorted(by: { $0.key < $1.key }) {
                found[sha256Hex(Self.text(part, of: text))] = number
            }
            revisionsByHash[part] = found
        }
        guard let number = revisionsByHash[part]?[hash], let text = texts[number] else { return nil }
        return (number, Self.text(part, of: text))
    }

    /// Whether the current text of `part` holds `exact`'s scalars in `range`. A creation made on the current text
    /// holds its quote there, unless it was placed approximately (an imported quote that differed a little from the
    /// text).
    mutating func holds(_ exact: String, at range: Range<Int>, in part: ArticlePart = .body) -> Bool {
        var text = currentText(part)
        let marks = scalarMarks(part)
        var exact = exact
        return text.withUTF8 { text in
            exact.withUTF8 { quote in
                // The byte where scalar `range.lowerBound` starts, from the nearest mark before it: scalars start at
                // every byte that is not a UTF-8 continuation byte (10xxxxxx).
                let mark = range.lowerBound / Self.scalarsPerMark
                guard mark < marks.count else { return false }
                var start = Int(marks[mark])
                var scalars = mark * Self.scalarsPerMark
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

    /// How many scalars apart the marks of ``scalarMarks(_:)`` are.
    private static let scalarsPerMark = 64

    /// The byte offset of every 64th scalar of the current text of `part`, made when first asked for: a sync import
    /// checks every creation's quote on its article, and scanning each article from its start cost as much as the
    /// rest of the check. A few hundred bytes per article, so that the texts of a large import stay small.
    private mutating func scalarMarks(_ part: ArticlePart) -> [Int32] {
        if let marks = marksByPart[part] { return marks }
        var marks: [Int32] = []
        var scalars = 0
        for (offset, byte) in currentText(part).utf8.enumerated() where byte & 0xC0 != 0x80 {
            if scalars % Self.scalarsPerMark == 0 { marks.append(Int32(offset)) }
            scalars += 1
        }
        marksByPart[part] = marks
        return marks
    }

    /// The SHA-256 of the text of `part` at revision `revision`.
    /// - Throws: `StoreError` `.database` when the revision is missing.
    mutating func hash(revision wanted: Int, part: ArticlePart = .body, _ db: Database) throws -> String {
        if wanted == revision { return currentHash(part) }
        if let known = hashesByRevision[part]?[wanted] { return known }
        guard let text = try earlierTexts(db)[wanted] else {
            throw StoreError(.database, "revision \(wanted) of article \(articleID.prefix(8)) is missing")
        }
        let hash = sha256Hex(Self.text(part, of: text))
        hashesByRevision[part, default: [:]][wanted] = hash
        return hash
    }

    private mutating func earlierTexts(_ db: Database) throws -> [Int: (title: String, dek: String, body: String)] {
        if let earlier { return earlier }
        var found: [Int: (title: String, dek: String, body: String)] = [:]
        for row in try Row.fetchAll(
            db, sql: "SELECT revision, title, dek, body FROM article_revisions WHERE article_id = ?",
            arguments: [articleID])
        {
            found[row["revision"]] = (ArticlePart.title.text(row), ArticlePart.dek.text(row), row["body"])
        }
        earlier = found
        return found
    }

    private static func text(_ part: ArticlePart, of texts: (title: String, dek: String, body: String)) -> String {
        switch part {
        case .title: texts.title
        case .dek: texts.dek
        case .body: texts.body
        }
    }
}
