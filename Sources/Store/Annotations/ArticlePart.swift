import GRDB

/// The part of an article an annotation is on: its headline, its dek (subtitle, standfirst) or its body. A selector's
/// offsets count Unicode scalars of that part's text, and it is re-anchored on that part of each new revision.
public enum ArticlePart: String, Sendable, Codable, CaseIterable, Comparable {
    /// The headline.
    case title
    /// The subtitle or standfirst.
    case dek
    /// The body, where most annotations are (and every annotation made before schema 8).
    case body

    /// The word a person reads for the part in messages and listings: `headline`, `dek`, `body`.
    public var displayName: String {
        switch self {
        case .title: "headline"
        case .dek: "dek"
        case .body: "body"
        }
    }

    /// Where a passage of this part is, in a message: `article 3fa2c1d0` for the body, `the headline of article
    /// 3fa2c1d0` for the headline.
    func place(inArticle article: some StringProtocol) -> String {
        self == .body ? "article \(article)" : "the \(displayName) of article \(article)"
    }

    /// Parts sort in document order: the headline, the dek, then the body.
    public static func < (left: ArticlePart, right: ArticlePart) -> Bool {
        allCases.firstIndex(of: left)! < allCases.firstIndex(of: right)!
    }

    /// The part's text in `article` (an empty text for a missing dek).
    public func text(of article: Article) -> String {
        switch self {
        case .title: article.title
        case .dek: article.dek ?? ""
        case .body: article.body
        }
    }

    /// The part's text in a row of `articles` or `article_revisions` read with its `title`, `dek` and `body`
    /// columns (an empty text for a missing dek).
    func text(_ row: Row) -> String {
        switch self {
        case .title: row["title"]
        case .dek: row["dek"] ?? ""
        case .body: row["body"]
        }
    }

    /// The part named `name` in a stored row or a change.
    /// - Throws: `StoreError` `.database` for a name this newsdb does not know (written by a newer one).
    static func stored(_ name: String) throws -> ArticlePart {
        guard let part = ArticlePart(rawValue: name) else {
            throw StoreError(
                .database, "an annotation is on an unknown part \"\(name)\"; was it written by a newer newsdb?")
        }
        return part
    }
}
