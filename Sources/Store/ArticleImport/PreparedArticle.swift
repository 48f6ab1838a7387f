import Foundation

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

    /// This article with its page compressed, ready to keep. The import does this on the thread that writes, before
    /// its transaction, while the next files are parsed on the reading thread.
    /// - Throws: `StoreError` `.io` when zlib fails.
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
    let articles: Result<[PreparedArticle], StoreError>
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
}
