import Foundation
import Synchronization

/// An article ready to store: the draft with its id, content digest and word count worked out, so that this
/// work is done while reading files rather than inside the write transaction.
struct PreparedArticle: Sendable {
    let draft: ArticleDraft
    let id: String
    let contentHash: String
    let wordCount: Int
    /// Given as a new text of a stored article (`--revision-of`): stored even when only its white space is new.
    let givenAsRevision: Bool
    /// The page the article was extracted from, as read, until ``compressingPage()`` makes it ``page``.
    private(set) var pageBytes: Data?
    /// The page the article was extracted from, compressed, to keep with it; nil for other sources.
    private(set) var page: KeptPage?

    init(_ draft: ArticleDraft, id: String? = nil, givenAsRevision: Bool = false, pageBytes: Data? = nil) {
        self.draft = draft
        self.id = id ?? draft.id
        self.givenAsRevision = givenAsRevision
        self.pageBytes = pageBytes
        contentHash = draft.contentHash
        wordCount = draft.wordCount
    }

    /// This article with its page compressed, ready to keep. The import does this where it parses the file (see
    /// ``ParsedFile/reading(_:source:revisionOf:raw:)``), so that pages are compressed on every core.
    /// - Throws: `StoreError` `.io` when zstd fails.
    func compressingPage() throws -> PreparedArticle {
        guard let pageBytes else { return self }
        var compressed = self
        compressed.page = try KeptPage(page: pageBytes)
        compressed.pageBytes = nil
        return compressed
    }
}

/// One file's outcome from the reading stage of an import: its articles, or why it is skipped.
struct ParsedFile: Sendable {
    let file: ArticleFile
    private(set) var articles: Result<[PreparedArticle], StoreError>
    /// What of the file is not imported while the rest is (a feed's items without full content).
    private(set) var skipped: [SkippedFile] = []

    /// Reads `file`; with `revisionOf`, its one article is taken as a new text of that article id; with `raw`, a
    /// plain-text body keeps a scraped page's furniture.
    init(_ file: ArticleFile, source: String?, revisionOf: String? = nil, raw: Bool = false) {
        self.file = file
        do {
            let read = try file.readArticles(source: source, raw: raw)
            let drafts = read.articles
            if let revisionOf, drafts.count != 1 || !read.skipped.isEmpty {
                throw StoreError(
                    .invalidInput,
                    "--revision-of takes a file holding one article; this one holds \(drafts.count + read.skipped.count)"
                )
            }
            skipped = read.skipped
            articles = .success(
                drafts.map { draft, page in
                    PreparedArticle(draft, id: revisionOf, givenAsRevision: revisionOf != nil, pageBytes: page)
                })
        } catch let error as StoreError {
            articles = .failure(error)
        } catch {
            articles = .failure(StoreError(.io, StoreError.describe(error), underlying: error))
        }
    }

    /// Reads `files` as ``init(_:source:revisionOf:raw:)`` does, on every core, and compresses their pages there
    /// too (``PreparedArticle/compressingPage()``); the results are in the order of `files`. Parsing pages is most
    /// of an HTML import's time, and each file is read on its own.
    static func reading(_ files: [ArticleFile], source: String?, revisionOf: String?, raw: Bool) -> [ParsedFile] {
        let results = Mutex([ParsedFile?](repeating: nil, count: files.count))
        DispatchQueue.concurrentPerform(iterations: files.count) { index in
            let parsed = ParsedFile(files[index], source: source, revisionOf: revisionOf, raw: raw).compressingPages()
            results.withLock { $0[index] = parsed }
        }
        return results.withLock { $0.compactMap { $0 } }
    }

    /// This file with its articles' pages compressed; a file whose page cannot be compressed is skipped with why.
    private func compressingPages() -> ParsedFile {
        guard case .success(let prepared) = articles else { return self }
        var compressed = self
        do {
            compressed.articles = .success(try prepared.map { try $0.compressingPage() })
        } catch let error as StoreError {
            compressed.articles = .failure(error)
        } catch {
            compressed.articles = .failure(StoreError(.io, StoreError.describe(error), underlying: error))
        }
        return compressed
    }
}
