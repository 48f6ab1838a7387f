import Foundation
import GRDB

/// An article as the reader shows it: one revision's text, every revision there is, and the article's annotations
/// anchored on that text with the conflicts on them.
public struct ArticleView: Sendable, Equatable {
    /// One revision of the article.
    public struct Revision: Sendable, Equatable {
        /// Its number, from 1.
        public let number: Int
        /// When this replica imported it.
        public let importedAt: String
    }

    /// The article at the revision shown.
    public let article: Article
    /// Every revision, oldest first.
    public let revisions: [Revision]
    /// The live annotations anchored on the revision shown, in document order.
    public let annotations: [Annotation]
    /// The live annotations not found on it, oldest first.
    public let orphans: [Annotation]
    /// The conflicts on the article's annotations.
    public let conflicts: [Conflict]
}

extension NewsDatabase {
    /// The article `idOrPrefix` at `revision` (nil: the current text), with its annotations as they stand on that
    /// text, in one snapshot. On an earlier revision each annotation is looked for as a new revision re-anchors it.
    /// - Throws: `StoreError` `.notFound` for an unknown article or revision, `.ambiguous` for an ambiguous prefix.
    public func articleView(_ idOrPrefix: String, revision: Int? = nil) throws -> ArticleView {
        try read("reading an article") { db in
            let current = try Self.fetchArticle(idOrPrefix, db)
            let id = current.id
            var revisions = try Row.fetchAll(
                db, sql: "SELECT revision, imported_at FROM article_revisions WHERE article_id = ? ORDER BY revision",
                arguments: [id]
            ).map { ArticleView.Revision(number: $0["revision"], importedAt: $0["imported_at"]) }
            revisions.append(ArticleView.Revision(number: current.revision, importedAt: current.importedAt))
            var article = current
            if let revision, revision != current.revision {
                guard
                    let old = try Row.fetchOne(
                        db, sql: "SELECT * FROM article_revisions WHERE article_id = ? AND revision = ?",
                        arguments: [id, revision])
                else {
                    throw StoreError(
                        .notFound,
                        "article \(id.prefix(8)) has revisions 1 to \(current.revision); there is no revision \(revision)"
                    )
                }
                article = current.at(revision: old)
            }
            var annotations = try Self.fetchAnnotations(
                db,
                sql:
                    "SELECT \(Self.annotationSelection) FROM annotations a WHERE a.article_id = ? AND a.deleted_at IS NULL",
                arguments: [id])
            if article.revision != current.revision {
                annotations = try Self.anchored(annotations, on: article, db)
            }
            let placed = annotations.filter { $0.anchor.range != nil }.sorted { left, right in
                let (l, r) = (left.anchor.range!, right.anchor.range!)
                if left.part != right.part { return left.part < right.part }
                return (l.lowerBound, l.upperBound, left.createdAt, left.id) < (
                    r.lowerBound, r.upperBound, right.createdAt, right.id
                )
            }
            let orphans = annotations.filter { $0.anchor.range == nil }.sorted {
                ($0.createdAt, $0.id) < ($1.createdAt, $1.id)
            }
            let conflicts = try Self.conflicts(annotation: nil, db).filter { $0.articleID == id }
            return ArticleView(
                article: article, revisions: revisions, annotations: placed, orphans: orphans, conflicts: conflicts)
        }
    }

    /// `annotations` anchored on `article`'s text (an earlier revision), each from the text of its part it was made
    /// on.
    private static func anchored(_ annotations: [Annotation], on article: Article, _ db: Database) throws
        -> [Annotation]
    {
        var shown: [ArticlePart: AnchoringText] = [:]
        var madeOn: [ArticlePart: [Int: AnchoringText]] = [:]
        return try annotations.map { annotation in
            let part = annotation.part
            let text = shown[part] ?? AnchoringText(part.text(of: article))
            shown[part] = text
            if annotation.revision != article.revision && madeOn[part]?[annotation.revision] == nil {
                let row =
                    try Row.fetchOne(
                        db,
                        sql: "SELECT title, dek, body FROM article_revisions WHERE article_id = ? AND revision = ?",
                        arguments: [article.id, annotation.revision])
                    ?? Row.fetchOne(
                        db, sql: "SELECT title, dek, body FROM articles WHERE id = ? AND revision = ?",
                        arguments: [article.id, annotation.revision])
                guard let row else {
                    throw StoreError(
                        .database, "revision \(annotation.revision) of article \(article.id.prefix(8)) is missing")
                }
                madeOn[part, default: [:]][annotation.revision] = AnchoringText(part.text(row))
            }
            let (state, range) = anchor(
                annotation.selector, madeOn: madeOn[part]?[annotation.revision] ?? text, on: text,
                sameText: annotation.revision == article.revision)
            var copy = annotation
            copy.anchor = Anchor(state: state, revision: article.revision, range: range)
            return copy
        }
    }
}
