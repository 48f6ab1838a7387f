import Foundation
import GRDB

extension NewsDatabase {
    /// How many files are written per transaction; each file still commits or rolls back as a whole.
    static let importBatchFiles = 200

    /// Imports articles from files, folders (recursively) and bytes read elsewhere.
    ///
    /// Each file imports atomically: all its articles are stored, or none. Files are grouped into transactions
    /// with one savepoint per file, so a bad file is skipped without touching the others and an interrupted import
    /// leaves every file wholly imported or not at all. Re-importing an article whose content is unchanged
    /// changes nothing.
    /// - Parameters:
    ///   - inputs: Paths and data to read.
    ///   - source: The publication to record for articles whose file names none.
    ///   - progress: Called after each file with how far the import has got.
    /// - Returns: Every article handled and every file skipped, with the reason.
    /// - Throws: `StoreError` only for failures of the database itself (disk full, read-only); problems with a file
    ///   are reported in ``ImportReport/skipped``.
    public func importArticles(
        _ inputs: [ImportInput], source: String? = nil, progress: (@Sendable (ImportProgress) -> Void)? = nil
    ) throws -> ImportReport {
        let (files, unusable) = ArticleFile.expand(inputs)
        var report = ImportReport()
        report.skipped = unusable
        var batch: [(file: ArticleFile, drafts: [ArticleDraft])] = []
        for (index, file) in files.enumerated() {
            do {
                batch.append((file, try file.read(source: source)))
            } catch {
                report.skipped.append(SkippedFile(path: file.name, reason: StoreError.describe(error)))
            }
            if batch.count >= Self.importBatchFiles || index == files.count - 1 {
                let written = try write(batch)
                report.articles += written.articles
                report.skipped += written.skipped
                batch.removeAll(keepingCapacity: true)
            }
            progress?(ImportProgress(filesDone: index + 1, filesTotal: files.count))
        }
        return report
    }

    /// Writes parsed files in one transaction, one savepoint per file.
    private func write(_ batch: [(file: ArticleFile, drafts: [ArticleDraft])]) throws -> ImportReport {
        guard !batch.isEmpty else { return ImportReport() }
        let importedAt = Timestamp.string(clock())
        return try write("importing articles") { db in
            var report = ImportReport()
            for (file, drafts) in batch {
                var articles: [ImportedArticle] = []
                do {
                    try db.inSavepoint {
                        for draft in drafts {
                            let id = draft.id
                            let status = try Self.store(draft, id: id, importedAt: importedAt, db)
                            articles.append(ImportedArticle(id: id, title: draft.title, status: status, file: file.name))
                        }
                        return .commit
                    }
                    report.articles += articles
                } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                    report.skipped.append(SkippedFile(path: file.name, reason: "rejected by the database: \(StoreError.describe(error))"))
                }
            }
            return report
        }
    }

    /// Inserts a new article, updates one whose content changed, or leaves an identical one alone.
    static func store(_ draft: ArticleDraft, id: String, importedAt: String, _ db: Database) throws -> ArticleImportStatus {
        let contentHash = draft.contentHash
        let existing = try String.fetchOne(
            db.cachedStatement(sql: "SELECT content_hash FROM articles WHERE id = ?"), arguments: [id])
        if existing == contentHash { return .unchanged }
        let arguments: StatementArguments = [
            id, draft.title, draft.dek, draft.byline, draft.source, draft.url, draft.publishedAt, draft.body,
            draft.wordCount, contentHash, importedAt,
        ]
        if existing == nil {
            try db.cachedStatement(sql: """
                INSERT INTO articles (id, title, dek, byline, source, url, published_at, body, word_count, content_hash, imported_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: arguments)
            return .imported
        }
        try db.cachedStatement(sql: """
            UPDATE articles SET title = ?2, dek = ?3, byline = ?4, source = ?5, url = ?6, published_at = ?7, body = ?8,
                word_count = ?9, content_hash = ?10, imported_at = ?11
            WHERE id = ?1
            """).execute(arguments: arguments)
        return .updated
    }
}
