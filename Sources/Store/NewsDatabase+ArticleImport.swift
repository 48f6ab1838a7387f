import Foundation
import GRDB

extension NewsDatabase {
    /// How many files are written per transaction; each file still commits or rolls back as a whole.
    /// Every commit flushes the full-text index's pending data, so small batches cost time (measured on the BBC
    /// corpus: 50 files 1.13 s, 200 files 0.93 s, 1,000 files 0.88 s, 4,000 files 0.96 s as reading stops overlapping).
    static let importBatchFiles = 1_000

    /// Imports articles from files, folders (recursively) and bytes read elsewhere.
    ///
    /// Each file imports atomically: all its articles are stored, or none. Files are written in batches of
    /// ``importBatchFiles``, one transaction each, while the next batch is read and parsed on another thread;
    /// a file the database rejects is skipped without touching the others, and an interrupted import leaves every
    /// file wholly imported or not at all. Re-importing an article whose content is unchanged changes nothing.
    /// - Parameters:
    ///   - inputs: Paths and data to read.
    ///   - source: The publication to record for articles whose file names none.
    ///   - revisionOf: An article (id or unique prefix) whose new text the one input holds, whatever its URL or
    ///     text says; the input must hold exactly one article.
    ///   - raw: Keep the body of plain-text files as it is, without removing a scraped page's furniture
    ///     (see ``ScrapedText``).
    ///   - progress: Called after each batch is written, with how far the import has got, on the calling thread.
    /// - Returns: Every article handled and every file skipped, with the reason.
    /// - Throws: `StoreError` only for failures of the database itself (disk full, read-only); problems with a file
    ///   are reported in ``ArticleImportReport/skipped``.
    public func importArticles(
        _ inputs: [ArticleInput], source: String? = nil, revisionOf: String? = nil, raw: Bool = false,
        progress: ((ArticleImportProgress) -> Void)? = nil
    ) throws -> ArticleImportReport {
        let (files, unusable) = ArticleFile.expand(inputs)
        let target = try revisionOf.map { reference in
            guard inputs.count == 1, files.count + unusable.count == 1 else {
                throw StoreError(.invalidInput, "--revision-of takes exactly one file")
            }
            return try read("finding the article to revise") { db in try Self.resolveArticleID(reference, db) }
        }
        var report = ArticleImportReport(skipped: unusable)
        // The first batch is small so that writing starts early; the rest overlap reading with writing.
        var batches: [[ArticleFile]] = []
        var start = 0
        while start < files.count {
            let size = batches.isEmpty ? Self.importBatchFiles / 10 : Self.importBatchFiles
            batches.append(Array(files[start..<min(start + size, files.count)]))
            start += size
        }
        // One batch is read and parsed, its files on every core, while the one before it is written.
        let parsedBatches = ReadAhead<[ParsedFile]>(capacity: 1, name: "newsdb article reader") {
            [batches] yield in
            for batch in batches {
                guard yield(ParsedFile.reading(batch, source: source, revisionOf: target, raw: raw)) else { return }
            }
        }
        defer { parsedBatches.stop() }
        var done = 0
        while let current = try parsedBatches.next() {
            var parsed: [(file: ArticleFile, articles: [PreparedArticle])] = []
            for file in current {
                report.skipped += file.skipped
                switch file.articles {
                case .success(let articles):
                    parsed.append((file.file, articles))
                case .failure(let error):
                    report.skipped.append(SkippedFile(path: file.file.name, reason: error.message))
                }
            }
            let started = ContinuousClock.now
            let written = try write(parsed)
            FaultPoint.articleBatchCommitted.reach()
            Self.logger.debug(
                "wrote a batch",
                metadata: [
                    "files": "\(parsed.count)", "articles": "\(written.articles.count)",
                    "duration": "\(ContinuousClock.now - started)",
                ])
            report.articles += written.articles
            report.skipped += written.skipped
            done += current.count
            progress?(ArticleImportProgress(filesDone: done, filesTotal: files.count))
        }
        return report
    }

    /// Writes parsed files in one transaction. Savepoints would make FTS5 flush its index at every file (see
    /// ``ArticleIndex``), so a file the database rejects rolls the whole batch back, and the batch is then written
    /// again one file per transaction, skipping the file that fails: each file still lands whole or not at all.
    private func write(_ batch: [(file: ArticleFile, articles: [PreparedArticle])]) throws -> ArticleImportReport {
        guard !batch.isEmpty else { return ArticleImportReport() }
        let importedAt = Timestamp.string(clock())
        do {
            return try writer.write { db in
                try Self.growPageCache(db)
                var log = try ChangeLog(db, wallClock: clock)
                var report = ArticleImportReport()
                for (file, articles) in batch {
                    report.articles += try Self.store(articles, from: file, importedAt: importedAt, log: &log, db)
                }
                try log.save()
                return report
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT && batch.count > 1 {
            var report = ArticleImportReport()
            for entry in batch {
                let single = try write([entry])
                report.articles += single.articles
                report.skipped += single.skipped
            }
            return report
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            return ArticleImportReport(
                articles: [],
                skipped: [
                    SkippedFile(
                        path: batch[0].file.name, reason: "rejected by the database: \(StoreError.describe(error))")
                ])
        } catch {
            throw StoreError.wrap(error, "importing articles")
        }
    }

    private static func store(
        _ articles: [PreparedArticle], from file: ArticleFile, importedAt: String, log: inout ChangeLog, _ db: Database
    ) throws -> [ImportedArticle] {
        try articles.map { article in
            let status = try store(article, importedAt: importedAt, log: &log, db)
            return ImportedArticle(id: article.id, title: article.draft.title, status: status, file: file.name)
        }
    }

    /// Inserts a new article, updates one whose content changed, or leaves an identical one alone; the full-text
    /// index follows in the same transaction, and every change is a change of this replica's log.
    static func store(
        _ article: PreparedArticle, importedAt: String, log: inout ChangeLog, _ db: Database
    ) throws -> ArticleImportStatus {
        let (id, clock) = log.next()
        let status = try store(article, importedAt: importedAt, change: (log.origin, id.counter, clock), db)
        if status == .unchanged { log.giveBack(id) }
        if let page = article.page { try keep(page, articleID: article.id, keptAt: importedAt, db) }
        return status
    }

    /// Keeps `page` as the page the article's current text came from, in place of the one kept before.
    static func keep(_ page: KeptPage, articleID: String, keptAt: String, _ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO article_pages (article_id, page, size, sha256, revision, kept_at)
                VALUES (?1, ?2, ?3, ?4, (SELECT revision FROM articles WHERE id = ?1), ?5)
                ON CONFLICT (article_id) DO UPDATE SET page = excluded.page, size = excluded.size,
                    sha256 = excluded.sha256, revision = excluded.revision, kept_at = excluded.kept_at
                """
        ).execute(arguments: [articleID, page.compressed, page.size, page.sha256, keptAt])
    }

    /// The change that writes an article version: its origin number, counter and timestamp.
    typealias ArticleChange = (origin: Int64, counter: Int64, clock: HLCTimestamp)

    /// Stores `article` as written by `change` (see ``store(_:importedAt:log:_:)``). A teammate's version
    /// (`exactly`) is stored as it is; a local re-import keeps the stored value of a field it leaves out.
    static func store(
        _ article: PreparedArticle, importedAt: String, change: ArticleChange, exactly: Bool = false, _ db: Database
    ) throws -> ArticleImportStatus {
        let (draft, id, contentHash) = (article.draft, article.id, article.contentHash)
        let arguments: StatementArguments = [
            id, draft.title, draft.dek, draft.byline, draft.source, draft.url, draft.publishedAt, draft.body,
            article.wordCount, contentHash, importedAt, change.origin, change.counter, change.clock.description,
            draft.language, draft.direction,
        ]
        // Most imported articles are new: try the insert first, and look at the stored one only when there is one.
        try db.cachedStatement(
            sql: """
                INSERT INTO articles (id, title, dek, byline, source, url, published_at, body, word_count, content_hash,
                    imported_at, origin, counter, hlc, language, direction)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO NOTHING
                """
        ).execute(arguments: arguments)
        if db.changesCount == 1 {
            try ArticleIndex.add(
                seq: db.lastInsertedRowID, title: draft.title, dek: draft.dek, byline: draft.byline, body: draft.body,
                db)
            return .imported
        }
        guard
            let existing = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT seq, content_hash, title, body, dek, byline, source, url, published_at, language, direction
                        FROM articles WHERE id = ?
                        """),
                arguments: [id])
        else {
            throw StoreError(.database, "article \(id.prefix(12)) was neither inserted nor found")
        }
        if existing["content_hash"] == contentHash { return .unchanged }
        // A re-import that leaves a field out (a plain-text copy of an article first imported from JSON) keeps
        // what is stored; one that gives the field replaces it.
        var merged = draft
        if !exactly {
            merged.dek = draft.dek ?? existing["dek"]
            merged.byline = draft.byline ?? existing["byline"]
            merged.source = draft.source ?? existing["source"]
            merged.url = draft.url ?? existing["url"]
            merged.publishedAt = draft.publishedAt ?? existing["published_at"]
            merged.language = draft.language ?? existing["language"]
            merged.direction = draft.direction ?? existing["direction"]
        }
        if !exactly, !article.givenAsRevision, let title: String = existing["title"],
            let body: String = existing["body"],
            merged.title != title || merged.body != body,
            !Self.replacesStoredText(title: merged.title, body: merged.body, storedTitle: title, storedBody: body)
        {
            // Two copies of one text with other line breaks (which share an id): one of them is kept whatever the
            // order of the files, so that importing both again changes nothing.
            (merged.title, merged.body) = (title, body)
        }
        let mergedHash = merged.contentHash
        if existing["content_hash"] == mergedHash { return .unchanged }
        // A text given as another article's revision (--revision-of) must not bring that other article's URL along:
        // two articles would then share one.
        if !exactly, id != draft.id, let url = merged.url,
            let owner = try String.fetchOne(
                db, sql: "SELECT id FROM articles WHERE url = ? AND id <> ?", arguments: [url, id])
        {
            throw StoreError(
                .invalidInput,
                "the file's URL \(url) belongs to article \(owner.prefix(8)); import it without --revision-of, or remove the URL"
            )
        }
        let seq: Int64 = existing["seq"]
        if merged.title != existing["title"] || merged.body != existing["body"] {
            // The text changed: a new revision, the old one kept, annotations re-anchored.
            _ = try storeRevision(
                seq: seq, id: id, merged: merged, wordCount: article.wordCount, contentHash: mergedHash,
                importedAt: importedAt, change: change, db)
            return .revised
        }
        try ArticleIndex.remove(seq: seq, db)
        try db.cachedStatement(
            sql: """
                UPDATE articles SET title = ?2, dek = ?3, byline = ?4, source = ?5, url = ?6, published_at = ?7, body = ?8,
                    word_count = ?9, content_hash = ?10, imported_at = ?11, origin = ?12, counter = ?13, hlc = ?14,
                    language = ?15, direction = ?16
                WHERE id = ?1
                """
        ).execute(arguments: [
            id, merged.title, merged.dek, merged.byline, merged.source, merged.url, merged.publishedAt, merged.body,
            article.wordCount, mergedHash, importedAt, change.origin, change.counter, change.clock.description,
            merged.language, merged.direction,
        ])
        try ArticleIndex.add(
            seq: seq, title: merged.title, dek: merged.dek, byline: merged.byline, body: merged.body, db)
        return .updated
    }

    /// Whether a title and body that differ from the stored ones replace them, as they do unless they differ only in
    /// white space. Then the text with more line feeds (more paragraphs) wins, and of two with as many, the one
    /// whose title and body sort first by their UTF-8 bytes: the choice does not depend on which came first.
    static func replacesStoredText(title: String, body: String, storedTitle: String, storedBody: String) -> Bool {
        guard
            sha256Hex(collapsingWhitespaceOf: [title, body], separator: "\n\n")
                == sha256Hex(collapsingWhitespaceOf: [storedTitle, storedBody], separator: "\n\n")
        else { return true }
        func lineFeeds(_ text: String) -> Int { text.utf8.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }
        let (new, stored) = (lineFeeds(title) + lineFeeds(body), lineFeeds(storedTitle) + lineFeeds(storedBody))
        if new != stored { return new > stored }
        return (Array(title.utf8) + [0] + Array(body.utf8)).lexicographicallyPrecedes(
            Array(storedTitle.utf8) + [0] + Array(storedBody.utf8))
    }
}
