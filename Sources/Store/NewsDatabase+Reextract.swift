import Foundation
import GRDB

/// What `import --reextract` did: every article extracted again from its kept page, the ones it could not, and the
/// articles that have no kept page.
public struct ReextractReport: Sendable, Equatable, Codable {
    /// The articles extracted again: `revised` when the text changed (a new revision, annotations re-anchored),
    /// `updated` when only details changed, `unchanged` otherwise. `file` is `kept page`.
    public internal(set) var articles: [ImportedArticle] = []
    /// The articles whose kept page was not used, and why (`path` holds the article id).
    public internal(set) var skipped: [SkippedFile] = []
    /// The ids of articles without a kept page (imported from text or JSON, from a teammate, or before schema 7).
    public internal(set) var withoutPage: [String] = []
}

extension NewsDatabase {
    /// Extracts articles again from the pages kept with them, with this newsdb's extractor: a new revision when
    /// the title or body comes out different (the old text kept, annotations re-anchored as for any revision), the
    /// details (dek, byline, date, language …) updated when only they differ, nothing when nothing does.
    ///
    /// Pages are decompressed and extracted before the write, which is one transaction for every article. An article
    /// whose current text did not come from its kept page (a later revision imported from another file or received
    /// from a teammate) is skipped, so that re-extracting never puts an older text back.
    /// - Parameter reference: One article (id or unique prefix); nil for every article with a kept page.
    /// - Returns: What happened to each article.
    /// - Throws: `StoreError` `.notFound` for an unknown article or one given that has no kept page, `.ambiguous` for an
    ///   ambiguous prefix, and database failures.
    public func reextractArticles(_ reference: String? = nil) throws -> ReextractReport {
        var report = ReextractReport()
        let kept = try read("reading the kept pages") { db -> [Row] in
            guard let reference else {
                report.withoutPage = try String.fetchAll(
                    db,
                    sql: "SELECT id FROM articles WHERE id NOT IN (SELECT article_id FROM article_pages) ORDER BY seq")
                return try Row.fetchAll(db, sql: Self.keptPages + " ORDER BY a.seq")
            }
            let id = try Self.resolveArticleID(reference, db)
            let rows = try Row.fetchAll(db, sql: Self.keptPages + " WHERE a.id = ?", arguments: [id])
            guard !rows.isEmpty else {
                throw StoreError(
                    .notFound,
                    "article \(id.prefix(8)) has no kept page: it was not imported from a web page or feed here, or was imported before newsdb kept pages; import its page again"
                )
            }
            return rows
        }
        var extracted: [(prepared: PreparedArticle, title: String, revision: Int, sha256: String)] = []
        for row in kept {
            let id: String = row["article_id"]
            let revision: Int = row["revision"]
            let current: Int = row["current_revision"]
            guard revision == current else {
                report.skipped.append(Self.notFromPage(id, current: current, page: revision))
                continue
            }
            let page = KeptPage(compressed: row["page"], size: row["size"], sha256: row["sha256"])
            do {
                let draft = try ArticleFile.pageArticle(try page.page())
                extracted.append((PreparedArticle(draft, id: id), row["title"], revision, page.sha256))
            } catch let error as StoreError {
                report.skipped.append(SkippedFile(path: id, reason: error.message))
            }
        }
        guard !extracted.isEmpty else { return report }
        let importedAt = Timestamp.string(clock())
        let (done, changed) = try write("re-extracting articles") { db in
            var log = try ChangeLog(db, wallClock: clock)
            var done: [ImportedArticle] = []
            var changed: [SkippedFile] = []
            for (prepared, title, revision, sha256) in extracted {
                // Another newsdb may have revised the article, or kept another page, since the pages were read.
                let now = try Row.fetchOne(
                    db,
                    sql:
                        "SELECT a.revision, p.sha256 FROM articles a JOIN article_pages p ON p.article_id = a.id WHERE a.id = ?",
                    arguments: [prepared.id])
                guard let now, now["revision"] == revision, now["sha256"] == sha256 else {
                    changed.append(
                        SkippedFile(path: prepared.id, reason: "it changed while it was being re-extracted; try again"))
                    continue
                }
                let status = try Self.store(prepared, importedAt: importedAt, log: &log, db)
                try db.execute(
                    sql:
                        "UPDATE article_pages SET revision = (SELECT revision FROM articles WHERE id = ?1) WHERE article_id = ?1",
                    arguments: [prepared.id])
                let shown = status == .unchanged ? title : prepared.draft.title
                done.append(ImportedArticle(id: prepared.id, title: shown, status: status, file: "kept page"))
            }
            try log.save()
            return (done, changed)
        }
        report.articles = done
        report.skipped += changed
        return report
    }

    private static let keptPages = """
        SELECT p.article_id, p.page, p.size, p.sha256, p.revision, a.revision AS current_revision, a.title
        FROM article_pages p JOIN articles a ON a.id = p.article_id
        """

    private static func notFromPage(_ id: String, current: Int, page: Int) -> SkippedFile {
        SkippedFile(
            path: id,
            reason:
                "its current text (revision \(current)) did not come from its kept page (revision \(page)); import the page again to make it current"
        )
    }
}
